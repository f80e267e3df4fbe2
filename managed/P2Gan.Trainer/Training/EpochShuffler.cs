namespace P2Gan.Trainer.Training;

/// <summary>
/// Yields batches of dataset indices; each epoch is a fresh permutation drawn from one
/// generator seeded with the run seed, so a run's data order is reproducible.
/// The last incomplete batch of an epoch is dropped (every batch has the same shape).
/// </summary>
internal sealed class EpochShuffler
{
    private readonly Random _random;
    private readonly int[] _order;
    private readonly int _batchSize;
    private int _position;

    public EpochShuffler(int count, int batchSize, ulong seed)
    {
        if (count < batchSize)
        {
            throw new ArgumentException($"the dataset has {count} images, fewer than BatchSize = {batchSize}.");
        }
        _random = new Random(unchecked((int)seed ^ (int)(seed >> 32)));
        _order = Enumerable.Range(0, count).ToArray();
        _batchSize = batchSize;
        _position = count; // forces a shuffle before the first batch
    }

    public int Epoch { get; private set; }

    public ReadOnlySpan<int> Next()
    {
        if (_position + _batchSize > _order.Length)
        {
            _random.Shuffle(_order);
            _position = 0;
            Epoch++;
        }
        var batch = _order.AsSpan(_position, _batchSize);
        _position += _batchSize;
        return batch;
    }
}
