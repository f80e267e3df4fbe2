using P2Gan.Datasets;

namespace P2Gan.Tests.Datasets;

public class DatasetSpecTests
{
    [TestCase("fashion-mnist:/data/fm", DatasetKind.FashionMnist, "/data/fm")]
    [TestCase("MNIST:/data/m", DatasetKind.Mnist, "/data/m")]
    [TestCase("cifar10:C:\\data\\cifar", DatasetKind.Cifar10, "C:\\data\\cifar")]
    [TestCase("celeba:/d", DatasetKind.CelebA, "/d")]
    [TestCase("folder:/d", DatasetKind.Folder, "/d")]
    [TestCase("synthetic:64", DatasetKind.Synthetic, "64")]
    public void ParsesKindAndLocation(string text, DatasetKind kind, string location)
    {
        Assert.That(DatasetSpec.Parse(text), Is.EqualTo(new DatasetSpec(kind, location)));
    }

    [TestCase("imagenet:/d", "unknown kind 'imagenet'")]
    [TestCase("/just/a/path", "expected KIND:LOCATION")]
    [TestCase("folder:", "expected KIND:LOCATION")]
    [TestCase("synthetic:many", "positive image count")]
    public void RejectsMalformedSpecsNamingTheValueAndListingKinds(string text, string reason)
    {
        var e = Assert.Throws<ArgumentException>(() => DatasetFactory.Open(text, new DatasetOptions()));
        Assert.That(e!.Message, Does.Contain(text).And.Contain(reason));
        if (!reason.Contains("positive")) Assert.That(e.Message, Does.Contain("cifar10:DIR").And.Contain("synthetic:N"));
    }

    [TestCase("fashion-mnist:/x", 1)]
    [TestCase("mnist:/x", 1)]
    [TestCase("cifar10:/x", 3)]
    [TestCase("celeba:/x", 3)]
    [TestCase("folder:/x", 3)]
    [TestCase("synthetic:3", 3)]
    public void NaturalChannels(string spec, int channels) =>
        Assert.That(DatasetFactory.NaturalChannels(spec), Is.EqualTo(channels));
}
