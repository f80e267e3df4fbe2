namespace P2Gan;

/// <summary>Wall-clock milliseconds of each phase of one train step (p2gan_step_timings).</summary>
/// <param name="Synchronized">True when the device was synchronized at each phase boundary
/// (always on the CPU; on CUDA only with <see cref="P2GanModel.Profiling"/>).</param>
/// <param name="TransferMs">The input batch to the device.</param>
/// <param name="DForwardMs">D step: D(real), G without gradients, D(fake), L_D.</param>
/// <param name="DBackwardMs">D step backward.</param>
/// <param name="GForwardMs">G step: D(real) without gradients, G, D(fake), L_G.</param>
/// <param name="GBackwardMs">G step backward.</param>
/// <param name="OptimizerMs">Both Adam updates and the EMA.</param>
/// <param name="TotalMs">The whole call, metrics included.</param>
public sealed record StepTimings(
    bool Synchronized,
    double TransferMs,
    double DForwardMs,
    double DBackwardMs,
    double GForwardMs,
    double GBackwardMs,
    double OptimizerMs,
    double TotalMs)
{
    /// <summary>In a process group: the time of the step's collective calls (gradient averaging,
    /// synchronised batch statistics, loss consensus), part of the phases above; 0 alone.</summary>
    public double CommunicationMs { get; init; }

    /// <summary>In a process group: the bytes this rank sent into the step's collective calls; 0 alone.</summary>
    public long CommunicationBytes { get; init; }

    /// <summary>Device values the host read during the step: the loss checks of the D and G updates and
    /// one read of the metrics (each a device synchronisation on CUDA).</summary>
    public int HostSyncs { get; init; }
}
