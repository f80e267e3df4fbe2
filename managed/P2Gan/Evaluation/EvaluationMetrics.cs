namespace P2Gan.Evaluation;

/// <summary>The metrics of one evaluation of generated images against real ones, in one feature space.</summary>
/// <param name="Fid">Frechet distance of the feature statistics (FID with Inception features, FMNIST-FID
/// with the Fashion-MNIST classifier's; the two are not comparable).</param>
/// <param name="KidMean">Kernel Inception Distance: mean over the subsets.</param>
/// <param name="KidStd">Kernel Inception Distance: standard deviation over the subsets.</param>
/// <param name="Precision">Improved precision (k = 3): fraction of fakes inside the real manifold.</param>
/// <param name="Recall">Improved recall (k = 3): fraction of reals inside the fake manifold.</param>
/// <param name="IsMean">Inception score of the fakes' logits; with Fashion-MNIST features, over the classifier's 10 classes.</param>
/// <param name="IsStd">Standard deviation of the Inception score over its splits.</param>
public sealed record EvaluationScores(double Fid, double KidMean, double KidStd, double Precision, double Recall, double IsMean, double IsStd)
{
    /// <summary>The scores as written in an "eval" line of metrics.jsonl; the FID key names the
    /// features ("fmnist_fid" or "fid") because the two are not comparable.</summary>
    /// <param name="featuresName"><see cref="FeatureEvaluation.Fmnist"/> or <see cref="FeatureEvaluation.Inception"/>.</param>
    public IReadOnlyDictionary<string, double> ToDictionary(string featuresName) => new Dictionary<string, double>
    {
        [featuresName == FeatureEvaluation.Fmnist ? "fmnist_fid" : "fid"] = Fid,
        ["kid_mean"] = KidMean,
        ["kid_std"] = KidStd,
        ["precision"] = Precision,
        ["recall"] = Recall,
    };
}

/// <summary>The metrics of 'p2gan eval', of evaluation during training and of <see cref="FmnistFid"/>,
/// all from <see cref="Metrics"/> (no metric math here).</summary>
public static class EvaluationMetrics
{
    /// <summary>FID, KID, precision/recall and Inception score of generated features against the real ones.</summary>
    /// <param name="real">The real side (statistics and feature rows).</param>
    /// <param name="fakeFeatures">Generated features, at least [fakeCount, net.FeatureDim].</param>
    /// <param name="fakeCount">Generated images (the first rows used); at least 2.</param>
    /// <param name="fakeLogits">Generated logits, at least [fakeCount, net.LogitDim].</param>
    /// <param name="net">The feature network both sides went through (for its dimensions).</param>
    /// <param name="seed">Seed of the KID subsets.</param>
    public static EvaluationScores Compute(RealStatistics real, float[] fakeFeatures, int fakeCount, float[] fakeLogits, FeatureNetwork net, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(real);
        ArgumentNullException.ThrowIfNull(fakeFeatures);
        ArgumentNullException.ThrowIfNull(fakeLogits);
        ArgumentNullException.ThrowIfNull(net);
        int dim = net.FeatureDim;
        ReadOnlySpan<float> realSpan = real.Features.AsSpan(0, real.Count * dim);
        ReadOnlySpan<float> fake = fakeFeatures.AsSpan(0, fakeCount * dim);
        double fid = Metrics.FrechetDistance(Metrics.Statistics(fake, dim), real.Statistics);
        KidResult kid = Metrics.KernelInceptionDistance(fake, realSpan, dim, seed: seed);
        PrecisionRecall pr = Metrics.PrecisionRecall(realSpan, fake, dim);
        InceptionScoreResult score = Metrics.InceptionScore(fakeLogits.AsSpan(0, fakeCount * net.LogitDim), net.LogitDim,
            Math.Min(Metrics.DefaultInceptionSplits, fakeCount));
        return new EvaluationScores(fid, kid.Mean, kid.Std, pr.Precision, pr.Recall, score.Mean, score.Std);
    }
}
