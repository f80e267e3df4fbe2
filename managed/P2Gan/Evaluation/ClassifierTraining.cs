using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using P2Gan.Datasets;

namespace P2Gan.Evaluation;

/// <summary>How <see cref="ClassifierTraining"/> trains the Fashion-MNIST classifier.</summary>
public sealed record ClassifierTrainingOptions
{
    /// <summary>Passes over the training split (or its first <see cref="TrainLimit"/> images).</summary>
    public int Epochs { get; init; } = 3;

    /// <summary>Images per Adam step; default 128.</summary>
    public int BatchSize { get; init; } = 128;

    /// <summary>Initial weights and the per-epoch shuffles.</summary>
    public ulong Seed { get; init; }

    /// <summary>Adam learning rate of the first epoch; the last epoch (of two or more) uses 0.3x.</summary>
    public float LearningRate { get; init; } = 1e-3f;

    /// <summary>Train on the first N training images only (tests); null = all 60,000.</summary>
    public int? TrainLimit { get; init; }

    /// <summary>"cpu" (default) or "cuda[:N]".</summary>
    public string? Device { get; init; }

    internal void Validate()
    {
        if (Epochs < 1) throw new ArgumentOutOfRangeException(nameof(Epochs), Epochs, "must be >= 1");
        if (BatchSize < 1) throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, "must be >= 1");
        if (!(LearningRate > 0 && float.IsFinite(LearningRate)))
        {
            throw new ArgumentOutOfRangeException(nameof(LearningRate), LearningRate, "must be finite and > 0");
        }
        if (TrainLimit is < 1) throw new ArgumentOutOfRangeException(nameof(TrainLimit), TrainLimit, "must be >= 1");
    }
}

/// <summary>The classifier file <see cref="ClassifierTraining.GetOrTrain"/> returned.</summary>
/// <param name="Path">The cached classifier file.</param>
/// <param name="FromCache">True when it was already there (nothing was trained).</param>
/// <param name="Key">The content hash in its name.</param>
/// <param name="TrainingTime">Time spent training (zero when from the cache).</param>
public sealed record CachedClassifier(string Path, bool FromCache, string Key, TimeSpan TrainingTime);

/// <summary>
/// Trains the Fashion-MNIST classifier (<see cref="FashionMnistClassifier"/>) on the
/// training split with its labels, measures accuracy on a split, and caches trained
/// classifiers by content hash: the file name holds a hash of the training files' SHA-256,
/// <see cref="Architecture"/>, the seed, epochs, batch size, learning rate and limit, so
/// the same recipe on the same data is trained once and reused.
/// </summary>
public static class ClassifierTraining
{
    /// <summary>Names the native architecture and this training recipe; change it when either changes.</summary>
    public const string Architecture = "fmnist-cnn-v1";

    /// <summary>Environment variable naming the cache root; trained classifiers go to its "classifiers" folder (default ~/.cache/p2gan).</summary>
    public const string CacheDirectoryVariable = "P2GAN_CACHE_DIR";
    /// <summary>File name of the Fashion-MNIST train labels, without ".gz"; the gzip-compressed file is found too.</summary>
    public const string TrainLabelsFileName = "train-labels-idx1-ubyte";
    /// <summary>File name of the Fashion-MNIST test labels, without ".gz"; the gzip-compressed file is found too.</summary>
    public const string TestLabelsFileName = "t10k-labels-idx1-ubyte";
    /// <summary>Extension of a cached classifier file.</summary>
    public const string FileExtension = ".p2cls";

    private const int Side = 28;
    private const int EvalBatch = 1000;

