using P2Gan.Evaluation;

namespace P2Gan.Trainer.Evaluation;

/// <summary>The metrics of one evaluation.</summary>
/// <param name="IsMean">Inception score; with fmnist features, over the classifier's 10 classes.</param>
internal sealed record EvalScores(double Fid, double KidMean, double KidStd, double Precision, double Recall, double IsMean, double IsStd)
{
    /// <summary>The scores as written in an "eval" line of metrics.jsonl; the FID key names the
    /// features ("fmnist_fid" or "fid") because the two are not comparable.</summary>
    public IReadOnlyDictionary<string, double> ToDictionary(string featuresName) => new Dictionary<string, double>
    {
        [featuresName == FeatureEvaluation.Fmnist ? "fmnist_fid" : "fid"] = Fid,
        ["kid_mean"] = KidMean,
        ["kid_std"] = KidStd,
        ["precision"] = Precision,
        ["recall"] = Recall,
    };
}

/// <summary>The metrics of 'p2gan eval' and of evaluation during training, all from <see cref="Metrics"/> (no metric math here).</summary>
internal static class EvalMetrics
{
    public static EvalScores Compute(RealStatistics real, float[] fakeFeatures, int fakeCount, float[] fakeLogits, FeatureNetwork net, ulong seed)
    {
        int dim = net.FeatureDim;
        ReadOnlySpan<float> realSpan = real.Features.AsSpan(0, real.Count * dim);
        ReadOnlySpan<float> fake = fakeFeatures.AsSpan(0, fakeCount * dim);
        double fid = Metrics.FrechetDistance(Metrics.Statistics(fake, dim), real.Statistics);
        KidResult kid = Metrics.KernelInceptionDistance(fake, realSpan, dim, seed: seed);
        PrecisionRecall pr = Metrics.PrecisionRecall(realSpan, fake, dim);
        InceptionScoreResult score = Metrics.InceptionScore(fakeLogits.AsSpan(0, fakeCount * net.LogitDim), net.LogitDim,
            Math.Min(Metrics.DefaultInceptionSplits, fakeCount));
        return new EvalScores(fid, kid.Mean, kid.Std, pr.Precision, pr.Recall, score.Mean, score.Std);
    }
}
