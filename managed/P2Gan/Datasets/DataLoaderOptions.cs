namespace P2Gan.Datasets;

/// <summary>Settings of a <see cref="DataLoader"/>: the background work (which never changes the batches),
/// the flips, and the share of each process of a multi-process run.</summary>
public sealed record DataLoaderOptions
{
    /// <summary>Finished batches kept ready ahead of the consumer (the bound of the queue); at least 1.</summary>
    public int PrefetchBatches { get; init; } = 4;

    /// <summary>Threads that fill one batch in parallel; 0 = one per processor. Decoding datasets
    /// (folder, CelebA) profit from more; in-memory ones are fast on one.</summary>
    public int DecodeThreads { get; init; } = 1;

    /// <summary>Mirror half of the images left-right, chosen from (seed, epoch, offset in epoch).</summary>
    public bool HorizontalFlip { get; init; }

    /// <summary>This process's rank in a data-parallel run of <see cref="WorldSize"/> processes (0 alone).</summary>
    public int Rank { get; init; }

    /// <summary>Processes of a data-parallel run (1 alone). Every rank computes the same epoch
    /// permutation; each step takes one global batch of BatchSize x WorldSize images from it, and
    /// rank r gets its r-th slice of BatchSize: the ranks' batches are disjoint, together they are
    /// the batch one process with BatchSize x WorldSize would get, and
    /// <see cref="DataLoader.Position"/> counts global images (the same on every rank).</summary>
    public int WorldSize { get; init; } = 1;
}
