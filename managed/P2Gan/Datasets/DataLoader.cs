using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;

namespace P2Gan.Datasets;

/// <summary>
/// Yields shuffled batches [BatchSize, C, R, R] of an <see cref="IImageDataset"/>, filled on a
/// background thread and kept ready in a bounded queue of <see cref="DataLoaderOptions.PrefetchBatches"/>.
/// </summary>
/// <remarks>
/// <para>Order: epoch e visits the dataset in <see cref="EpochOrder.Permutation"/>(seed, e); the last
/// incomplete batch of an epoch is dropped. In a multi-process run each rank takes its slice of every
/// global batch (<see cref="DataLoaderOptions.WorldSize"/>). Batches depend only on (dataset, batch size, seed,
/// flip option, position), never on timing or thread counts, so a loader created at a saved
/// <see cref="Position"/> continues bit-identically.</para>
/// <para>Errors of the background work (e.g. a corrupt image in strict mode) are rethrown by
/// <see cref="NextBatch(CancellationToken)"/> with their original type and stack, after the
/// batches completed before them; every later call rethrows them too.</para>
/// <para>One consumer: <see cref="NextBatch(CancellationToken)"/> is not for concurrent callers.</para>
/// </remarks>
public sealed class DataLoader : IDisposable
{
    private readonly ulong _seed;
    private readonly DataLoaderOptions _options;
    private readonly int _imageSize;
    private readonly int _decodeThreads;
    private readonly int _globalBatch; // BatchSize x WorldSize: what one step takes from the epoch
    private readonly BlockingCollection<Item> _ready;
    private readonly ConcurrentBag<float[]> _spare = new(); // buffers handed back by NextBatch(Span)
    private readonly CancellationTokenSource _stop = new();
    private readonly Thread _producer;
    private ExceptionDispatchInfo? _failure;
    private bool _disposed;

    /// <summary>Starts the background producer at once; dispose the loader to stop it. The loader does not
    /// own <paramref name="dataset"/>.</summary>
    /// <exception cref="ArgumentException">The dataset has fewer images than one batch.</exception>
    /// <exception cref="ArgumentOutOfRangeException">batchSize not positive, or invalid <paramref name="options"/>.</exception>
    /// <param name="dataset">The images to serve.</param>
    /// <param name="batchSize">Images per batch.</param>
    /// <param name="seed">Seed of the epoch order.</param>
    /// <param name="start">Position of the first batch to produce; default = <see cref="LoaderPosition.Start"/>.</param>
    /// <param name="options">Loader settings; null = the defaults.</param>
    public DataLoader(IImageDataset dataset, int batchSize, ulong seed, LoaderPosition start = default, DataLoaderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        _options = options ?? new DataLoaderOptions();
        if (batchSize <= 0) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "Must be positive.");
        if (_options.WorldSize < 1) throw new ArgumentOutOfRangeException(nameof(options), _options.WorldSize, "WorldSize must be >= 1.");
        if (_options.Rank < 0 || _options.Rank >= _options.WorldSize)
        {
            throw new ArgumentOutOfRangeException(nameof(options), _options.Rank, $"Rank must be in [0, {_options.WorldSize}).");
        }
        _globalBatch = checked(batchSize * _options.WorldSize);
        if (dataset.Count < _globalBatch)
        {
            throw new ArgumentException(
                $"Dataset {dataset.Description} has {dataset.Count} images, fewer than one batch of {batchSize}" +
                (_options.WorldSize > 1 ? $" x {_options.WorldSize} ranks." : "."), nameof(dataset));
        }
        if (_options.PrefetchBatches < 1) throw new ArgumentOutOfRangeException(nameof(options), _options.PrefetchBatches, "PrefetchBatches must be >= 1.");
        if (_options.DecodeThreads < 0) throw new ArgumentOutOfRangeException(nameof(options), _options.DecodeThreads, "DecodeThreads must be >= 0 (0 = auto).");

