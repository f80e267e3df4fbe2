namespace P2Gan.Training;

/// <summary>The evaluation settings of 'p2gan train' and which direction of each metric is better.</summary>
public static class TrainEvaluation
{
    /// <summary>The usual FID sample size (FID is biased upwards for fewer images).</summary>
    public const int DefaultSamples = 10000;
    public const string DefaultBestMetric = FmnistFid;

    public const string FmnistFid = "fmnist_fid";
    public const string Fid = "fid";

    /// <summary>The metrics of an "eval" line that BestMetric may name.</summary>
    public static IReadOnlyList<string> Metrics { get; } = [FmnistFid, Fid, "kid_mean", "precision", "recall"];

    public static bool IsKnownMetric(string name) => Metrics.Contains(name);

    /// <summary>Distances shrink as samples improve; precision and recall grow.</summary>
    public static bool LowerIsBetter(string metric) => metric is not ("precision" or "recall");

    public static bool IsImprovement(string metric, double value, double? best) =>
        double.IsFinite(value) && (best is not { } b || (LowerIsBetter(metric) ? value < b : value > b));
}
