namespace P2Gan.Trainer.Training;

/// <summary>
/// Every training setting after presets and defaults were applied; written to config.json and
/// into each checkpoint's host state. Property names match <see cref="TrainOptions"/>, so the
/// file can be fed back with --config.
/// </summary>
public sealed record ResolvedTrainConfig
{
    public required string Dataset { get; init; }
    public required string Preset { get; init; }
    public required int Steps { get; init; }
    public required int BatchSize { get; init; }
    public required int Resolution { get; init; }
    public required int Channels { get; init; }
    public required int BaseChannels { get; init; }
    public required int NoiseDim { get; init; }
    public required int PosteriorDim { get; init; }
    public required AdainMode AdainMode { get; init; }
    public required int NDis { get; init; }
    public required int PretrainSteps { get; init; }
    public required float LearningRateD { get; init; }
    public required float LearningRateG { get; init; }
    public required LearningRateSchedule LearningRateSchedule { get; init; }
    public required float EmaDecay { get; init; }
    public required bool EmaWarmup { get; init; }
    public required ulong Seed { get; init; }
    public required int Threads { get; init; }
    public required string Device { get; init; }
    // How the step computes, not what it computes: not 'required', so older checkpoints resume.
    public Precision Precision { get; init; } = Precision.Float32;
    public MemoryFormat MemoryFormat { get; init; } = MemoryFormat.Contiguous;
    public Kernels Kernels { get; init; } = Kernels.Fast;
    public required bool HorizontalFlip { get; init; }
    public required int PrefetchBatches { get; init; }
    public required int DecodeThreads { get; init; }
    public required bool StrictDataset { get; init; }
    public required string RunDir { get; init; }
    public required int LogEvery { get; init; }
    public required int SampleEvery { get; init; }
    public required int CheckpointEvery { get; init; }
    public required int KeepCheckpoints { get; init; }
    public required int EvalEvery { get; init; }
    // The evaluation settings are not 'required': checkpoints written before they existed still resume.
    public bool EvalAtEnd { get; init; }
    public int EvalSamples { get; init; } = TrainEvaluation.DefaultSamples;
    public string BestMetric { get; init; } = TrainEvaluation.DefaultBestMetric;
    public string? InceptionWeights { get; init; }
    public string? EvalCacheDir { get; init; }
    public required float NonFiniteLearningRateFactor { get; init; }
    public required int MaxNonFiniteRetries { get; init; }

    /// <summary>The model configuration: native defaults overridden by these settings.</summary>
    public ModelOptions ToModelOptions() => new()
    {
        Resolution = Resolution,
        Channels = Channels,
        BaseChannels = BaseChannels,
        NoiseDim = NoiseDim,
        PosteriorDim = PosteriorDim,
        AdainMode = AdainMode,
        NDis = NDis,
        PretrainSteps = PretrainSteps,
        LearningRateD = LearningRateD,
        LearningRateG = LearningRateG,
        EmaDecay = EmaDecay,
        IntraOpThreads = Threads,
        Seed = Seed,
        Device = Device,
        Precision = Precision,
        MemoryFormat = MemoryFormat,
        Kernels = Kernels,
    };
}