        Dataset = dataset;
        BatchSize = batchSize;
        _seed = seed;
        _imageSize = dataset.Channels * dataset.Resolution * dataset.Resolution;
        _decodeThreads = _options.DecodeThreads == 0 ? Environment.ProcessorCount : _options.DecodeThreads;
        Position = EpochOrder.Normalize(start, dataset.Count, _globalBatch);
        _ready = new BlockingCollection<Item>(new ConcurrentQueue<Item>(), _options.PrefetchBatches);
        _producer = new Thread(Produce) { IsBackground = true, Name = "p2gan-data-loader" };
        _producer.Start();
    }

    /// <summary>The dataset batches are read from; the loader does not own or dispose it.</summary>
    public IImageDataset Dataset { get; }
    /// <summary>Images per batch, as given to the constructor.</summary>
    public int BatchSize { get; }

    /// <summary>Values in one batch: BatchSize * C * R * R.</summary>
    public int BatchElementCount => BatchSize * _imageSize;

    /// <summary>Position of the batch the next <see cref="NextBatch(CancellationToken)"/> returns, in global images
    /// (with <see cref="DataLoaderOptions.WorldSize"/> above 1: the same on every rank; a checkpoint stores it once).</summary>
    public LoaderPosition Position { get; private set; }

    /// <summary>Images the dataset found undecodable so far and replaced (0 for datasets that never skip).</summary>
    public int SkippedImages => (Dataset as IReportsSkippedImages)?.SkippedImages ?? 0;

    /// <summary>
    /// The next batch as a new array [BatchSize, C, R, R] that belongs to the caller (the loader
    /// never touches it again). Blocks until the batch is ready.
    /// </summary>
    public float[] NextBatch(CancellationToken cancellationToken = default) => Take(cancellationToken);

    /// <summary>Copies the next batch into <paramref name="destination"/> (length <see cref="BatchElementCount"/>);
    /// recycles the loader's buffer, so a loop calling this allocates nothing.</summary>
    public void NextBatch(Span<float> destination, CancellationToken cancellationToken = default)
    {
        if (destination.Length != BatchElementCount)
        {
            throw new ArgumentException($"destination has {destination.Length} values; a batch has {BatchElementCount}.", nameof(destination));
        }
        float[] batch = Take(cancellationToken);
        batch.CopyTo(destination);
        _spare.Add(batch);
    }

    private float[] Take(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _failure?.Throw();
        Item item = _ready.Take(cancellationToken);
        if (item.Error is not null)
        {
            _failure = item.Error;
            _failure.Throw();
        }
        Position = item.Next;
        return item.Batch!;
    }

    /// <summary>Stops the background work and waits for it, so no dataset read runs after this returns.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _stop.Cancel();
        _producer.Join();
        _stop.Dispose();
        _ready.Dispose();
    }

    private void Produce()
    {
        CancellationToken stop = _stop.Token;
        LoaderPosition position = Position;
        int[] order = EpochOrder.Permutation(_seed, position.Epoch, Dataset.Count);
        try
        {
            while (true)
            {
                float[] batch = _spare.TryTake(out float[]? spare) ? spare : new float[BatchElementCount];
                Fill(batch, order, position, stop);
                LoaderPosition next = EpochOrder.Advance(position, Dataset.Count, _globalBatch);
                if (next.Epoch != position.Epoch) order = EpochOrder.Permutation(_seed, next.Epoch, Dataset.Count);
                _ready.Add(new Item(batch, next, null), stop); // blocks while the queue is full
                position = next;
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Disposed: nobody reads any more.
        }
        catch (Exception e)
        {
            Exception original = e is AggregateException { InnerExceptions.Count: > 0 } a ? a.InnerExceptions[0] : e;
            try { _ready.Add(new Item(null, position, ExceptionDispatchInfo.Capture(original)), stop); }
            catch (OperationCanceledException) { /* disposed meanwhile */ }
        }
    }

    private void Fill(float[] batch, int[] order, LoaderPosition position, CancellationToken stop)
    {
        if (_decodeThreads == 1)
        {
            for (int i = 0; i < BatchSize; i++)
            {
                stop.ThrowIfCancellationRequested();
                FillOne(batch, order, position, i);
            }
            return;
        }
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = _decodeThreads, CancellationToken = stop };
        Parallel.For(0, BatchSize, parallel, i => FillOne(batch, order, position, i));
    }

    private void FillOne(float[] batch, int[] order, LoaderPosition position, int i)
    {
        int offset = position.Offset + _options.Rank * BatchSize + i;
        Span<float> image = batch.AsSpan(i * _imageSize, _imageSize);
        Dataset.CopyImage(order[offset], image);
        if (_options.HorizontalFlip && EpochOrder.Flip(_seed, position.Epoch, offset))
        {
            MirrorRows(image, Dataset.Resolution);
        }
    }

    /// <summary>Reverses every row of every channel plane (CHW) in place.</summary>
    internal static void MirrorRows(Span<float> image, int resolution)
    {
        for (int start = 0; start < image.Length; start += resolution)
        {
            image.Slice(start, resolution).Reverse();
        }
    }

    private sealed record Item(float[]? Batch, LoaderPosition Next, ExceptionDispatchInfo? Error);
}
