using P2Gan.Trainer.Training;

namespace P2Gan.Tests.Trainer;

[TestFixture]
public sealed class TrainPresetsTests
{
    [Test]
    public void PaperPresetHasThePaperSettings()
    {
        TrainPreset p = TrainPresets.Get("paper");
        Assert.That((p.Resolution, p.BaseChannels, p.NoiseDim, p.PosteriorDim, p.BatchSize), Is.EqualTo((32, 64, 128, 128, 32)));
        Assert.That(p.LearningRateD, Is.EqualTo(2e-4f));
    }

    [Test]
    public void UnknownPresetIsNamedInTheError()
    {
        var e = Assert.Throws<ArgumentException>(() => TrainPresets.Get("huge"));
        Assert.That(e!.Message, Does.Contain("huge").And.Contain("cpu-small"));
    }

    [Test]
    public void DatasetSpecIsParsed()
    {
        var source = DatasetSource.Parse("fashion-mnist:/data/fm");
        Assert.That(source.Location, Is.EqualTo("/data/fm"));
        Assert.Throws<ArgumentException>(() => DatasetSource.Parse("cifar:/x"));
        Assert.Throws<ArgumentException>(() => DatasetSource.Parse("/no/kind"));
    }

    [Test]
    public void StepOptionsReachTheModelAndDefaultToTheFastFloat32Path()
    {
        var now = new DateTime(2026, 1, 1);
        ModelOptions defaults = TrainConfigResolver.Resolve(new TrainOptions(), 1, now).ToModelOptions();
        Assert.That((defaults.Precision, defaults.MemoryFormat, defaults.Kernels),
            Is.EqualTo((Precision.Float32, MemoryFormat.Contiguous, Kernels.Fast)));

        var options = new TrainOptions
        {
            Precision = Precision.BFloat16Autocast,
            MemoryFormat = MemoryFormat.ChannelsLast,
            Kernels = Kernels.Reference,
        };
        ModelOptions model = TrainConfigResolver.Resolve(options, 1, now).ToModelOptions();
        Assert.That((model.Precision, model.MemoryFormat, model.Kernels),
            Is.EqualTo((Precision.BFloat16Autocast, MemoryFormat.ChannelsLast, Kernels.Reference)));
    }
}
