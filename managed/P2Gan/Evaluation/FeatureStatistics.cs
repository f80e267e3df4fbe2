namespace P2Gan.Evaluation;

/// <summary>
/// Mean [Dim] and covariance [Dim, Dim] (row-major, unbiased: divides by Count - 1) of
/// Count feature vectors, in float64, as <see cref="Metrics.Statistics"/> computes them.
/// </summary>
public sealed class FeatureStatistics
{
    /// <summary>Wraps (does not copy) <paramref name="mean"/> [dim] and row-major <paramref name="covariance"/> [dim, dim].</summary>
    /// <param name="mean">The feature means; not empty.</param>
    /// <param name="covariance">The unbiased covariance, dim * dim values.</param>
    /// <param name="count">How many feature vectors they summarise; at least 2.</param>
    /// <exception cref="ArgumentException">Empty mean, or a covariance of another size.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is below 2.</exception>
    public FeatureStatistics(double[] mean, double[] covariance, long count)
    {
        ArgumentNullException.ThrowIfNull(mean);
        ArgumentNullException.ThrowIfNull(covariance);
        if (mean.Length == 0) throw new ArgumentException("mean is empty.", nameof(mean));
        if (covariance.LongLength != (long)mean.Length * mean.Length)
        {
            throw new ArgumentException(
                $"covariance holds {covariance.LongLength} values; a dimension of {mean.Length} needs {(long)mean.Length * mean.Length}.",
                nameof(covariance));
        }
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 2);
        Mean = mean;
        Covariance = covariance;
        Count = count;
    }

    /// <summary>The mean of each feature, [Dim].</summary>
    public double[] Mean { get; }

    /// <summary>Row-major [Dim, Dim].</summary>
    public double[] Covariance { get; }

    /// <summary>Number of feature vectors the statistics summarise.</summary>
    public long Count { get; }

    /// <summary>The feature dimension.</summary>
    public int Dim => Mean.Length;
}
