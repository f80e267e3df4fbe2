namespace P2Gan.Trainer.Training;

/// <summary>Applies the preset and the native defaults to <see cref="TrainOptions"/> and validates the result.</summary>
public static class TrainConfigResolver
{
    /// <param name="datasetChannels">Channels of the dataset, the default for <see cref="TrainOptions.Channels"/>.</param>
    /// <param name="now">Used for the default run folder name.</param>
    public static ResolvedTrainConfig Resolve(TrainOptions o, int datasetChannels, DateTime now)
    {
        TrainPreset preset = TrainPresets.Get(o.Preset);
        var defaults = new ModelOptions(); // native defaults for fields no preset sets
        var config = new ResolvedTrainConfig
        {
            Dataset = o.Dataset,
            Preset = preset.Name,
            Steps = o.Steps ?? preset.Steps,
            BatchSize = o.BatchSize ?? preset.BatchSize,
            Resolution = o.Resolution ?? preset.Resolution,
            Channels = o.Channels ?? datasetChannels,
            BaseChannels = o.BaseChannels ?? preset.BaseChannels,
            NoiseDim = o.NoiseDim ?? preset.NoiseDim,
            PosteriorDim = o.PosteriorDim ?? preset.PosteriorDim,
            AdainMode = o.AdainMode ?? defaults.AdainMode,
            NDis = o.NDis ?? defaults.NDis,
            PretrainSteps = o.PretrainSteps ?? defaults.PretrainSteps,
            LearningRateD = o.LearningRateD ?? preset.LearningRateD,
            LearningRateG = o.LearningRateG ?? preset.LearningRateG,
            EmaDecay = o.EmaDecay ?? defaults.EmaDecay,
            Seed = o.Seed,
            Threads = o.Threads,
            Device = o.Device,
            RunDir = string.IsNullOrWhiteSpace(o.RunDir) ? Path.Combine("runs", now.ToString("yyyyMMdd-HHmmss")) : o.RunDir,
            LogEvery = o.LogEvery,
            SampleEvery = o.SampleEvery,
        };
        Validate(config, datasetChannels);
        return config;
    }

    // Checks the trainer's own settings; model settings are checked by the native core.
    private static void Validate(ResolvedTrainConfig c, int datasetChannels)
    {
        Require(c.Steps >= 0, nameof(c.Steps), c.Steps, "must be >= 0");
        Require(c.BatchSize > 0, nameof(c.BatchSize), c.BatchSize, "must be > 0");
        Require(c.LogEvery > 0, nameof(c.LogEvery), c.LogEvery, "must be > 0");
        Require(c.SampleEvery > 0, nameof(c.SampleEvery), c.SampleEvery, "must be > 0");
        Require(c.Threads >= 0, nameof(c.Threads), c.Threads, "must be >= 0 (0 = LibTorch default)");
        Require(c.Channels == datasetChannels, nameof(c.Channels), c.Channels,
            $"must match the dataset, which has {datasetChannels} channel(s)");
        Require(Enum.IsDefined(c.AdainMode), nameof(c.AdainMode), c.AdainMode, "must be Statistics or Affine");
    }

    private static void Require(bool ok, string name, object value, string rule)
    {
        if (!ok) throw new ArgumentException($"invalid {name} = {value}: {rule}.");
    }
}