    /// <summary>$P2GAN_CACHE_DIR/classifiers when set, else ~/.cache/p2gan/classifiers.</summary>
    public static string DefaultCacheDirectory()
    {
        string? root = Environment.GetEnvironmentVariable(CacheDirectoryVariable);
        if (string.IsNullOrEmpty(root))
        {
            root = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "p2gan");
        }
        return Path.Combine(root, "classifiers");
    }

    /// <summary>The label file of <paramref name="split"/> in <paramref name="directory"/>, compressed or not.</summary>
    public static string FindLabels(string directory, DatasetSplit split)
    {
        string fileName = split == DatasetSplit.Train ? TrainLabelsFileName : TestLabelsFileName;
        foreach (string name in new[] { fileName + ".gz", fileName })
        {
            string path = Path.Combine(directory, name);
            if (File.Exists(path)) return path;
        }
        throw new FileNotFoundException($"Neither {fileName}.gz nor {fileName} found in '{directory}'.");
    }

    /// <summary>Images [N, 1, 28, 28] in [-1, 1] and labels 0..9 of a split (first <paramref name="limit"/> only if given).</summary>
    public static (float[] Images, int[] Labels) LoadLabelled(string directory, DatasetSplit split, int? limit = null)
    {
        var dataset = FashionMnistDataset.Load(directory, Side, split);
        byte[] raw = IdxReader.ReadLabels(FindLabels(directory, split));
        if (raw.Length != dataset.Count)
        {
            throw new InvalidDataException($"'{directory}' {split}: {dataset.Count} images but {raw.Length} labels.");
        }
        int count = Math.Min(dataset.Count, limit ?? int.MaxValue);
        var labels = new int[count];
        for (int i = 0; i < count; i++)
        {
            if (raw[i] > 9) throw new InvalidDataException($"'{directory}' {split}: label {i} is {raw[i]}, expected 0..9.");
            labels[i] = raw[i];
        }
        return (dataset.Images[..(count * Side * Side)].ToArray(), labels);
    }

    /// <summary>The content hash naming a classifier trained with <paramref name="options"/> on <paramref name="directory"/>.</summary>
    public static string CacheKey(string directory, ClassifierTrainingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var text = new StringBuilder();
        text.Append("architecture=").Append(Architecture).Append('\n');
        text.Append("images=").Append(FileHash.Sha256Hex(FashionMnistDataset.FindImages(directory, DatasetSplit.Train))).Append('\n');
        text.Append("labels=").Append(FileHash.Sha256Hex(FindLabels(directory, DatasetSplit.Train))).Append('\n');
        text.Append(CultureInfo.InvariantCulture, $"seed={options.Seed}\nepochs={options.Epochs}\nbatch={options.BatchSize}\n");
        text.Append(CultureInfo.InvariantCulture, $"lr={options.LearningRate:R}\nlimit={options.TrainLimit?.ToString(CultureInfo.InvariantCulture) ?? "all"}\n");
        byte[] hash = SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString()));
        return Convert.ToHexString(hash).ToLowerInvariant()[..24];
    }

    /// <summary>Where the classifier for this data and recipe lives in <paramref name="cacheDirectory"/>.</summary>
    public static string CachedPath(string directory, ClassifierTrainingOptions options, string? cacheDirectory = null) =>
        Path.Combine(cacheDirectory ?? DefaultCacheDirectory(), $"fmnist-classifier-{CacheKey(directory, options)}{FileExtension}");

    /// <summary>The cached classifier for this data and recipe, training and caching it first when missing.</summary>
    public static CachedClassifier GetOrTrain(string directory, ClassifierTrainingOptions options,
        string? cacheDirectory = null, Action<string>? progress = null)
    {
        string path = CachedPath(directory, options, cacheDirectory);
        string key = Path.GetFileNameWithoutExtension(path)["fmnist-classifier-".Length..];
        if (File.Exists(path))
        {
            progress?.Invoke($"classifier: reusing {path}");
            return new CachedClassifier(path, FromCache: true, key, TimeSpan.Zero);
        }
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var clock = Stopwatch.StartNew();
        using (FashionMnistClassifier classifier = Train(directory, options, progress))
        {
            classifier.Save(path);  // atomic: a concurrent reader sees the old state or the whole file
        }
        progress?.Invoke($"classifier: trained in {clock.Elapsed.TotalSeconds:F1} s, cached as {path}");
        return new CachedClassifier(path, FromCache: false, key, clock.Elapsed);
    }

    /// <summary>Trains a new classifier (not cached).</summary>
    public static FashionMnistClassifier Train(string directory, ClassifierTrainingOptions options, Action<string>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        (float[] images, int[] labels) = LoadLabelled(directory, DatasetSplit.Train, options.TrainLimit);
        int count = labels.Length;
        int pixels = Side * Side;
        FashionMnistClassifier net = FashionMnistClassifier.Create(options.Seed, options.Device);
        try
        {
            var order = new int[count];
            for (int i = 0; i < count; i++) order[i] = i;
            var batchImages = new float[options.BatchSize * pixels];
            var batchLabels = new int[options.BatchSize];
            for (int epoch = 0; epoch < options.Epochs; epoch++)
            {
                var rng = new Random(unchecked((int)(options.Seed * 1_000_003UL + (ulong)epoch)));
                rng.Shuffle(order);
                float lr = options.Epochs > 1 && epoch == options.Epochs - 1 ? options.LearningRate * 0.3f : options.LearningRate;
                double lossSum = 0;
                int steps = 0;
                for (int start = 0; start < count; start += options.BatchSize)
                {
                    int b = Math.Min(options.BatchSize, count - start);
                    for (int j = 0; j < b; j++)
                    {
                        int index = order[start + j];
                        images.AsSpan(index * pixels, pixels).CopyTo(batchImages.AsSpan(j * pixels, pixels));
                        batchLabels[j] = labels[index];
                    }
                    lossSum += net.TrainStep(batchImages.AsSpan(0, b * pixels), TensorShape.Nchw(b, 1, Side, Side),
                        batchLabels.AsSpan(0, b), lr);
                    steps++;
                }
                progress?.Invoke(string.Create(CultureInfo.InvariantCulture,
                    $"classifier: epoch {epoch + 1}/{options.Epochs}, lr {lr:G3}, mean loss {lossSum / steps:F4}"));
            }
            return net;
        }
        catch
        {
            net.Dispose();
            throw;
        }
    }

    /// <summary>Top-1 accuracy of <paramref name="classifier"/>'s current weights on a labelled split
    /// (first <paramref name="limit"/> images if given).</summary>
    public static double Accuracy(FashionMnistClassifier classifier, string directory, DatasetSplit split, int? limit = null)
    {
        ArgumentNullException.ThrowIfNull(classifier);
        using FeatureNetwork net = classifier.ToFeatureNetwork();
        return Accuracy(net, directory, split, limit);
    }

    /// <summary>Top-1 accuracy of <paramref name="net"/> on a labelled split (first <paramref name="limit"/> images if given).</summary>
    public static double Accuracy(FeatureNetwork net, string directory, DatasetSplit split, int? limit = null)
    {
        ArgumentNullException.ThrowIfNull(net);
        (float[] images, int[] labels) = LoadLabelled(directory, split, limit);
        int pixels = Side * Side;
        int correct = 0;
        for (int start = 0; start < labels.Length; start += EvalBatch)
        {
            int b = Math.Min(EvalBatch, labels.Length - start);
            var logits = new float[b * net.LogitDim];
            net.Extract(images.AsSpan(start * pixels, b * pixels), TensorShape.Nchw(b, 1, Side, Side), Span<float>.Empty, logits);
            for (int i = 0; i < b; i++)
            {
                ReadOnlySpan<float> row = logits.AsSpan(i * net.LogitDim, net.LogitDim);
                int best = 0;
                for (int c = 1; c < row.Length; c++)
                {
                    if (row[c] > row[best]) best = c;
                }
                if (best == labels[start + i]) correct++;
            }
        }
        return (double)correct / labels.Length;
    }
}
