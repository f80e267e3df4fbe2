using P2Gan.Datasets;
using P2Gan.Evaluation;

namespace P2Gan.Trainer.Evaluation;

/// <summary>
/// The plumbing 'p2gan eval' and evaluation during training share: images in chunks through a
/// feature network, and the real split's statistics through the <see cref="StatisticsCache"/>.
/// One place, so that a training run's FMNIST-FID and the command's are the same number.
/// </summary>
internal static class FeatureEvaluation
{
    /// <summary>Images per feature-network call (bounds the memory of one batch of 299x299 images).</summary>
    public const int Chunk = 500;

    /// <summary>Feature name of the Fashion-MNIST classifier, also the prefix of its FID key ("fmnist_fid").</summary>
    public const string Fmnist = "fmnist";
    public const string Inception = "inception";

    /// <summary>Channels the real images are converted to for a feature network: the classifier reads grey images.</summary>
    public static int RealChannels(string featuresName) => featuresName == Fmnist ? 1 : 3;

    /// <summary>The cached Fashion-MNIST classifier for this data and recipe (trained and cached on first use), opened.</summary>
    /// <param name="fmnistDirectory">The IDX folder whose training split (with labels) the classifier learns.</param>
    public static (FeatureNetwork Net, string File) OpenCachedClassifier(string fmnistDirectory, ClassifierTrainingOptions options,
        string? cacheDirectory, Action<string>? progress)
    {
        string file = ClassifierTraining.GetOrTrain(fmnistDirectory, options, cacheDirectory, progress).Path;
        return (FeatureNetwork.LoadClassifier(file, options.Device), Path.GetFullPath(file));
    }

    /// <summary>Generated images in chunks of <see cref="Chunk"/>; chunk k is sampled with seed + k so that
    /// the set does not depend on how the caller splits it.</summary>
    public static (float[] Features, float[] Logits) ExtractSamples(FeatureNetwork net, P2GanModel model, int count, ulong seed, bool useEma)
    {
        ModelOptions o = model.Options;
        return ExtractChunks(net, count, o.Resolution, o.Channels, (start, n) => model.Sample(n, seed + (ulong)(start / Chunk), useEma: useEma));
    }

    public static (float[] Features, float[] Logits) ExtractDataset(FeatureNetwork net, IImageDataset dataset, int count)
    {
        int size = dataset.Channels * dataset.Resolution * dataset.Resolution;
        return ExtractChunks(net, count, dataset.Resolution, dataset.Channels, (start, n) =>
        {
            var images = new float[n * size];
            for (int i = 0; i < n; i++) dataset.CopyImage(start + i, images.AsSpan(i * size, size));
            return images;
        });
    }

    private static (float[] Features, float[] Logits) ExtractChunks(
        FeatureNetwork net, int count, int resolution, int channels, Func<int, int, float[]> images)
    {
        var features = new float[(long)count * net.FeatureDim];
        var logits = new float[(long)count * net.LogitDim];
        for (int start = 0; start < count; start += Chunk)
        {
            int n = Math.Min(Chunk, count - start);
            net.Extract(images(start, n), TensorShape.Nchw(n, channels, resolution, resolution),
                features.AsSpan(start * net.FeatureDim, n * net.FeatureDim), logits.AsSpan(start * net.LogitDim, n * net.LogitDim));
        }
        return (features, logits);
    }

    /// <summary>
    /// Statistics and features of the first min(<paramref name="count"/>, split size) real images,
    /// converted to the fakes' resolution (so both go through the same resize), from the cache when
    /// present. The cache key holds the data's and the network's content hashes.
    /// </summary>
    /// <param name="networkFile">The feature network's file (its hash keys the cache).</param>
    public static RealStatistics RealStatistics(FeatureNetwork net, string networkFile, string featuresName, string datasetSpec,
        DatasetSplit split, int resolution, int count, string? statsDirectory)
    {
        int channels = RealChannels(featuresName);
        IImageDataset real = DatasetFactory.Open(datasetSpec, new DatasetOptions { Resolution = resolution, Channels = channels, Split = split });
        int realCount = Math.Min(count, real.Count);
        var key = new StatisticsKey(DatasetIdentity(datasetSpec, split, resolution, channels), SplitName(split),
            $"{featuresName}:sha256={StatisticsCache.HashFile(networkFile)}:resize={(int)FeatureResizeMode.PytorchFid}",
            realCount);
        CachedStatistics stats = new StatisticsCache(statsDirectory).GetOrCompute(key, () =>
        {
            (float[] f, _) = ExtractDataset(net, real, realCount);
            return new CachedStatistics(Metrics.Statistics(f, net.FeatureDim), f);
        }, out bool fromCache);
        return new RealStatistics(stats.Statistics, stats.Features!, realCount, fromCache);
    }

    public static string SplitName(DatasetSplit split) => split.ToString().ToLowerInvariant();

    /// <summary>Content-based identity of the real images: the IDX file's SHA-256 for (Fashion-)MNIST,
    /// the spec otherwise; plus the conversion (resolution, channels).</summary>
    private static string DatasetIdentity(string spec, DatasetSplit split, int resolution, int channels)
    {
        DatasetSpec parsed = DatasetSpec.Parse(spec);
        string data = parsed.Kind is DatasetKind.FashionMnist or DatasetKind.Mnist
            ? $"{parsed.KindName}:sha256={StatisticsCache.HashFile(FashionMnistDataset.FindImages(parsed.Location, split))}"
            : parsed.ToString();
        return $"{data}@{resolution}x{resolution}x{channels}";
    }
}

/// <summary>The real split's side of an evaluation.</summary>
internal sealed record RealStatistics(FeatureStatistics Statistics, float[] Features, int Count, bool FromCache);
