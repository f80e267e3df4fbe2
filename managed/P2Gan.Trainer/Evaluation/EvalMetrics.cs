using P2Gan.Evaluation;

namespace P2Gan.Trainer.Commands;

/// <summary>The metrics of 'p2gan eval', all from <see cref="Metrics"/> (no metric math here).</summary>
internal static class EvalMetrics
{
    public static void Compute(EvalReport report, FeatureStatistics realStats, float[] realFeatures, int realCount, float[] fakeFeatures, int fakeCount,
        float[] fakeLogits, FeatureNetwork net, ulong seed)
    {
        int dim = net.FeatureDim;
        ReadOnlySpan<float> real = realFeatures.AsSpan(0, realCount * dim);
        ReadOnlySpan<float> fake = fakeFeatures.AsSpan(0, fakeCount * dim);
        FeatureStatistics fakeStats = Metrics.Statistics(fake, dim);
        report.Fid = Metrics.FrechetDistance(fakeStats, realStats);
        KidResult kid = Metrics.KernelInceptionDistance(fake, real, dim, seed: seed);
        report.KidMean = kid.Mean;
        report.KidStd = kid.Std;
        PrecisionRecall pr = Metrics.PrecisionRecall(real, fake, dim);
        report.Precision = pr.Precision;
        report.Recall = pr.Recall;
        InceptionScoreResult score = Metrics.InceptionScore(fakeLogits.AsSpan(0, fakeCount * net.LogitDim), net.LogitDim,
            Math.Min(Metrics.DefaultInceptionSplits, fakeCount));
        report.IsMean = score.Mean;
        report.IsStd = score.Std;
    }
}
