namespace P2Gan.Datasets;

/// <summary>Background work of a <see cref="DataLoader"/>; none of these change which batches it yields except <see cref="HorizontalFlip"/>.</summary>
public sealed record DataLoaderOptions
{
    /// <summary>Finished batches kept ready ahead of the consumer (the bound of the queue); at least 1.</summary>
    public int PrefetchBatches { get; init; } = 4;

    /// <summary>Threads that fill one batch in parallel; 0 = one per processor. Decoding datasets
    /// (folder, CelebA) profit from more; in-memory ones are fast on one.</summary>
    public int DecodeThreads { get; init; } = 1;

    /// <summary>Mirror half of the images left-right, chosen from (seed, epoch, offset in epoch).</summary>
    public bool HorizontalFlip { get; init; }
}
