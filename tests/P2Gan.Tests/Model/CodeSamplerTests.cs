using P2Gan.Datasets;
using P2Gan.Sampling;
using P2Gan.Tests.Support;

namespace P2Gan.Tests.Model;

/// <summary>Sampling with codes from the prior, from posteriors of training images, and from the
/// Gaussian fitted to those posteriors (issue #13).</summary>
[TestFixture]
public sealed class CodeSamplerTests
{
    private static SyntheticShapesDataset Images(int count = 40) => new(count, TinyModel.Resolution, 1);

    [Test]
    public void PriorCodesAreTheModelsOwnSample()
    {
        using var model = P2GanModel.Create(TinyModel.Options());
        var sampler = CodeSampler.Create(model, CodeSource.Prior);
        Assert.That(sampler.Sample(3, seed: 5), Is.EqualTo(model.Sample(3, seed: 5)));
        Assert.That(sampler.AggregateMean.IsEmpty);
    }

    [Test]
    public void TheAggregateIsTheMomentMatchedMixtureOfThePosteriors()
    {
        using var model = P2GanModel.Create(TinyModel.Options());
        var data = Images(30);
        var sampler = CodeSampler.Create(model, CodeSource.Aggregate, data, aggregateImages: 30);

        // The closed form, from one Encode of all 30 images.
        int size = TinyModel.Resolution * TinyModel.Resolution, d = TinyModel.Dim;
        var images = new float[30 * size];
        for (int i = 0; i < 30; i++) data.CopyImage(i, images.AsSpan(i * size, size));
        (float[] mu, float[] sigma) = model.Encode(images, TinyModel.Batch(30));
        for (int j = 0; j < d; j++)
        {
            double mean = Enumerable.Range(0, 30).Average(i => (double)mu[i * d + j]);
            double second = Enumerable.Range(0, 30).Average(i => (double)mu[i * d + j] * mu[i * d + j] + (double)sigma[i * d + j] * sigma[i * d + j]);
            Assert.That(sampler.AggregateMean[j], Is.EqualTo(mean).Within(1e-5));
            Assert.That(sampler.AggregateStd[j], Is.EqualTo(Math.Sqrt(second - mean * mean)).Within(1e-5));
        }
        // Deterministic under a seed, different across seeds, and G's images.
        float[] a = sampler.Sample(4, seed: 1);
        Assert.That(sampler.Sample(4, seed: 1), Is.EqualTo(a));
        Assert.That(sampler.Sample(4, seed: 2), Is.Not.EqualTo(a));
        Assert.That(a, Has.Length.EqualTo(4 * size).And.All.InRange(-1f, 1f));
    }

    [Test]
    public void PosteriorCodesComeFromTrainingImagesChosenByTheSeed()
    {
        using var model = P2GanModel.Create(TinyModel.Options());
        var sampler = CodeSampler.Create(model, CodeSource.Posterior, Images());
        float[] a = sampler.Sample(4, seed: 7);
        Assert.That(sampler.Sample(4, seed: 7), Is.EqualTo(a));
        Assert.That(a, Is.Not.EqualTo(model.Sample(4, seed: 7)), "posterior codes, not the prior's");
    }

    [TestCase(Method.Lsgan)]
    [TestCase(Method.Hinge)]
    [TestCase(Method.NonSaturating)]
    public void ABaselineSamplesOnlyFromThePriorAndSaysWhy(Method method)
    {
        ModelOptions options = TinyModel.Options();
        options.Method = method;
        using var model = P2GanModel.Create(options);
        Assert.That(model.Options.HasPosterior, Is.False);
        Assert.That(CodeSampler.Create(model, CodeSource.Prior).Sample(2, seed: 1), Is.EqualTo(model.Sample(2, seed: 1)));
        foreach (CodeSource source in new[] { CodeSource.Posterior, CodeSource.Aggregate })
        {
            Assert.That(() => CodeSampler.Create(model, source, Images()),
                Throws.ArgumentException.With.Message.Contain($"{method} baseline").And.Message.Contain("use Prior"));
        }
        Assert.That(() => model.Encode(new float[2 * TinyModel.Resolution * TinyModel.Resolution], TinyModel.Batch(2)),
            Throws.TypeOf<P2GanInvalidArgumentException>().With.Message.Contain("needs method P2GAN"));
    }

    [Test]
    public void SourcesThatNeedImagesRefuseNoneOrTheWrongSize()
    {
        using var model = P2GanModel.Create(TinyModel.Options());
        Assert.Throws<ArgumentException>(() => CodeSampler.Create(model, CodeSource.Posterior));
        var e = Assert.Throws<ArgumentException>(() =>
            CodeSampler.Create(model, CodeSource.Aggregate, new SyntheticShapesDataset(10, TinyModel.Resolution, 3)));
        Assert.That(e!.Message, Does.Contain("32x32x3").And.Contain("32x32x1"));
    }
}
