namespace P2Gan.Datasets;

/// <summary>
/// Where a <see cref="DataLoader"/> stands: the position of the NEXT batch it will produce.
/// <see cref="Epoch"/> counts from 0 (the first pass over the data is epoch 0);
/// <see cref="Offset"/> is the index into that epoch's permutation of the batch's first image.
/// Save it with a checkpoint and give it back to a new loader (same dataset, batch size
/// and seed) to continue with bit-identical batches.
/// </summary>
/// <remarks>
/// A loader keeps its position canonical: when fewer than a batch of images remain in an
/// epoch (the incomplete tail is dropped), the position is (Epoch + 1, 0), never the tail.
/// </remarks>
public readonly record struct LoaderPosition(long Epoch, int Offset)
{
    /// <summary>The first batch of the first epoch: (0, 0).</summary>
    public static LoaderPosition Start => default;

    /// <summary>"epoch E, offset O", for logs.</summary>
    public override string ToString() => $"epoch {Epoch}, offset {Offset}";
}
