using P2Gan.Evaluation;
using P2Gan.Native;
using P2Gan.Tests.Support;

namespace P2Gan.Tests.Evaluation;

/// <summary>The Fashion-MNIST classifier and its feature network through the SDK: shapes, round trip, errors.</summary>
[TestFixture]
public sealed class FeatureNetworkTests
{
    private static float[] Images(int count, int side = 28) =>
        SyntheticImages.Shapes(count, side);

    [Test]
    public void ClassifierReportsItsKindAndDimensions()
    {
        NativeRequirement.Require();
        using FashionMnistClassifier classifier = FashionMnistClassifier.Create(seed: 1);
        using FeatureNetwork net = classifier.ToFeatureNetwork();
        Assert.That(net.Kind, Is.EqualTo(FeatureNetworkKind.FashionMnistClassifier));
        Assert.That(net.FeatureDim, Is.EqualTo(128));
        Assert.That(net.LogitDim, Is.EqualTo(10));
        (float[] features, float[] logits) = net.Extract(Images(3), TensorShape.Nchw(3, 1, 28, 28));
        Assert.That(features, Has.Length.EqualTo(3 * 128));
        Assert.That(logits, Has.Length.EqualTo(3 * 10));
        Assert.That(features, Is.All.GreaterThanOrEqualTo(0f), "features are taken after the ReLU");
    }

    [Test]
    public void SaveAndLoadGiveTheSameFeatures()
    {
        NativeRequirement.Require();
        using var temp = new TempDirectory();
        float[] images = Images(8);
        var labels = new int[] { 0, 1, 2, 3, 4, 5, 6, 7 };
        var shape = TensorShape.Nchw(8, 1, 28, 28);
        using FashionMnistClassifier classifier = FashionMnistClassifier.Create(seed: 2);
        using FeatureNetwork before = classifier.ToFeatureNetwork();
        float first = classifier.TrainStep(images, shape, labels, 1e-3f);
        Assert.That(float.IsFinite(first));
        classifier.Save(temp.File("c.p2cls"));
        using FeatureNetwork net = classifier.ToFeatureNetwork();
        using FeatureNetwork loaded = FeatureNetwork.LoadClassifier(temp.File("c.p2cls"));
        Assert.That(loaded.Extract(images, shape).Features, Is.EqualTo(net.Extract(images, shape).Features));
        Assert.That(loaded.Extract(images, shape).Logits, Is.EqualTo(net.Extract(images, shape).Logits));
        Assert.That(before.Extract(images, shape).Logits, Is.Not.EqualTo(net.Extract(images, shape).Logits),
            "a feature network is a copy of the weights when it was made");
        // The file's identity comes from the native loader's one hash, equal to an independent one.
        string expected = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(temp.File("c.p2cls"))));
        Assert.That(loaded.SourceSha256, Is.EqualTo(expected));
        Assert.That(net.SourceSha256, Is.Empty, "a network made in memory has no file");

        // A loaded classifier continues training from the saved state, like the original.
        using FashionMnistClassifier resumed = FashionMnistClassifier.Load(temp.File("c.p2cls"));
        Assert.That(resumed.TrainStep(images, shape, labels, 1e-3f), Is.EqualTo(classifier.TrainStep(images, shape, labels, 1e-3f)));
    }

    [Test]
    public void BadArgumentsBecomeExceptions()
    {
        NativeRequirement.Require();
        using var temp = new TempDirectory();
        using FashionMnistClassifier classifier = FashionMnistClassifier.Create(seed: 3);
        using FeatureNetwork net = classifier.ToFeatureNetwork();
        float[] images = Images(2);
        var shape = TensorShape.Nchw(2, 1, 28, 28);
        Assert.Throws<ArgumentException>(() => classifier.TrainStep(images, shape, [1], 1e-3f));
        Assert.Throws<ArgumentException>(() => net.Extract(images.AsSpan(1).ToArray(), shape));
        var ex = Assert.Throws<P2GanInvalidArgumentException>(() => classifier.TrainStep(images, shape, [1, 10], 1e-3f));
        Assert.That(ex!.Message, Does.Contain("labels[1]"));
        images[0] = float.NaN;
        Assert.Throws<P2GanNonFiniteException>(() => net.Extract(images, shape));
        Assert.Throws<P2GanInvalidArgumentException>(() => net.Extract(new float[2 * 2 * 28 * 28], TensorShape.Nchw(2, 2, 28, 28)));
        File.WriteAllText(temp.File("junk.p2cls"), "junk");
        Assert.Throws(Is.InstanceOf<P2GanException>(), () => FeatureNetwork.LoadClassifier(temp.File("junk.p2cls")));
        Assert.Throws(Is.InstanceOf<P2GanException>(), () => FashionMnistClassifier.Load(temp.File("junk.p2cls")));
        Assert.Throws(Is.InstanceOf<P2GanException>(), () => FeatureNetwork.LoadInception(temp.File("missing.pth")));
    }
}
