using System.Text.Json;
using P2Gan.Trainer.Training;

namespace P2Gan.Tests.Trainer;

/// <summary>Presets, the model and runtime sections of the trainer's configuration, and their
/// flat option names (no native library needed).</summary>
[TestFixture]
public sealed class TrainPresetsTests
{
    private static readonly DateTime Now = new(2026, 1, 1);

    private static TrainingConfig Resolve(params (string Key, string Value)[] given)
    {
        var values = given.ToDictionary(g => g.Key, g => g.Value, StringComparer.OrdinalIgnoreCase);
        var options = new TrainOptions();
        if (values.TryGetValue(nameof(TrainOptions.Preset), out string? preset)) options.Preset = preset;
        return TrainConfigResolver.Resolve(options, key => values.GetValueOrDefault(key), datasetChannels: 1, Now);
    }

    /// <summary>The SDK's FromPreset and 'p2gan train' with no options hold the same defaults (each
    /// declares them; this keeps the two declarations equal).</summary>
    [TestCaseSource(typeof(TrainPresets), nameof(TrainPresets.All))]
    public void FromPresetEqualsWhatTrainResolvesWithNoOptions(TrainPreset preset)
    {
        const string dataset = "fashion-mnist:/usr/share/datasets/fashion-mnist";
        var options = new TrainOptions { Preset = preset.Name, Dataset = dataset, RunDir = "runs/a" };
        TrainingConfig resolved = TrainConfigResolver.Resolve(options, _ => null, datasetChannels: 1, Now);
        TrainingConfig fromPreset = TrainingConfig.FromPreset(preset.Name, dataset, "runs/a");
        Assert.That(fromPreset.DifferencesFrom(resolved), Is.Empty);
        Assert.That(fromPreset.Model.Channels, Is.EqualTo(1));
    }

    [Test]
    public void PaperPresetHasThePaperSettings()
    {
        TrainPreset p = TrainPresets.Get("paper");
        ModelOptions m = p.Model;
        Assert.That((m.Resolution, m.BaseChannels, m.NoiseDim, m.PosteriorDim, p.BatchSize), Is.EqualTo((32, 64, 128, 128, 32)));
        Assert.That((m.LearningRateD, m.LearningRateG, m.Beta1, m.Beta2), Is.EqualTo((2e-4f, 2e-4f, 0f, 0.999f)));
        Assert.That(p.ModelChanges().Select(c => c.Name), Is.EqualTo(new[] { "Seed" }), "the paper preset is the native defaults");
    }

    [Test]
    public void CpuSmallPresetChangesOnlyTheNetworkSizeAndTheLearningRates()
    {
        var changes = TrainPresets.Get("cpu-small").ModelChanges().ToDictionary(c => c.Name, c => c.Value);
        Assert.That(changes, Is.EquivalentTo(new Dictionary<string, string>
        {
            ["BaseChannels"] = "16", ["NoiseDim"] = "64", ["PosteriorDim"] = "64",
            ["LearningRateD"] = "0.0004", ["LearningRateG"] = "0.0004", ["Seed"] = "1",
        }));
    }

    [Test]
    public void UnknownPresetIsNamedInTheError()
    {
        var e = Assert.Throws<ArgumentException>(() => TrainPresets.Get("huge"));
        Assert.That(e!.Message, Does.Contain("huge").And.Contain("cpu-small"));
    }

    [Test]
    public void EveryModelSettingIsSettableByItsFlatName()
    {
        TrainingConfig c = Resolve(("LambdaZ", "5"), ("MuA", "-2"), ("SigmaA", "0.25"), ("MuB", "2"), ("SigmaB", "3"),
            ("DistanceEstimator", "Sampled"), ("Beta1", "0.5"), ("Beta2", "0.9"), ("NDis", "2"), ("PretrainSteps", "3"),
            ("BaseChannels", "8"));
        ModelOptions m = c.Model;
        Assert.That((m.LambdaZ, m.MuA, m.SigmaA, m.MuB, m.SigmaB), Is.EqualTo((5f, -2f, 0.25f, 2f, 3f)));
        Assert.That((m.DistanceEstimator, m.Beta1, m.Beta2, m.NDis, m.PretrainSteps, m.BaseChannels),
            Is.EqualTo((DistanceEstimator.Sampled, 0.5f, 0.9f, 2, 3, 8)));
        Assert.That(m.NoiseDim, Is.EqualTo(64), "unset: the preset's");
        Assert.That(m.Channels, Is.EqualTo(1), "unset: the dataset's");
    }

