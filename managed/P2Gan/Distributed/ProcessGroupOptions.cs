namespace P2Gan.Distributed;

/// <summary>How a rank joins a <see cref="ProcessGroup"/>: the same <see cref="InitMethod"/>,
/// <see cref="WorldSize"/> and <see cref="Backend"/> on every rank, its own <see cref="Rank"/>.</summary>
public sealed record ProcessGroupOptions
{
    /// <summary>The collective backend: "gloo" (CPU tensors).</summary>
    public string Backend { get; init; } = "gloo";

    /// <summary>Where the ranks meet, spelled as torch.distributed does: "tcp://HOST:PORT" (rank 0
    /// serves the rendezvous store there), "file:///PATH" (a store file every rank sees; a new run
    /// needs a new file) or "env://" (torchrun's RANK, WORLD_SIZE, MASTER_ADDR and MASTER_PORT).</summary>
    public string InitMethod { get; init; } = "env://";

    /// <summary>This process's rank in [0, <see cref="WorldSize"/>); -1 with "env://" takes RANK.</summary>
    public int Rank { get; init; } = -1;

    /// <summary>The number of ranks; -1 with "env://" takes WORLD_SIZE.</summary>
    public int WorldSize { get; init; } = -1;

    /// <summary>How long the rendezvous and each collective call may take before the ranks still
    /// waiting fail (a rank died or hangs). Evaluation on rank 0 must fit in it. Default 30 minutes,
    /// as torch.distributed's.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(30);
}
