using P2Gan.Datasets;

namespace P2Gan.Evaluation;

/// <summary>
/// FMNIST-FID in one call (docs/evaluation.md): the Fashion-MNIST classifier trained on the
/// data's training split (once, then cached by content hash), the real test split's statistics
/// (cached), and FID, KID, precision/recall and Inception score of generated samples, through
/// the same code as 'p2gan eval' and evaluation during 'p2gan train'.
/// </summary>
public static class FmnistFid
{
    /// <summary>Evaluates <paramref name="samples"/> images sampled from <paramref name="model"/>
    /// against the first <paramref name="samples"/> images of the test split.</summary>
    /// <param name="model">The model; images are converted to grey 28x28 by the classifier as needed.</param>
    /// <param name="fashionMnistDirectory">The Fashion-MNIST IDX folder (train and test images and labels).</param>
    /// <param name="samples">Generated images, and real test images; at least 2.</param>
    /// <param name="seed">Sampling seed (chunk k of <see cref="FeatureEvaluation.Chunk"/> uses seed + k) and KID seed.</param>
    /// <param name="useEma">Sample the EMA generator (the model must have one).</param>
    /// <param name="cacheDirectory">Root of the caches: classifiers go to cacheDirectory/classifiers and
    /// statistics to cacheDirectory/stats; null = the defaults ($P2GAN_CACHE_DIR or ~/.cache/p2gan).</param>
    /// <param name="progress">Receives progress lines; may be null.</param>
    /// <param name="classifier">The classifier recipe; null = the default <see cref="ClassifierTrainingOptions"/>
    /// (its Device is also where features are computed).</param>
    public static EvaluationScores Evaluate(P2GanModel model, string fashionMnistDirectory, int samples, ulong seed,
        bool useEma = false, string? cacheDirectory = null, Action<string>? progress = null,
        ClassifierTrainingOptions? classifier = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrEmpty(fashionMnistDirectory);
        ArgumentOutOfRangeException.ThrowIfLessThan(samples, 2);
        ClassifierTrainingOptions options = classifier ?? new ClassifierTrainingOptions();
        (FeatureNetwork net, string file) = FeatureEvaluation.OpenCachedClassifier(fashionMnistDirectory, options,
            cacheDirectory is null ? null : Path.Combine(cacheDirectory, "classifiers"), progress);
        using (net)
        {
            (float[] features, float[] logits) = FeatureEvaluation.ExtractSamples(net, model, samples, seed, useEma);
            RealStatistics real = FeatureEvaluation.RealStatistics(net, file, FeatureEvaluation.Fmnist,
                $"fashion-mnist:{Path.GetFullPath(fashionMnistDirectory)}", DatasetSplit.Test, model.Options.Resolution, samples,
                cacheDirectory is null ? null : Path.Combine(cacheDirectory, "stats"));
            progress?.Invoke($"fmnist-fid: real test statistics of {real.Count} images{(real.FromCache ? " from the cache" : "")}");
            return EvaluationMetrics.Compute(real, features, samples, logits, net, seed);
        }
    }
}