    [Test]
    public void RuntimeSettingsGoToTheRuntimeSectionAndDefaultToTheFastFloat32Path()
    {
        RuntimeOptions defaults = Resolve().Runtime;
        Assert.That((defaults.Precision, defaults.MemoryFormat, defaults.Kernels, defaults.Device),
            Is.EqualTo((Precision.Float32, MemoryFormat.Contiguous, Kernels.Fast, "cpu")));
        RuntimeOptions r = Resolve(("Precision", "BFloat16Autocast"), ("MemoryFormat", "channels_last"), ("Kernels", "Reference"),
            ("Threads", "1")).Runtime;
        Assert.That((r.Precision, r.MemoryFormat, r.Kernels, r.Threads),
            Is.EqualTo((Precision.Bfloat16Autocast, MemoryFormat.ChannelsLast, Kernels.Reference, 1)));
    }

    [TestCase("Resolution", "17", "Resolution")]
    [TestCase("LearningRateD", "NaN", "LearningRateD")]
    [TestCase("NDis", "0", "NDis")]
    [TestCase("LambdaZ", "-1", "LambdaZ")]
    [TestCase("SigmaA", "0", "SigmaA")]
    [TestCase("Beta2", "1", "Beta2")]
    [TestCase("AdainMode", "Fancy", "AdainMode")]
    [TestCase("NoiseDim", "many", "NoiseDim")]
    public void InvalidModelSettingsAreRefusedNamingTheOption(string key, string value, string named)
    {
        var e = Assert.Throws<ArgumentException>(() => Resolve((key, value)));
        Assert.That(e!.Message, Does.Contain(named).And.Contain(value == "NaN" ? "NaN" : value));
    }

    [Test]
    public void ConfigJsonIsFlatAndReadsBackIntoTheSections()
    {
        TrainingConfig c = Resolve(("LambdaZ", "5"), ("Device", "cpu"), ("Kernels", "Reference"));
        string json = JsonSerializer.Serialize(c.WithFlatSettings());
        using (JsonDocument doc = JsonDocument.Parse(json))
        {
            Assert.That(doc.RootElement.GetProperty("LambdaZ").GetSingle(), Is.EqualTo(5f));
            Assert.That(doc.RootElement.TryGetProperty("Model", out _), Is.False, "sections are written flat");
        }
        TrainingConfig back = JsonSerializer.Deserialize<TrainingConfig>(json)!.WithSectionsFromSettings();
        Assert.That(back.Model.LambdaZ, Is.EqualTo(5f));
        Assert.That(back.Runtime.Kernels, Is.EqualTo(Kernels.Reference));
        Assert.That(back.Model.BaseChannels, Is.EqualTo(16));
    }

    [Test]
    public void AHostStateOfThePreviousReleaseReadsWithItsFlatModelFields()
    {
        // As written by the previous release: model fields flat, no LambdaZ (not settable then).
        const string json = """
            {"Dataset":"synthetic:8","Preset":"cpu-small","Steps":4,"BatchSize":4,"Resolution":32,"Channels":1,"BaseChannels":4,
             "NoiseDim":8,"PosteriorDim":8,"AdainMode":"Statistics","NDis":1,"PretrainSteps":0,"LearningRateD":0.0002,
             "LearningRateG":0.0002,"LearningRateSchedule":"Constant","EmaDecay":0,"EmaWarmup":true,"Seed":1,"Threads":0,
             "Device":"cpu","Precision":"Float32","MemoryFormat":"Contiguous","Kernels":"Fast","HorizontalFlip":false,
             "PrefetchBatches":4,"DecodeThreads":1,"StrictDataset":false,"RunDir":"runs/x","LogEvery":50,"SampleEvery":500,
             "CheckpointEvery":500,"KeepCheckpoints":3,"EvalEvery":0,"EvalAtEnd":false,"EvalSamples":10000,
             "BestMetric":"fmnist_fid","InceptionWeights":null,"EvalCacheDir":null,"NonFiniteLearningRateFactor":0.5,
             "MaxNonFiniteRetries":3}
            """;
        TrainingConfig c = JsonSerializer.Deserialize<TrainingConfig>(json,
            new JsonSerializerOptions { Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() } })!.WithSectionsFromSettings();
        Assert.That((c.Model.BaseChannels, c.Model.NoiseDim, c.Model.Seed, c.Model.LambdaZ), Is.EqualTo((4, 8, 1UL, 10f)));
        Assert.That(c.Runtime.Device, Is.EqualTo("cpu"));
        Assert.That(c.EvalResize, Is.EqualTo("pytorch-fid"), "settings added later take their defaults");
    }
}
