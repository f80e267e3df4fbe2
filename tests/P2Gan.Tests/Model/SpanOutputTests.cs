using P2Gan.Tests.Support;

namespace P2Gan.Tests.Model;

/// <summary>The *Into overloads write into caller memory exactly what the allocating ones return,
/// and refuse a destination of the wrong size before the native call.</summary>
[TestFixture]
public sealed class SpanOutputTests
{
    [Test]
    public void IntoOverloadsEqualTheAllocatingOnes()
    {
        using var model = P2GanModel.Create(TinyModel.Options());
        long image = model.ImageElementCount;
        int d = TinyModel.Dim;

        var sampled = new float[3 * image + 5];
        model.SampleInto(3, seed: 4, sampled.AsSpan(5));
        Assert.That(sampled.AsSpan(5).ToArray(), Is.EqualTo(model.Sample(3, seed: 4)));
        Assert.That(sampled[..5], Is.All.EqualTo(0f), "nothing written outside the destination");

        float[] noise = Enumerable.Range(0, 2 * d).Select(i => MathF.Sin(i)).ToArray();
        float[] codes = Enumerable.Range(0, 2 * d).Select(i => MathF.Cos(i)).ToArray();
        var generated = new float[2 * image];
        model.GenerateInto(noise, codes, 2, generated);
        Assert.That(generated, Is.EqualTo(model.Generate(noise, codes, 2)));

        (float[] mu, float[] sigma) = model.Encode(generated, TinyModel.Batch(2));
        var muInto = new float[2 * d];
        var sigmaInto = new float[2 * d];
        model.EncodeInto(generated, TinyModel.Batch(2), muInto, sigmaInto);
        Assert.That(muInto, Is.EqualTo(mu));
        Assert.That(sigmaInto, Is.EqualTo(sigma));

        var row = new float[4 * image];
        model.InterpolateInto(noise.AsSpan(0, d), noise.AsSpan(d), mu.AsSpan(0, d), mu.AsSpan(d), 4, row);
        Assert.That(row, Is.EqualTo(model.Interpolate(noise.AsSpan(0, d), noise.AsSpan(d), mu.AsSpan(0, d), mu.AsSpan(d), 4)));
    }

    [Test]
    public void ADestinationOfTheWrongSizeIsAnArgumentErrorNamingIt()
    {
        using var model = P2GanModel.Create(TinyModel.Options());
        var e = Assert.Throws<ArgumentException>(() => model.SampleInto(2, 1, new float[model.ImageElementCount]));
        Assert.That(e!.ParamName, Is.EqualTo("destination"));
        var images = new float[2 * model.ImageElementCount];
        var m = Assert.Throws<ArgumentException>(() => model.EncodeInto(images, TinyModel.Batch(2), new float[TinyModel.Dim], new float[2 * TinyModel.Dim]));
        Assert.That(m!.ParamName, Is.EqualTo("mu"));
    }
}
