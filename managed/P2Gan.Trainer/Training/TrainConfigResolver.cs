namespace P2Gan.Trainer.Training;

/// <summary>Applies the preset and the native defaults to <see cref="TrainOptions"/> and validates the result.</summary>
public static class TrainConfigResolver
{
    /// <param name="settings">Looks up a model or runtime setting by its option name (null when
    /// not given); unset model settings come from the preset, unset Channels from the dataset.</param>
    /// <param name="datasetChannels">The dataset's natural channels, the default for Channels.</param>
    /// <param name="now">Used for the default run folder name.</param>
    /// <exception cref="ArgumentException">A value is out of range; the message names the option.</exception>
    public static TrainingConfig Resolve(TrainOptions o, Func<string, string?> settings, int datasetChannels, DateTime now)
    {
        TrainPreset preset = TrainPresets.Get(o.Preset);
        ModelOptions model = preset.Model.Clone();
        model.Channels = datasetChannels;
        SettingsBinding.Apply(model, ModelOptions.Settings, settings);
        var runtime = new RuntimeOptions();
        SettingsBinding.Apply(runtime, RuntimeOptions.Settings, settings);
        var config = new TrainingConfig
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
            EvalResize = o.EvalResize.Trim().ToLowerInvariant(),
            EvalCodes = o.EvalCodes,
            NonFiniteLearningRateFactor = o.NonFiniteLearningRateFactor,
            MaxNonFiniteRetries = o.MaxNonFiniteRetries,
        };
        config.Validate();
        return config;
    }
}
