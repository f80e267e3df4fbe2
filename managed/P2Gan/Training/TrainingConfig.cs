using System.Text.Json;
using System.Text.Json.Serialization;
using P2Gan.Datasets;

namespace P2Gan.Training;

/// <summary>
/// Every setting of a training run (docs/training.md): the trainer's own settings are the
/// properties here; the model and runtime settings are the <see cref="Model"/> and
/// <see cref="Runtime"/> sections. Written to RUN_DIR/config.json and into each checkpoint;
/// there the sections are written flat beside the other settings under their option names
/// (LambdaZ, Device, ...), so that the file can be fed back to <c>p2gan train --config</c> and
/// checkpoints of earlier versions (which stored the same names flat) still read.
/// </summary>
/// <example>
/// <code>
/// var config = TrainingConfig.FromPreset(TrainPresets.CpuSmallName, "fashion-mnist:/usr/share/datasets/fashion-mnist", "runs/a")
///     with { Steps = 200 };
/// </code>
/// </example>
public sealed record TrainingConfig
{
    /// <summary>The dataset as "kind:location" (<see cref="DatasetSpec.Syntax"/>), e.g. "synthetic:256".</summary>
    public required string Dataset { get; init; }
    /// <summary>The preset the unset settings came from (<see cref="TrainPresets"/>).</summary>
    public required string Preset { get; init; }
    /// <summary>Steps of the whole run (a resumed run counts from its checkpoint's step).</summary>
    public required int Steps { get; init; }
    /// <summary>Real images per step.</summary>
    public required int BatchSize { get; init; }
    /// <summary>How the learning rates change over the run.</summary>
    public required LearningRateSchedule LearningRateSchedule { get; init; }
    /// <summary>Ramp the EMA decay up as min(EmaDecay, (1+step)/(10+step)) (<see cref="EmaWarmup"/>).</summary>
    public required bool EmaWarmup { get; init; }
    /// <summary>Mirror half of the training images left-right.</summary>
    public required bool HorizontalFlip { get; init; }
    /// <summary>Batches the loader prepares ahead (at least 1).</summary>
    public required int PrefetchBatches { get; init; }
    /// <summary>Loader threads that decode one batch; 0 = one per processor.</summary>
    public required int DecodeThreads { get; init; }
    /// <summary>Fail on the first undecodable image instead of replacing it.</summary>
    public required bool StrictDataset { get; init; }
    /// <summary>The run folder: config.json, metrics.jsonl, samples/, checkpoints/, plots and report.html.</summary>
    public required string RunDir { get; init; }
    /// <summary>A metrics.jsonl line (and a log line) every N steps.</summary>
    public required int LogEvery { get; init; }
    /// <summary>A sample grid (samples/step_NNNNNN.png) every N steps, and at the end.</summary>
    public required int SampleEvery { get; init; }
    /// <summary>A checkpoint every N steps, and at the end (final.ckpt).</summary>
    public required int CheckpointEvery { get; init; }
    /// <summary>step_*.ckpt files kept (the newest); 0 keeps all. final.ckpt and best.ckpt are not counted.</summary>
    public required int KeepCheckpoints { get; init; }
    /// <summary>Evaluate (FID, KID, precision/recall) every N steps and at the end; 0 = never during the run.</summary>
    public required int EvalEvery { get; init; }
    // The evaluation settings are not 'required': checkpoints written before they existed still resume.
    /// <summary>Evaluate once at the end of the run.</summary>
    public bool EvalAtEnd { get; init; }
    /// <summary>Generated images per evaluation (real images: min(N, test split size)); at least 2.</summary>
    public int EvalSamples { get; init; } = TrainEvaluation.DefaultSamples;
    /// <summary>The metric that chooses checkpoints/best.ckpt (<see cref="TrainEvaluation.Metrics"/>).</summary>
    public string BestMetric { get; init; } = TrainEvaluation.DefaultBestMetric;
    /// <summary>Inception-v3 weights for FID; evaluation of datasets other than (Fashion-)MNIST needs them.</summary>
    public string? InceptionWeights { get; init; }
    /// <summary>Classifier and real-statistics cache; null = $P2GAN_CACHE_DIR or ~/.cache/p2gan.</summary>
    public string? EvalCacheDir { get; init; }
    /// <summary>How the Inception network resizes fakes and reals: "pytorch-fid" (default) or "clean"
    /// (<see cref="Evaluation.FeatureEvaluation.ParseResize"/>, docs/evaluation.md).</summary>
    public string EvalResize { get; init; } = Evaluation.FeatureEvaluation.ResizePytorchFid;
    /// <summary>Where the evaluation's samples take their codes (docs/results.md). Checkpoints written before
    /// the setting existed read as <see cref="Sampling.CodeSource.Prior"/>, what they were evaluated with;
    /// new runs (<see cref="FromPreset"/>, <c>p2gan train</c>) use <see cref="Sampling.CodeSource.Aggregate"/>.</summary>
    public Sampling.CodeSource EvalCodes { get; init; } = Sampling.CodeSource.Prior;

