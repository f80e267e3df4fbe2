namespace P2Gan.Training;

/// <summary>The evaluation settings of a training run and which direction of each metric is better.</summary>
public static class TrainEvaluation
{
    /// <summary>The usual FID sample size (FID is biased upwards for fewer images).</summary>
    public const int DefaultSamples = 10000;
    /// <summary>The metric that chooses best.ckpt by default.</summary>
    public const string DefaultBestMetric = FmnistFid;

    /// <summary>FID in the features of the Fashion-MNIST classifier (docs/evaluation.md).</summary>
    public const string FmnistFid = "fmnist_fid";
    /// <summary>FID in Inception-v3's features.</summary>
    public const string Fid = "fid";

    /// <summary>The metrics of an "eval" line that <see cref="TrainingConfig.BestMetric"/> may name.</summary>
    public static IReadOnlyList<string> Metrics { get; } = [FmnistFid, Fid, "kid_mean", "precision", "recall"];

    /// <summary>Whether <paramref name="name"/> is one of <see cref="Metrics"/>.</summary>
    /// <param name="name">A metric name.</param>
    public static bool IsKnownMetric(string name) => Metrics.Contains(name);

    /// <summary>Distances shrink as samples improve; precision and recall grow.</summary>
    /// <param name="metric">A metric name.</param>
    public static bool LowerIsBetter(string metric) => metric is not ("precision" or "recall");

    /// <summary>Whether <paramref name="value"/> beats <paramref name="best"/> (any finite value beats none).</summary>
    /// <param name="metric">A metric name.</param>
    /// <param name="value">The new value.</param>
    /// <param name="best">The best value so far; null when none.</param>
    public static bool IsImprovement(string metric, double value, double? best) =>
        double.IsFinite(value) && (best is not { } b || (LowerIsBetter(metric) ? value < b : value > b));
}
