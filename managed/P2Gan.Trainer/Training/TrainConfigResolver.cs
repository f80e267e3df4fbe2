namespace P2Gan.Trainer.Training;

/// <summary>Applies the preset and the native defaults to <see cref="TrainOptions"/> and validates the result.</summary>
public static class TrainConfigResolver
{
    /// <param name="settings">Looks up a model or runtime setting by its option name (null when
    /// not given); unset model settings come from the preset, unset Channels from the dataset.</param>
    /// <param name="datasetChannels">The dataset's natural channels, the default for Channels.</param>
    /// <param name="now">Used for the default run folder name.</param>
    /// <exception cref="ArgumentException">A value is out of range; the message names the option.</exception>
    public static ResolvedTrainConfig Resolve(TrainOptions o, Func<string, string?> settings, int datasetChannels, DateTime now)
    {
        TrainPreset preset = TrainPresets.Get(o.Preset);
        ModelOptions model = preset.Model.Clone();
        model.Channels = datasetChannels;
        SettingsBinding.Apply(model, ModelOptions.Settings, settings);
        var runtime = new RuntimeOptions();
        SettingsBinding.Apply(runtime, RuntimeOptions.Settings, settings);
        var config = new ResolvedTrainConfig
        {
            Dataset = o.Dataset,
            Preset = preset.Name,
            Steps = o.Steps ?? preset.Steps,
            BatchSize = o.BatchSize ?? preset.BatchSize,
            Model = model,
            Runtime = runtime,
            LearningRateSchedule = o.LearningRateSchedule,
            EmaWarmup = o.EmaWarmup,
            HorizontalFlip = o.HorizontalFlip,
            PrefetchBatches = o.PrefetchBatches,
            DecodeThreads = o.DecodeThreads,
            StrictDataset = o.StrictDataset,
            RunDir = string.IsNullOrWhiteSpace(o.RunDir) ? Path.Combine("runs", now.ToString("yyyyMMdd-HHmmss")) : o.RunDir,
            LogEvery = o.LogEvery,
            SampleEvery = o.SampleEvery,
            CheckpointEvery = o.CheckpointEvery,
            KeepCheckpoints = o.KeepCheckpoints,
            EvalEvery = o.EvalEvery,
            EvalAtEnd = o.EvalAtEnd ?? preset.EvalAtEnd,
            EvalSamples = o.EvalSamples,
            BestMetric = o.BestMetric,
            InceptionWeights = string.IsNullOrWhiteSpace(o.InceptionWeights) ? null : o.InceptionWeights,
            EvalCacheDir = string.IsNullOrWhiteSpace(o.EvalCacheDir) ? null : o.EvalCacheDir,
            NonFiniteLearningRateFactor = o.NonFiniteLearningRateFactor,
            MaxNonFiniteRetries = o.MaxNonFiniteRetries,
        };
        Validate(config);
        return config;
    }

    /// <summary>Checks every setting: the trainer's own here, the model and runtime sections by
    /// their generated rules (p2gan.h); device names and bf16-on-CUDA are checked by the native core.</summary>
    public static void Validate(ResolvedTrainConfig c)
    {
        Require(c.Steps >= 0, nameof(c.Steps), c.Steps, "must be >= 0");
        Require(c.BatchSize > 0, nameof(c.BatchSize), c.BatchSize, "must be > 0");
        Require(c.LogEvery > 0, nameof(c.LogEvery), c.LogEvery, "must be > 0");
        Require(c.SampleEvery > 0, nameof(c.SampleEvery), c.SampleEvery, "must be > 0");
        Require(c.CheckpointEvery > 0, nameof(c.CheckpointEvery), c.CheckpointEvery, "must be > 0");
        Require(c.KeepCheckpoints >= 0, nameof(c.KeepCheckpoints), c.KeepCheckpoints, "must be >= 0 (0 keeps all)");
        Require(c.EvalEvery >= 0, nameof(c.EvalEvery), c.EvalEvery, "must be >= 0 (0 = no evaluation during the run)");
        Require(c.EvalSamples >= 2, nameof(c.EvalSamples), c.EvalSamples, "must be >= 2 (a covariance needs two images)");
        Require(TrainEvaluation.IsKnownMetric(c.BestMetric), nameof(c.BestMetric), c.BestMetric,
            $"must be one of {string.Join(", ", TrainEvaluation.Metrics)}");
        Require(c.NonFiniteLearningRateFactor is > 0f and < 1f, nameof(c.NonFiniteLearningRateFactor),
            c.NonFiniteLearningRateFactor, "must be in (0, 1)");
        Require(c.MaxNonFiniteRetries >= 0, nameof(c.MaxNonFiniteRetries), c.MaxNonFiniteRetries, "must be >= 0");
        Require(c.PrefetchBatches >= 1, nameof(c.PrefetchBatches), c.PrefetchBatches, "must be >= 1");
        Require(c.DecodeThreads >= 0, nameof(c.DecodeThreads), c.DecodeThreads, "must be >= 0 (0 = one per processor)");
        Require(Enum.IsDefined(c.LearningRateSchedule), nameof(c.LearningRateSchedule), c.LearningRateSchedule, "must be Constant or Linear");
        c.Model.Validate();
        c.Runtime.Validate();
    }

    private static void Require(bool ok, string name, object value, string rule)
    {
        if (!ok) throw new ArgumentException($"invalid {name} = {value}: {rule}.");
    }
}