    /// <summary><see cref="EvalCodes"/>, or Prior for a baseline (<see cref="ModelOptions.HasPosterior"/>), whose
    /// discriminator has no posterior to take codes from.</summary>
    internal Sampling.CodeSource EffectiveEvalCodes => Model.HasPosterior ? EvalCodes : Sampling.CodeSource.Prior;
    /// <summary>Learning-rate multiplier in (0, 1) applied at each roll-back after a non-finite loss.</summary>
    public required float NonFiniteLearningRateFactor { get; init; }
    /// <summary>Roll-backs allowed in a run before it fails.</summary>
    public required int MaxNonFiniteRetries { get; init; }

    /// <summary>The model settings (what the model is).</summary>
    [JsonIgnore]
    public ModelOptions Model { get; init; } = new();

    /// <summary>The runtime settings (where and how it runs).</summary>
    [JsonIgnore]
    public RuntimeOptions Runtime { get; init; } = new();

    /// <summary>The sections as flat JSON values while (de)serializing; null otherwise.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Settings { get; set; }

    /// <summary>The settings that may change when a run is resumed (<see cref="TrainingSession.Resume(string, Func{TrainingConfig, TrainingConfig}?, IImageDataset?, Microsoft.Extensions.Logging.ILogger?, P2Gan.Distributed.ProcessGroup?)"/>): they
    /// do not change the trajectory (cadences, loader threads, evaluation) or extend it (Steps).</summary>
    public static IReadOnlyList<string> ChangeableOnResume { get; } =
    [
        nameof(Steps), nameof(LogEvery), nameof(SampleEvery), nameof(CheckpointEvery), nameof(KeepCheckpoints),
        nameof(EvalEvery), nameof(EvalAtEnd), nameof(EvalCacheDir), nameof(InceptionWeights), nameof(EvalResize), nameof(MaxNonFiniteRetries),
        nameof(PrefetchBatches), nameof(DecodeThreads),
    ];

    /// <summary>Fashion-MNIST where Debian's dataset-fashion-mnist installs it: the dataset of <c>p2gan train</c> without --dataset.</summary>
    public const string DefaultDataset = "fashion-mnist:/usr/share/datasets/fashion-mnist";

    /// <summary>A configuration with every setting from <paramref name="preset"/> and the trainer's defaults
    /// (those of <c>p2gan train</c>); Channels is the dataset's.</summary>
    /// <param name="preset">A preset name (<see cref="TrainPresets.All"/>).</param>
    /// <param name="dataset">"kind:location" (<see cref="DatasetSpec.Syntax"/>).</param>
    /// <param name="runDir">The run folder.</param>
    /// <exception cref="ArgumentException">Unknown preset or malformed dataset.</exception>
    public static TrainingConfig FromPreset(string preset, string dataset, string runDir)
    {
        TrainPreset p = TrainPresets.Get(preset);
        ModelOptions model = p.Model.Clone();
        model.Channels = DatasetFactory.NaturalChannels(dataset);
        return new TrainingConfig
        {
            Dataset = dataset,
            Preset = p.Name,
            Steps = p.Steps,
            BatchSize = p.BatchSize,
            Model = model,
            Runtime = new RuntimeOptions(),
            LearningRateSchedule = LearningRateSchedule.Constant,
            EmaWarmup = true,
            HorizontalFlip = false,
            PrefetchBatches = 4,
            DecodeThreads = 1,
            StrictDataset = false,
            RunDir = runDir,
            LogEvery = 50,
            SampleEvery = 500,
            CheckpointEvery = 500,
            KeepCheckpoints = 3,
            EvalEvery = 0,
            EvalAtEnd = p.EvalAtEnd,
            EvalCodes = Sampling.CodeSource.Aggregate,
            NonFiniteLearningRateFactor = 0.5f,
            MaxNonFiniteRetries = 3,
        };
    }

