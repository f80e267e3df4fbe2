using P2Gan.Datasets;
using P2Gan.Evaluation;
using P2Gan.Tests.Support;

namespace P2Gan.Tests.Evaluation;

/// <summary>FMNIST-FID through the SDK alone (no trainer): a tiny trained model, a tiny classifier recipe.</summary>
[TestFixture]
public sealed class FmnistFidTests
{
    private static readonly ClassifierTrainingOptions TinyClassifier = new() { Epochs = 1, TrainLimit = 64, BatchSize = 32, Seed = 1 };

    [Test]
    public void TinyTrainedModelHasAFiniteFmnistFidAndRealImagesBeatNoise()
    {
        NativeRequirement.Require();
        using var temp = new TempDirectory();
        string data = TinyFashionMnist.Write(temp.File("fmnist"), train: 64, test: 32);
        string cache = temp.File("cache");
        const int samples = 32;

        using var model = P2GanModel.Create(TinyModel.Options());
        var train = FashionMnistDataset.Load(data, TinyModel.Resolution);
        var batch = new float[8 * train.ImageElementCount];
        for (int step = 0; step < 3; step++)
        {
            train.CopyBatch(Enumerable.Range(step * 8, 8).ToArray(), batch);
            model.TrainStep(batch, TinyModel.Batch(8));
        }

        var lines = new List<string>();
        EvaluationScores scores = FmnistFid.Evaluate(model, data, samples, seed: 5, useEma: false, cache, lines.Add, TinyClassifier);
        Assert.Multiple(() =>
        {
            Assert.That(double.IsFinite(scores.Fid) && scores.Fid > 0, Is.True, $"FMNIST-FID {scores.Fid}");
            Assert.That(double.IsFinite(scores.KidMean), Is.True);
            Assert.That(scores.Precision, Is.InRange(0.0, 1.0));
            Assert.That(scores.Recall, Is.InRange(0.0, 1.0));
            Assert.That(scores.IsMean, Is.GreaterThanOrEqualTo(1.0 - 1e-9), "an Inception score is at least 1");
        });

        // Again: the classifier and the real statistics come from the caches, the number is the same.
        lines.Clear();
        EvaluationScores again = FmnistFid.Evaluate(model, data, samples, seed: 5, useEma: false, cache, lines.Add, TinyClassifier);
        Assert.That(again.Fid, Is.EqualTo(scores.Fid));
        Assert.That(lines, Has.Some.Contain("reusing"));
        Assert.That(lines, Has.Some.Contain("from the cache"));

        // In the same features, real images the statistics did not see are much closer to the
        // test split than uniform noise is.
        (FeatureNetwork net, string file) = FeatureEvaluation.OpenCachedClassifier(data, TinyClassifier, Path.Combine(cache, "classifiers"), null);
        using (net)
        {
            RealStatistics real = FeatureEvaluation.RealStatistics(net, file, FeatureEvaluation.Fmnist, $"fashion-mnist:{data}",
                DatasetSplit.Test, TinyModel.Resolution, samples, Path.Combine(cache, "stats"));
            Assert.That(real.FromCache, Is.True, "FmnistFid stored the same statistics");

            // Training images 32..63 (images 0..31 of both tiny splits are the same shapes).
            var trainAtResolution = FashionMnistDataset.Load(data, TinyModel.Resolution);
            (float[] f, float[] l) = FeatureEvaluation.ExtractDataset(net, trainAtResolution, 2 * samples);
            double realFid = EvaluationMetrics.Compute(real, f[(samples * net.FeatureDim)..], samples, l[(samples * net.LogitDim)..], net, 5).Fid;
            (float[] nf, float[] nl) = FeatureEvaluation.ExtractDataset(net, new UniformNoiseDataset(samples, TinyModel.Resolution, 1), samples);
            double noiseFid = EvaluationMetrics.Compute(real, nf, samples, nl, net, 5).Fid;
            Assert.That(double.IsFinite(realFid) && double.IsFinite(noiseFid), Is.True, $"real {realFid}, noise {noiseFid}");
            Assert.That(realFid, Is.LessThan(noiseFid), $"real {realFid}, noise {noiseFid}");
        }
    }
}
