using P2Gan.Datasets;
using P2Gan.Evaluation;

namespace P2Gan.Evaluation;

/// <summary>
/// The evaluation pipeline that 'p2gan eval', evaluation during training and <see cref="FmnistFid"/>
/// share: images in chunks through a feature network, and the real split's statistics through the
/// <see cref="StatisticsCache"/>. One place, so that every FMNIST-FID of the project is the same number.
/// </summary>
public static class FeatureEvaluation
{
    /// <summary>Images per feature-network call (bounds the memory of one batch of 299x299 images).</summary>
    public const int Chunk = 500;

    /// <summary>Feature name of the Fashion-MNIST classifier, also the prefix of its FID key ("fmnist_fid").</summary>
    public const string Fmnist = "fmnist";
    /// <summary>Feature name of the FID Inception-v3 (its FID key is "fid").</summary>
    public const string Inception = "inception";

    /// <summary>Name of <see cref="FeatureResizeMode.PytorchFid"/> in options and reports: pytorch-fid's bilinear resize (the default).</summary>
    public const string ResizePytorchFid = "pytorch-fid";
    /// <summary>Name of <see cref="FeatureResizeMode.Antialiased"/> in options and reports: clean-fid's "clean" mode.</summary>
    public const string ResizeClean = "clean";

    /// <summary>The resize mode named <paramref name="name"/> (<see cref="ResizePytorchFid"/> or <see cref="ResizeClean"/>, any case).</summary>
    /// <exception cref="ArgumentException">Another name; the message lists the two.</exception>
    public static FeatureResizeMode ParseResize(string name) => name?.Trim().ToLowerInvariant() switch
    {
        ResizePytorchFid => FeatureResizeMode.PytorchFid,
        ResizeClean => FeatureResizeMode.Antialiased,
        _ => throw new ArgumentException($"invalid resize mode '{name}': use {ResizePytorchFid} or {ResizeClean}."),
    };

