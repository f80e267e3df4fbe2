using P2Gan.Native;

namespace P2Gan;

/// <summary>The compute settings of this process's native core (p2gan_runtime_info).</summary>
/// <param name="IntraOpThreads">LibTorch's intra-op threads now.</param>
/// <param name="BlasThreads">OpenBLAS's thread count as the core set it; null when the BLAS is not OpenBLAS.</param>
/// <param name="Cores">Hardware threads.</param>
/// <param name="Mkldnn">Whether LibTorch was built with oneDNN (MKL-DNN).</param>
/// <param name="CudaAvailable">Whether a CUDA device can be used.</param>
/// <param name="LibTorchVersion">The LibTorch version the core was built against.</param>
/// <param name="Blas">The BLAS and its thread count as the core configured them.</param>
public sealed record RuntimeInfo(
    int IntraOpThreads,
    int? BlasThreads,
    int Cores,
    bool Mkldnn,
    bool CudaAvailable,
    string LibTorchVersion,
    string Blas)
{
    /// <summary>OMP_WAIT_POLICY as LibTorch's OpenMP runtime read it: PASSIVE unless the process
    /// set another value before the native library loaded (workers then sleep rather than spin,
    /// which keeps the step fast when other processes compete for the cores; docs/benchmarks.md).</summary>
    public string? OmpWaitPolicy => OpenMpWaitPolicy.Current;

    /// <summary>The settings now in force. Thread counts change when a model is created
    /// (<see cref="RuntimeOptions.Threads"/>); query after creating it.</summary>
    public static unsafe RuntimeInfo Current
    {
        get
        {
            NativeRuntimeInfo info = default;
            info.StructSize = (uint)sizeof(NativeRuntimeInfo);
            NativeStatus.ThrowIfFailed(NativeMethods.p2gan_runtime_info_get(&info));
            return new RuntimeInfo(info.IntraOpThreads, info.BlasThreads >= 0 ? info.BlasThreads : null, info.Cores,
                info.Mkldnn != 0, info.CudaAvailable != 0, NativeText.Read(info.LibtorchVersion, NativeRuntimeInfo.LibtorchVersionCapacity),
                NativeText.Read(info.Blas, NativeRuntimeInfo.BlasCapacity));
        }
    }

    /// <summary>
    /// The machine's float32 GEMM peak in GFLOP/s: the best of a few <c>torch::mm</c> of two
    /// <paramref name="size"/> x <paramref name="size"/> matrices through LibTorch's BLAS, with
    /// OpenBLAS at <paramref name="threads"/> threads (0 = one per hardware thread) and set back
    /// afterwards. Process-wide: no train step may run on another thread meanwhile.
    /// </summary>
    public static unsafe double MeasurePeakGemmGflops(int size = 2048, int threads = 0)
    {
        double gflops;
        NativeStatus.ThrowIfFailed(NativeMethods.p2gan_peak_gemm_gflops(size, threads, &gflops));
        return gflops;
    }
}
