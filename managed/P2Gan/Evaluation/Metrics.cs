using P2Gan.Native;

namespace P2Gan.Evaluation;

/// <summary>
/// GAN evaluation metrics over feature matrices (row-major float32 [count, dim]), computed
/// in float64 by the native core; docs/evaluation.md gives the exact definitions. Managed
/// code checks buffer lengths; the native core checks counts, options and finiteness (NaN
/// or infinity: <see cref="P2GanNonFiniteException"/>). Thread-safe (no shared state).
/// </summary>
public static unsafe class Metrics
{
    /// <summary>torch-fidelity's defaults.</summary>
    public const int DefaultKidSubsets = 100;
    /// <summary>Rows per KID subset (torch-fidelity's default); a smaller set is used whole.</summary>
    public const int DefaultKidSubsetSize = 1000;
    /// <summary>Splits of the Inception Score (torch-fidelity's default).</summary>
    public const int DefaultInceptionSplits = 10;
    /// <summary>k of the k-nearest-neighbour radii of precision and recall (Kynkäänniemi et al., 2019).</summary>
    public const int DefaultNearestNeighbours = 3;

    /// <summary>Mean and unbiased covariance of <paramref name="features"/> [count, dim]; count >= 2.</summary>
    public static FeatureStatistics Statistics(ReadOnlySpan<float> features, int dim)
    {
        long count = Rows(features, dim, nameof(features));
        var mean = new double[dim];
        var covariance = new double[checked((long)dim * dim)];
        fixed (float* f = features)
        fixed (double* m = mean)
        fixed (double* c = covariance)
        {
            NativeStatus.ThrowIfFailed(NativeMethods.p2gan_metric_statistics(f, count, dim, m, c));
        }
        return new FeatureStatistics(mean, covariance, count);
    }

    /// <summary>
    /// Frechet distance |m_a - m_b|^2 + tr(C_a + C_b - 2 (C_a C_b)^(1/2)) (FID for Inception
    /// statistics); the trace of the square root through symmetric eigendecompositions.
    /// </summary>
    public static double FrechetDistance(FeatureStatistics a, FeatureStatistics b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Dim != b.Dim) throw new ArgumentException($"Dimensions differ: {a.Dim} and {b.Dim}.", nameof(b));
        fixed (double* ma = a.Mean)
        fixed (double* ca = a.Covariance)
        fixed (double* mb = b.Mean)
        fixed (double* cb = b.Covariance)
        {
            double d;
            NativeStatus.ThrowIfFailed(NativeMethods.p2gan_metric_frechet_distance(ma, ca, mb, cb, a.Dim, &d));
            return d;
        }
    }

    /// <summary>
    /// KID: unbiased MMD^2 with k(x, y) = (x.y / dim + 1)^3 over <paramref name="subsets"/>
    /// random subsets of <paramref name="subsetSize"/> rows per set (a smaller set is used
    /// whole), drawn from <paramref name="seed"/>.
    /// </summary>
    public static KidResult KernelInceptionDistance(
        ReadOnlySpan<float> featuresA, ReadOnlySpan<float> featuresB, int dim,
        int subsets = DefaultKidSubsets, int subsetSize = DefaultKidSubsetSize, ulong seed = 0)
    {
        long countA = Rows(featuresA, dim, nameof(featuresA));
        long countB = Rows(featuresB, dim, nameof(featuresB));
        double mean, std;
        fixed (float* a = featuresA)
        fixed (float* b = featuresB)
        {
            NativeStatus.ThrowIfFailed(NativeMethods.p2gan_metric_kid(
                a, countA, b, countB, dim, subsets, subsetSize, seed, &mean, &std));
            return new KidResult(mean, std);
        }
    }

    /// <summary>Inception Score of <paramref name="logits"/> [count, classes] over consecutive splits.</summary>
    public static InceptionScoreResult InceptionScore(ReadOnlySpan<float> logits, int classes, int splits = DefaultInceptionSplits)
    {
        long count = Rows(logits, classes, nameof(logits));
        double mean, std;
        fixed (float* l = logits)
        {
            NativeStatus.ThrowIfFailed(NativeMethods.p2gan_metric_inception_score(
                l, count, classes, splits, &mean, &std));
            return new InceptionScoreResult(mean, std);
        }
    }

    /// <summary>Improved precision and recall with k-NN manifolds (k = 3 by default, as the paper).</summary>
    public static PrecisionRecall PrecisionRecall(
        ReadOnlySpan<float> real, ReadOnlySpan<float> fake, int dim, int k = DefaultNearestNeighbours)
    {
        long countReal = Rows(real, dim, nameof(real));
        long countFake = Rows(fake, dim, nameof(fake));
        double precision, recall;
        fixed (float* r = real)
        fixed (float* f = fake)
        {
            NativeStatus.ThrowIfFailed(NativeMethods.p2gan_metric_precision_recall(
                r, countReal, f, countFake, dim, k, &precision, &recall));
            return new PrecisionRecall(precision, recall);
        }
    }

    /// <summary>Rows of a [count, dim] buffer; the length must be a non-zero multiple of dim.</summary>
    private static long Rows(ReadOnlySpan<float> data, int dim, string name)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dim, 1, nameof(dim));
        if (data.IsEmpty || data.Length % dim != 0)
        {
            throw new ArgumentException($"{name} holds {data.Length} values, not a positive multiple of dim = {dim}.", name);
        }
        return data.Length / dim;
    }
}
