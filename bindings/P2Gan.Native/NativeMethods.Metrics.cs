using System.Runtime.InteropServices;

namespace P2Gan.Native;

/// <summary>
/// Bindings of the "evaluation: metrics" section of p2gan.h (same rules as
/// <see cref="NativeMethods"/>): feature matrices are row-major float32 [count, dim] passed
/// as pointers, means and covariances float64, scalar results come back through
/// <c>out double</c>. The native side only reads the inputs during the call.
/// </summary>
internal static unsafe partial class NativeMethods
{
    /// <summary>mean: dim doubles, covariance: dim * dim doubles (caller-allocated).</summary>
    [LibraryImport(NativeAbi.LibraryName)]
    internal static partial int p2gan_metric_statistics(
        float* features, long count, long dim, double* mean, double* covariance);

    [LibraryImport(NativeAbi.LibraryName)]
    internal static partial int p2gan_metric_frechet_distance(
        double* meanA, double* covarianceA, double* meanB, double* covarianceB, long dim, out double distance);

    [LibraryImport(NativeAbi.LibraryName)]
    internal static partial int p2gan_metric_kid(
        float* featuresA, long countA, float* featuresB, long countB, long dim,
        long subsets, long subsetSize, ulong seed, out double mean, out double std);

    [LibraryImport(NativeAbi.LibraryName)]
    internal static partial int p2gan_metric_inception_score(
        float* logits, long count, long classes, long splits, out double mean, out double std);

    [LibraryImport(NativeAbi.LibraryName)]
    internal static partial int p2gan_metric_precision_recall(
        float* real, long countReal, float* fake, long countFake, long dim, long k,
        out double precision, out double recall);
}
