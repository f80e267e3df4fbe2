using System.Runtime.InteropServices;

namespace P2Gan.Native;

/// <summary>
/// Bindings of the "benchmarking" section of p2gan.h (same rules as <see cref="NativeMethods"/>).
/// The output structs are passed by pointer with <c>StructSize</c> set by the caller, which
/// the native side checks.
/// </summary>
internal static unsafe partial class NativeMethods
{
    [LibraryImport(NativeAbi.LibraryName)]
    internal static partial int p2gan_runtime_info_get(NativeRuntimeInfo* info);

    [LibraryImport(NativeAbi.LibraryName)]
    internal static partial int p2gan_model_last_step_timings(SafeModelHandle model, NativeStepTimings* timings);

    [LibraryImport(NativeAbi.LibraryName)]
    internal static partial int p2gan_model_set_profiling(SafeModelHandle model, int enabled);

    [LibraryImport(NativeAbi.LibraryName)]
    internal static partial int p2gan_model_step_flops(SafeModelHandle model, long batch, out double flops);

    [LibraryImport(NativeAbi.LibraryName)]
    internal static partial int p2gan_peak_gemm_gflops(long size, int threads, out double gflops);
}
