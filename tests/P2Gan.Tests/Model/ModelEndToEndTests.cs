using P2Gan.Tests.Support;

namespace P2Gan.Tests.Model;

/// <summary>The SDK on a tiny model and a 16-image synthetic dataset.</summary>
[TestFixture]
public sealed class ModelEndToEndTests
{
    private const int BatchSize = 8;
    private const int Steps = 5;

    private static readonly float[] Dataset = SyntheticImages.Shapes(16, TinyModel.Resolution);

    private static ReadOnlySpan<float> BatchAt(int step)
    {
        int size = BatchSize * TinyModel.Resolution * TinyModel.Resolution;
        return Dataset.AsSpan(step % 2 * size, size);
    }

    private static (P2GanModel Model, List<StepMetrics> Metrics) Train(ulong seed)
    {
        var model = P2GanModel.Create(TinyModel.Options(seed));
        var metrics = new List<StepMetrics>();
        for (int i = 0; i < Steps; i++)
        {
            metrics.Add(model.TrainStep(BatchAt(i), TinyModel.Batch(BatchSize)));
        }
        return (model, metrics);
    }

    [Test]
    public void TrainingGivesFiniteLossesAndAdvancesTheStep()
    {
        (P2GanModel model, List<StepMetrics> metrics) = Train(seed: 1);
        using (model)
        {
            Assert.That(model.Step, Is.EqualTo(Steps));
            Assert.That(metrics.Select(m => m.Step), Is.EqualTo(Enumerable.Range(1, Steps).Select(i => (long)i)));
            foreach (StepMetrics m in metrics)
            {
                float[] values = [m.LossD, m.LossAdv, m.LossZ, m.LossG, m.RealMuMean, m.RealSigmaMean, m.FakeMuMean, m.FakeSigmaMean];
                Assert.That(values.All(float.IsFinite), Is.True, m.ToString());
                Assert.That(m.RealSigmaMean, Is.GreaterThan(0));
                Assert.That(m.GUpdated, Is.True, "n_dis = 1 and no pre-training: every step updates G");
            }
        }
    }

    [Test]
    public void SamplesHaveTheRightSizeAndRange()
    {
        using var model = P2GanModel.Create(TinyModel.Options());
        model.TrainStep(BatchAt(0), TinyModel.Batch(BatchSize));
        float[] samples = model.Sample(6, seed: 7);
        Assert.That(samples, Has.Length.EqualTo(6 * 1 * 32 * 32));
        Assert.That(samples.All(v => v >= -1f && v <= 1f), Is.True);
    }

    [Test]
    public void SamplingFromRealImagesUsesTheirPosterior()
    {
        using var model = P2GanModel.Create(TinyModel.Options());
        float[] samples = model.Sample(BatchSize, seed: 3, BatchAt(0), TinyModel.Batch(BatchSize));
        Assert.That(samples, Has.Length.EqualTo(BatchSize * 32 * 32));
    }

    [Test]
    public void SaveThenLoadSamplesIdentically()
    {
        using var temp = new TempDirectory();
        string path = temp.File("model.ckpt");
        (P2GanModel model, _) = Train(seed: 1);
        float[] before;
        using (model)
        {
            model.Save(path);
            before = model.Sample(4, seed: 11);
        }
        using var loaded = P2GanModel.Load(path);
        Assert.That(loaded.Step, Is.EqualTo(Steps));
        Assert.That(loaded.Options.BaseChannels, Is.EqualTo(4));
        Assert.That(loaded.Sample(4, seed: 11), Is.EqualTo(before));
        Assert.That(P2GanModel.ReadCheckpointOptions(path).NoiseDim, Is.EqualTo(TinyModel.Dim));
    }

    [Test]
    public void HostStateTravelsWithTheCheckpoint()
    {
        using var temp = new TempDirectory();
        using var model = P2GanModel.Create(TinyModel.Options());
        const string state = "{\"epoch\":4,\"position\":12,\"name\":\"caf\u00e9 \u2713\"}";
        model.Save(temp.File("with.ckpt"), state);
        model.Save(temp.File("without.ckpt"));
        Assert.That(P2GanModel.ReadCheckpointHostState(temp.File("with.ckpt")), Is.EqualTo(state));
        Assert.That(P2GanModel.ReadCheckpointHostState(temp.File("without.ckpt")), Is.EqualTo(""));
    }

    [Test]
    public void RestoreIntoAFreshModelSamplesIdentically()
    {
        using var temp = new TempDirectory();
        string path = temp.File("model.ckpt");
        (P2GanModel model, _) = Train(seed: 1);
        using (model)
        {
            model.Save(path);
            using var other = P2GanModel.Create(TinyModel.Options(seed: 99));
            other.Restore(path);
            Assert.That(other.Sample(3, seed: 5), Is.EqualTo(model.Sample(3, seed: 5)));
        }
    }

    [Test]
    public void SameSeedGivesIdenticalTrainingAndSamples()
    {
        (P2GanModel a, List<StepMetrics> ma) = Train(seed: 1);
        (P2GanModel b, List<StepMetrics> mb) = Train(seed: 1);
        using (a)
        using (b)
        {
            Assert.That(mb, Is.EqualTo(ma));
            Assert.That(b.Sample(4, seed: 2), Is.EqualTo(a.Sample(4, seed: 2)));
        }
    }