    /// <summary>Checks every setting: the trainer's own here, the model and runtime sections by their
    /// generated rules (p2gan.h); device names and bf16 on CUDA are checked by the native core.</summary>
    /// <exception cref="ArgumentException">A value is out of range; the message names the setting.</exception>
    public void Validate()
    {
        Require(Steps >= 0, nameof(Steps), Steps, "must be >= 0");
        Require(BatchSize > 0, nameof(BatchSize), BatchSize, "must be > 0");
        Require(LogEvery > 0, nameof(LogEvery), LogEvery, "must be > 0");
        Require(SampleEvery > 0, nameof(SampleEvery), SampleEvery, "must be > 0");
        Require(CheckpointEvery > 0, nameof(CheckpointEvery), CheckpointEvery, "must be > 0");
        Require(KeepCheckpoints >= 0, nameof(KeepCheckpoints), KeepCheckpoints, "must be >= 0 (0 keeps all)");
        Require(EvalEvery >= 0, nameof(EvalEvery), EvalEvery, "must be >= 0 (0 = no evaluation during the run)");
        Require(EvalSamples >= 2, nameof(EvalSamples), EvalSamples, "must be >= 2 (a covariance needs two images)");
        Require(TrainEvaluation.IsKnownMetric(BestMetric), nameof(BestMetric), BestMetric,
            $"must be one of {string.Join(", ", TrainEvaluation.Metrics)}");
        Require(EvalResize is Evaluation.FeatureEvaluation.ResizePytorchFid or Evaluation.FeatureEvaluation.ResizeClean,
            nameof(EvalResize), EvalResize,
            $"must be {Evaluation.FeatureEvaluation.ResizePytorchFid} or {Evaluation.FeatureEvaluation.ResizeClean}");
        Require(NonFiniteLearningRateFactor is > 0f and < 1f, nameof(NonFiniteLearningRateFactor),
            NonFiniteLearningRateFactor, "must be in (0, 1)");
        Require(MaxNonFiniteRetries >= 0, nameof(MaxNonFiniteRetries), MaxNonFiniteRetries, "must be >= 0");
        Require(PrefetchBatches >= 1, nameof(PrefetchBatches), PrefetchBatches, "must be >= 1");
        Require(DecodeThreads >= 0, nameof(DecodeThreads), DecodeThreads, "must be >= 0 (0 = one per processor)");
        Require(Enum.IsDefined(EvalCodes), nameof(EvalCodes), EvalCodes, "must be Prior, Posterior or Aggregate");
        Require(Enum.IsDefined(LearningRateSchedule), nameof(LearningRateSchedule), LearningRateSchedule, "must be Constant or Linear");
        Require(!string.IsNullOrWhiteSpace(RunDir), nameof(RunDir), RunDir, "must name a folder");
        Model.Validate();
        Runtime.Validate();
    }

    /// <summary>The names of the settings whose values differ between this configuration and
    /// <paramref name="other"/> (trainer settings by property, model and runtime settings by option name).</summary>
    public IReadOnlyList<string> DifferencesFrom(TrainingConfig other)
    {
        var names = new List<string>();
        foreach (var p in typeof(TrainingConfig).GetProperties())
        {
            if (p.Name is nameof(Model) or nameof(Runtime) or nameof(Settings) or nameof(RunDir) || p.GetIndexParameters().Length > 0) continue;
            if (!Equals(p.GetValue(this), p.GetValue(other))) names.Add(p.Name);
        }
        foreach (var (name, _) in SettingsBinding.Values(Model, ModelOptions.Settings))
        {
            if (SettingsBinding.Format(Model, name) != SettingsBinding.Format(other.Model, name)) names.Add(name);
        }
        foreach (var (name, _) in SettingsBinding.Values(Runtime, RuntimeOptions.Settings))
        {
            if (SettingsBinding.Format(Runtime, name) != SettingsBinding.Format(other.Runtime, name)) names.Add(name);
        }
        return names;
    }

    private static void Require(bool ok, string name, object value, string rule)
    {
        if (!ok) throw new ArgumentException($"invalid {name} = {value}: {rule}.");
    }

    /// <summary>Copies the sections into <see cref="Settings"/> (before serializing).</summary>
    internal TrainingConfig WithFlatSettings()
    {
        var flat = new Dictionary<string, JsonElement>();
        foreach (var (name, value) in SettingsBinding.Values(Model, ModelOptions.Settings)
                     .Concat(SettingsBinding.Values(Runtime, RuntimeOptions.Settings)))
        {
            flat[name] = JsonSerializer.SerializeToElement(value, TrainingJson.Options);
        }
        return this with { Settings = flat };
    }

    /// <summary>The sections read from <see cref="Settings"/> (after deserializing); names no
    /// section knows are an error.</summary>
    internal TrainingConfig WithSectionsFromSettings()
    {
        var values = (Settings ?? []).ToDictionary(kv => kv.Key,
            kv => kv.Value.ValueKind == JsonValueKind.String ? kv.Value.GetString() : kv.Value.GetRawText(),
            StringComparer.OrdinalIgnoreCase);
        var model = new ModelOptions();
        var runtime = new RuntimeOptions();
        var used = SettingsBinding.Apply(model, ModelOptions.Settings, n => values.GetValueOrDefault(n))
            .Concat(SettingsBinding.Apply(runtime, RuntimeOptions.Settings, n => values.GetValueOrDefault(n)))
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
        string[] unknown = values.Keys.Where(k => !used.Contains(k)).ToArray();
        if (unknown.Length > 0) throw new JsonException($"unknown settings: {string.Join(", ", unknown)}");
        return this with { Model = model, Runtime = runtime, Settings = null };
    }
}
