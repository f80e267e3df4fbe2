using P2Gan.Datasets;

namespace P2Gan.Tests.Datasets;

/// <summary>"noise:N": uniform noise in [-1, 1], the same for the same index.</summary>
[TestFixture]
public sealed class UniformNoiseDatasetTests
{
    [Test]
    public void NoiseSpecOpensDeterministicUniformImagesInRange()
    {
        IImageDataset noise = DatasetFactory.Open("noise:5", new DatasetOptions { Resolution = 16, Channels = 1 });
        Assert.That(noise, Is.InstanceOf<UniformNoiseDataset>());
        Assert.That((noise.Count, noise.Resolution, noise.Channels), Is.EqualTo((5, 16, 1)));

        var a = new float[256];
        var again = new float[256];
        var other = new float[256];
        noise.CopyImage(2, a);
        noise.CopyImage(2, again);
        noise.CopyImage(3, other);
        Assert.That(again, Is.EqualTo(a), "deterministic per index");
        Assert.That(other, Is.Not.EqualTo(a));
        Assert.That(a.All(v => v is >= -1f and <= 1f));
        Assert.That(a.Average(), Is.EqualTo(0).Within(0.15), "uniform on [-1, 1] has mean 0");
        Assert.That(a.Min(), Is.LessThan(-0.8f));
        Assert.That(a.Max(), Is.GreaterThan(0.8f));
    }

    [TestCase("noise:0")]
    [TestCase("noise:many")]
    public void NoiseSpecNeedsAPositiveCount(string spec) =>
        Assert.That(() => DatasetSpec.Parse(spec), Throws.ArgumentException.With.Message.Contains("noise"));
}
