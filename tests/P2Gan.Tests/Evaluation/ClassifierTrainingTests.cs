using System.Diagnostics;
using P2Gan.Datasets;
using P2Gan.Evaluation;
using P2Gan.Tests.Support;

namespace P2Gan.Tests.Evaluation;

/// <summary>Training, accuracy and the content-hash cache of the Fashion-MNIST classifier.</summary>
[TestFixture]
public sealed class ClassifierTrainingTests
{
    private const string RealFashionMnist = "/usr/share/datasets/fashion-mnist";

    [Test]
    public void CacheIsReusedForTheSameDataAndRecipe_AndKeyedByThem()
    {
        NativeRequirement.Require();
        using var temp = new TempDirectory();
        string data = TinyFashionMnist.Write(temp.File("fmnist"));
        string cache = temp.File("cache");
        var options = new ClassifierTrainingOptions { Epochs = 1, BatchSize = 16, Seed = 5 };

        CachedClassifier first = ClassifierTraining.GetOrTrain(data, options, cache);
        Assert.That(first.FromCache, Is.False);
        Assert.That(File.Exists(first.Path));
        Assert.That(Path.GetFileName(first.Path), Does.Contain(first.Key));
        DateTime written = File.GetLastWriteTimeUtc(first.Path);

        CachedClassifier second = ClassifierTraining.GetOrTrain(data, options, cache);
        Assert.That(second.FromCache, Is.True);
        Assert.That(second.Path, Is.EqualTo(first.Path));
        Assert.That(File.GetLastWriteTimeUtc(second.Path), Is.EqualTo(written));

        // Another seed, another epoch count, other data: other keys.
        Assert.That(ClassifierTraining.CacheKey(data, options with { Seed = 6 }), Is.Not.EqualTo(first.Key));
        Assert.That(ClassifierTraining.CacheKey(data, options with { Epochs = 2 }), Is.Not.EqualTo(first.Key));
        string other = TinyFashionMnist.Write(temp.File("other"), train: 48);
        Assert.That(ClassifierTraining.CacheKey(other, options), Is.Not.EqualTo(first.Key));
        Assert.That(ClassifierTraining.CacheKey(data, options), Is.EqualTo(first.Key), "stable");

        // The same recipe trains the same network (deterministic under the seed).
        using FeatureNetwork a = FeatureNetwork.LoadClassifier(first.Path);
        using FashionMnistClassifier trained = ClassifierTraining.Train(data, options);
        using FeatureNetwork b = trained.ToFeatureNetwork();
        (float[] images, _) = ClassifierTraining.LoadLabelled(data, DatasetSplit.Test);
        var shape = TensorShape.Nchw(images.Length / 784, 1, 28, 28);
        Assert.That(b.Extract(images, shape).Logits, Is.EqualTo(a.Extract(images, shape).Logits));
    }

    [Test]
    public void DefaultCacheDirectoryHonoursTheEnvironment()
    {
        string? saved = Environment.GetEnvironmentVariable(ClassifierTraining.CacheDirectoryVariable);
        try
        {
            Environment.SetEnvironmentVariable(ClassifierTraining.CacheDirectoryVariable, "/tmp/p2gan-cache-test");
            Assert.That(ClassifierTraining.DefaultCacheDirectory(), Is.EqualTo(Path.Combine("/tmp/p2gan-cache-test", "classifiers")));
            Environment.SetEnvironmentVariable(ClassifierTraining.CacheDirectoryVariable, null);
            Assert.That(ClassifierTraining.DefaultCacheDirectory(), Does.EndWith(Path.Combine(".cache", "p2gan", "classifiers")));
        }
        finally
        {
            Environment.SetEnvironmentVariable(ClassifierTraining.CacheDirectoryVariable, saved);
        }
    }

    [Test]
    public void MissingLabelsAreReportedByName()
    {
        using var temp = new TempDirectory();
        string data = TinyFashionMnist.Write(temp.File("fmnist"));
        File.Delete(Path.Combine(data, ClassifierTraining.TrainLabelsFileName + ".gz"));
        var ex = Assert.Throws<FileNotFoundException>(() => ClassifierTraining.LoadLabelled(data, DatasetSplit.Train));
        Assert.That(ex!.Message, Does.Contain(ClassifierTraining.TrainLabelsFileName));
    }

    /// <summary>The real recipe on the real data (about 2-3 minutes on 2 CPU cores): >= 90% test accuracy.</summary>
    [Test]
    [Category("Long")]
    public void DefaultRecipeReachesNinetyPercentOnTheTestSplit()
    {
        NativeRequirement.Require();
        if (!File.Exists(Path.Combine(RealFashionMnist, FashionMnistDataset.TrainImagesFileName + ".gz")))
        {
            Assert.Ignore($"Fashion-MNIST not found in {RealFashionMnist}");
        }
        var clock = Stopwatch.StartNew();
        using FashionMnistClassifier net = ClassifierTraining.Train(RealFashionMnist, new ClassifierTrainingOptions(), TestContext.Progress.WriteLine);
        double accuracy = ClassifierTraining.Accuracy(net, RealFashionMnist, DatasetSplit.Test);
        TestContext.Progress.WriteLine($"test accuracy {accuracy:P2} after {clock.Elapsed.TotalSeconds:F0} s");
        Assert.That(accuracy, Is.GreaterThanOrEqualTo(0.90));
    }
}