    /// <summary>The name of <paramref name="mode"/> (<see cref="ResizePytorchFid"/> or <see cref="ResizeClean"/>).</summary>
    public static string ResizeName(FeatureResizeMode mode) => mode switch
    {
        FeatureResizeMode.PytorchFid => ResizePytorchFid,
        FeatureResizeMode.Antialiased => ResizeClean,
        _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "Unknown resize mode."),
    };

    /// <summary>Channels the real images are converted to for a feature network: the classifier reads grey images.</summary>
    public static int RealChannels(string featuresName) => featuresName == Fmnist ? 1 : 3;

    /// <summary>The cached Fashion-MNIST classifier for this data and recipe (trained and cached on first use), opened.</summary>
    /// <param name="fmnistDirectory">The IDX folder whose training split (with labels) the classifier learns.</param>
    /// <param name="options">The training recipe (part of the cache key); its Device is where the network runs.</param>
    /// <param name="cacheDirectory">The classifier cache folder; null = <see cref="ClassifierTraining.DefaultCacheDirectory"/>.</param>
    /// <param name="progress">Receives progress lines (training epochs, cache use); may be null.</param>
    /// <returns>The opened network (dispose it) and the full path of its file.</returns>
    public static (FeatureNetwork Net, string File) OpenCachedClassifier(string fmnistDirectory, ClassifierTrainingOptions options,
        string? cacheDirectory, Action<string>? progress)
    {
        string file = ClassifierTraining.GetOrTrain(fmnistDirectory, options, cacheDirectory, progress).Path;
        return (FeatureNetwork.LoadClassifier(file, options.Device), Path.GetFullPath(file));
    }

    /// <summary>Generated images in chunks of <see cref="Chunk"/>; chunk k is sampled with seed + k so that
    /// the set does not depend on how the caller splits it.</summary>
    /// <param name="net">The feature network.</param>
    /// <param name="model">The generator; images come from <see cref="P2GanModel.Sample"/> with codes from the prior.</param>
    /// <param name="count">Images to generate.</param>
    /// <param name="seed">Seed of the first chunk.</param>
    /// <param name="useEma">Sample the EMA generator (the model must have one).</param>
    /// <param name="resize">How the network resizes the images to its input (the Inception network only).</param>
    /// <returns>Features [count, FeatureDim] and logits [count, LogitDim], row-major.</returns>
    public static (float[] Features, float[] Logits) ExtractSamples(FeatureNetwork net, P2GanModel model, int count, ulong seed, bool useEma,
        FeatureResizeMode resize = FeatureResizeMode.PytorchFid)
        => ExtractSamples(net, Sampling.CodeSampler.Create(model, Sampling.CodeSource.Prior), model, count, seed, useEma, resize);

    /// <summary>As <see cref="ExtractSamples(FeatureNetwork, P2GanModel, int, ulong, bool, FeatureResizeMode)"/>, with the
    /// codes of <paramref name="codes"/> (chunk k drawn with seed + k).</summary>
    public static (float[] Features, float[] Logits) ExtractSamples(FeatureNetwork net, Sampling.CodeSampler codes, P2GanModel model,
        int count, ulong seed, bool useEma, FeatureResizeMode resize = FeatureResizeMode.PytorchFid)
    {
        ModelOptions o = model.Options;
        return ExtractChunks(net, count, o.Resolution, o.Channels, resize,
            (start, n) => codes.Sample(n, seed + (ulong)(start / Chunk), useEma));
    }

    /// <summary>Features and logits of the first <paramref name="count"/> images of <paramref name="dataset"/>,
    /// in chunks of <see cref="Chunk"/>, at the dataset's resolution (the network resizes them by <paramref name="resize"/>).</summary>
    public static (float[] Features, float[] Logits) ExtractDataset(FeatureNetwork net, IImageDataset dataset, int count,
        FeatureResizeMode resize = FeatureResizeMode.PytorchFid)
    {
        int size = dataset.Channels * dataset.Resolution * dataset.Resolution;
        return ExtractChunks(net, count, dataset.Resolution, dataset.Channels, resize, (start, n) =>
        {
            var images = new float[n * size];
            for (int i = 0; i < n; i++) dataset.CopyImage(start + i, images.AsSpan(i * size, size));
            return images;
        });
    }

    private static (float[] Features, float[] Logits) ExtractChunks(
        FeatureNetwork net, int count, int resolution, int channels, FeatureResizeMode resize, Func<int, int, float[]> images)
    {
        var features = new float[(long)count * net.FeatureDim];
        var logits = new float[(long)count * net.LogitDim];
        for (int start = 0; start < count; start += Chunk)
        {
            int n = Math.Min(Chunk, count - start);
            net.Extract(images(start, n), TensorShape.Nchw(n, channels, resolution, resolution),
                features.AsSpan(start * net.FeatureDim, n * net.FeatureDim), logits.AsSpan(start * net.LogitDim, n * net.LogitDim), resize);
        }
        return (features, logits);
    }

    /// <summary>
    /// Statistics and features of the first min(<paramref name="count"/>, split size) real images,
    /// converted to the fakes' resolution (no resampling when that is the data's own size, see
    /// <see cref="DatasetFactory.NaturalResolution"/>), then through the network's resize
    /// <paramref name="resize"/> like the fakes; from the cache when present. The cache key holds the
    /// data's and the network's content hashes and the resize mode.
    /// </summary>
    /// <param name="net">The feature network.</param>
    /// <param name="networkFile">The feature network's file; its hash keys the cache (the one the native loader
    /// computed, <see cref="FeatureNetwork.SourceSha256"/>, when there is one).</param>
    /// <param name="featuresName"><see cref="Fmnist"/> or <see cref="Inception"/>: decides the channels of the real images.</param>
    /// <param name="datasetSpec">The real data, as <see cref="DatasetSpec.Parse"/> reads it (e.g. "fashion-mnist:DIR").</param>
    /// <param name="split">The split of the real data.</param>
    /// <param name="resolution">The fakes' resolution, to which the real images are converted.</param>
    /// <param name="count">Real images wanted (at most the split's size are used).</param>
    /// <param name="statsDirectory">The statistics cache folder; null = <see cref="StatisticsCache.DefaultDirectory"/>.</param>
    /// <param name="resize">The network's resize, the fakes' one.</param>
    public static RealStatistics RealStatistics(FeatureNetwork net, string networkFile, string featuresName, string datasetSpec,
        DatasetSplit split, int resolution, int count, string? statsDirectory, FeatureResizeMode resize = FeatureResizeMode.PytorchFid)
    {
        int channels = RealChannels(featuresName);
        IImageDataset real = DatasetFactory.Open(datasetSpec, new DatasetOptions { Resolution = resolution, Channels = channels, Split = split });
        int realCount = Math.Min(count, real.Count);
        var key = new StatisticsKey(DatasetIdentity(datasetSpec, split, resolution, channels), SplitName(split),
            $"{featuresName}:sha256={(net.SourceSha256.Length > 0 ? net.SourceSha256 : FileHash.Sha256Hex(networkFile))}:resize={(int)resize}",
            realCount);
        CachedStatistics stats = new StatisticsCache(statsDirectory).GetOrCompute(key, () =>
        {
            (float[] f, _) = ExtractDataset(net, real, realCount, resize);
            return new CachedStatistics(Metrics.Statistics(f, net.FeatureDim), f);
        }, out bool fromCache);
        return new RealStatistics(stats.Statistics, stats.Features!, realCount, fromCache);
    }

    /// <summary>The split's name in lower case ("train", "test"), as cache keys and reports write it.</summary>
    public static string SplitName(DatasetSplit split) => split.ToString().ToLowerInvariant();

    /// <summary>Content-based identity of the real images: the IDX file's SHA-256 for (Fashion-)MNIST,
    /// the spec otherwise; plus the conversion (resolution, channels).</summary>
    private static string DatasetIdentity(string spec, DatasetSplit split, int resolution, int channels)
    {
        DatasetSpec parsed = DatasetSpec.Parse(spec);
        string data = parsed.Kind is DatasetKind.FashionMnist or DatasetKind.Mnist
            ? $"{parsed.KindName}:sha256={FileHash.Sha256Hex(FashionMnistDataset.FindImages(parsed.Location, split))}"
            : parsed.ToString();
        return $"{data}@{resolution}x{resolution}x{channels}";
    }
}

/// <summary>The real split's side of an evaluation.</summary>
/// <param name="Statistics">Mean and covariance of the real features.</param>
/// <param name="Features">The real feature rows [Count, dim] (for KID and precision/recall).</param>
/// <param name="Count">Real images used.</param>
/// <param name="FromCache">True when the statistics came from the <see cref="StatisticsCache"/>.</param>
public sealed record RealStatistics(FeatureStatistics Statistics, float[] Features, int Count, bool FromCache);
