using P2Gan.Native;

namespace P2Gan;

// The benchmarking surface of a model (p2gan.h "benchmarking"; docs/benchmarks.md).
public sealed unsafe partial class P2GanModel
{
    private bool _profiling;

    /// <summary>Wall-clock phase times of the last <see cref="TrainStep"/> (all zero before the first).</summary>
    /// <remarks>On CUDA the phases are only separated while <see cref="Profiling"/> is on.</remarks>
    public StepTimings LastStepTimings
    {
        get
        {
            NativeStepTimings t = default;
            t.StructSize = (uint)sizeof(NativeStepTimings);
            NativeStatus.ThrowIfFailed(NativeMethods.p2gan_model_last_step_timings(_handle, &t));
            return new StepTimings(t.Synchronized != 0, t.TransferMs, t.DForwardMs, t.DBackwardMs,
                t.GForwardMs, t.GBackwardMs, t.OptimizerMs, t.TotalMs)
            {
                CommunicationMs = t.CommunicationMs,
                CommunicationBytes = t.CommunicationBytes,
                HostSyncs = t.HostSyncs,
            };
        }
    }

    /// <summary>
    /// When true, CUDA work is synchronized at each phase boundary of the following train steps,
    /// so that <see cref="LastStepTimings"/> holds each phase's own time (the steps get slower).
    /// No effect on the CPU, where phases are always exact. Off for a new model.
    /// </summary>
    public bool Profiling
    {
        get => _profiling;
        set
        {
            NativeStatus.ThrowIfFailed(NativeMethods.p2gan_model_set_profiling(_handle, value ? 1 : 0));
            _profiling = value;
        }
    }

    /// <summary>
    /// Floating-point operations of one train step (a D update then a G update) on
    /// <paramref name="batch"/> images of this architecture, counted from the layer shapes:
    /// conv, transposed-conv and linear layers at 2 FLOPs per multiply-accumulate, backward
    /// only where the step computes gradients (docs/benchmarks.md).
    /// </summary>
    public double StepFlops(int batch)
    {
        RequirePositive(batch, nameof(batch));
        double flops;
        NativeStatus.ThrowIfFailed(NativeMethods.p2gan_model_step_flops(_handle, batch, &flops));
        return flops;
    }
}