    [Test]
    public void DifferentSeedsGiveDifferentModels()
    {
        using var a = P2GanModel.Create(TinyModel.Options(seed: 1));
        using var b = P2GanModel.Create(TinyModel.Options(seed: 2));
        Assert.That(b.Sample(2, seed: 0), Is.Not.EqualTo(a.Sample(2, seed: 0)));
    }

    [Test]
    public void EncodeGivesOnePosteriorPerImage()
    {
        using var model = P2GanModel.Create(TinyModel.Options());
        model.TrainStep(BatchAt(0), TinyModel.Batch(BatchSize));
        (float[] mu, float[] sigma) = model.Encode(BatchAt(0), TinyModel.Batch(BatchSize));
        Assert.That(mu, Has.Length.EqualTo(BatchSize * TinyModel.Dim));
        Assert.That(sigma, Has.Length.EqualTo(BatchSize * TinyModel.Dim));
        Assert.That(sigma.All(s => s > 0 && float.IsFinite(s)), Is.True, $"sigma: {string.Join(", ", sigma.Take(16))}; mu: {string.Join(", ", mu.Take(16))}");
    }

    [Test]
    public void FreshModelPosteriorIsOfOrderOne()
    {
        // Spectral norm must estimate each weight's largest singular value before the first
        // evaluation-mode forward (as PyTorch does with power iterations at registration);
        // with random u, v only, W / sigma blows up and mu reaches ~1e9.
        using var model = P2GanModel.Create(TinyModel.Options());
        (float[] mu, float[] sigma) = model.Encode(BatchAt(0), TinyModel.Batch(BatchSize));
        Assert.That(mu.Max(MathF.Abs), Is.LessThan(1e3f), $"mu: {string.Join(", ", mu.Take(8))}");
        Assert.That(sigma.All(s => s > 0 && float.IsFinite(s)), Is.True, $"sigma: {string.Join(", ", sigma.Take(8))}");
    }

    [Test]
    public void InterpolationEndsAreTheGeneratedImages()
    {
        using var model = P2GanModel.Create(TinyModel.Options());
        float[] noiseA = SyntheticImages.Gaussian(TinyModel.Dim, 1), noiseB = SyntheticImages.Gaussian(TinyModel.Dim, 2);
        float[] codeA = SyntheticImages.Gaussian(TinyModel.Dim, 3), codeB = SyntheticImages.Gaussian(TinyModel.Dim, 4);
        const int steps = 5;
        float[] path = model.Interpolate(noiseA, noiseB, codeA, codeB, steps);
        int image = 32 * 32;
        Assert.That(path, Has.Length.EqualTo(steps * image));
        float[] first = model.Generate(noiseA, codeA, 1), last = model.Generate(noiseB, codeB, 1);
        Assert.That(path[..image], Is.EqualTo(first).Within(1e-5f));
        Assert.That(path[^image..], Is.EqualTo(last).Within(1e-5f));
    }

    [Test]
    public void ForwardFillsEveryOutput()
    {
        using var model = P2GanModel.Create(TinyModel.Options());
        const int b = 4;
        ForwardResult r = model.Forward(Dataset.AsSpan(0, b * 32 * 32), TinyModel.Batch(b),
            SyntheticImages.Gaussian(b * TinyModel.Dim, 5), SyntheticImages.Gaussian(b * TinyModel.Dim, 6));
        Assert.That(r.MuReal, Has.Length.EqualTo(b * TinyModel.Dim));
        Assert.That(r.Codes, Has.Length.EqualTo(b * TinyModel.Dim));
        Assert.That(r.Fake, Has.Length.EqualTo(b * 32 * 32));
        float[] losses = [r.Losses.LossD, r.Losses.LossAdv, r.Losses.LossZ, r.Losses.LossG];
        Assert.That(losses.All(float.IsFinite), Is.True);
        // codes = mu + sigma * e'
        Assert.That(r.Codes[0], Is.EqualTo(r.MuReal[0] + r.SigmaReal[0] * SyntheticImages.Gaussian(b * TinyModel.Dim, 6)[0]).Within(1e-4f));
    }

    [Test]
    public void LearningRatesCanChangeAndOptionsRoundTrip()
    {
        using var model = P2GanModel.Create(TinyModel.Options());
        model.SetLearningRates(1e-4f, 5e-5f);
        Assert.That(model.Options.BaseChannels, Is.EqualTo(4));
        Assert.That(model.ImageElementCount, Is.EqualTo(32 * 32));
        Assert.That(() => P2GanModel.CudaIsAvailable, Throws.Nothing);
    }

    [Test]
    public void ExportWritesASafetensorsFile()
    {
        using var temp = new TempDirectory();
        using var model = P2GanModel.Create(TinyModel.Options());
        string path = temp.File("model.safetensors");
        model.ExportSafetensors(path);
        Assert.That(new FileInfo(path).Length, Is.GreaterThan(8));
    }
}
