namespace P2Gan.Trainer.Training;

/// <summary>
/// Options of 'p2gan train', bound from (later wins) an optional JSON file, P2GAN_*
/// environment variables and the command line. Nullable fields fall back to the preset
/// (see <see cref="TrainPresets"/>) or, for model fields no preset sets, to the native defaults.
/// docs/training.md describes each one.
/// </summary>
public sealed class TrainOptions
{
    /// <summary>"kind:location", e.g. "fashion-mnist:&lt;directory&gt;" or "synthetic:256".</summary>
    public string Dataset { get; set; } = "fashion-mnist:/usr/share/datasets/fashion-mnist";
    /// <summary>"cpu-small" or "paper".</summary>
    public string Preset { get; set; } = TrainPresets.CpuSmallName;
    public int? Steps { get; set; }
    public int? BatchSize { get; set; }
    public int? Resolution { get; set; }
    /// <summary>Image channels; defaults to the dataset's.</summary>
    public int? Channels { get; set; }
    public int? BaseChannels { get; set; }
    public int? NoiseDim { get; set; }
    public int? PosteriorDim { get; set; }
    public AdainMode? AdainMode { get; set; }
    public int? NDis { get; set; }
    public int? PretrainSteps { get; set; }
    public float? LearningRateD { get; set; }
    public float? LearningRateG { get; set; }
    public LearningRateSchedule LearningRateSchedule { get; set; } = LearningRateSchedule.Constant;
    /// <summary>0 = no EMA generator.</summary>
    public float? EmaDecay { get; set; }
    /// <summary>Ramp the EMA decay up as min(EmaDecay, (1+step)/(10+step)).</summary>
    public bool EmaWarmup { get; set; } = true;
    public ulong Seed { get; set; } = 1;
    /// <summary>LibTorch intra-op threads; 0 = one per hardware thread (OpenBLAS is set to 1).</summary>
    public int Threads { get; set; }
    public string Device { get; set; } = "cpu";
    /// <summary>Float32 or BFloat16Autocast (CUDA only).</summary>
    public Precision Precision { get; set; } = Precision.Float32;
    /// <summary>Contiguous or ChannelsLast activations.</summary>
    public MemoryFormat MemoryFormat { get; set; } = MemoryFormat.Contiguous;
    /// <summary>Fast (default) or Reference: the plain LibTorch operations the fast paths are tested against.</summary>
    public Kernels Kernels { get; set; } = Kernels.Fast;
    /// <summary>Mirror half of the training images left-right.</summary>
    public bool HorizontalFlip { get; set; }
    /// <summary>Batches the loader prepares ahead.</summary>
    public int PrefetchBatches { get; set; } = 4;
    /// <summary>Loader threads that decode one batch; 0 = one per processor.</summary>
    public int DecodeThreads { get; set; } = 1;
    /// <summary>Fail on the first undecodable image instead of replacing it.</summary>
    public bool StrictDataset { get; set; }
    /// <summary>Defaults to runs/&lt;yyyyMMdd-HHmmss&gt;.</summary>
    public string? RunDir { get; set; }
    public int LogEvery { get; set; } = 50;
    public int SampleEvery { get; set; } = 500;
    public int CheckpointEvery { get; set; } = 500;
    /// <summary>step_*.ckpt files kept (the newest); 0 keeps all. final.ckpt is not counted.</summary>
    public int KeepCheckpoints { get; set; } = 3;
    /// <summary>Evaluate (FID/KID/precision/recall) every N steps and at the end; 0 = never during the run.</summary>
    public int EvalEvery { get; set; }
    /// <summary>Evaluate once at the end of the run; defaults to the preset's (cpu-small: true).</summary>
    public bool? EvalAtEnd { get; set; }
    /// <summary>Generated images per evaluation (real images: min(N, test split size)).</summary>
    public int EvalSamples { get; set; } = TrainEvaluation.DefaultSamples;
    /// <summary>Metric that chooses checkpoints/best.ckpt: fmnist_fid, fid, kid_mean (lower is better), precision, recall (higher is better).</summary>
    public string BestMetric { get; set; } = TrainEvaluation.DefaultBestMetric;
    /// <summary>FID Inception-v3 weights; evaluation of datasets other than (Fashion-)MNIST needs them.</summary>
    public string? InceptionWeights { get; set; }
    /// <summary>Classifier and real-statistics cache; defaults to $P2GAN_CACHE_DIR or ~/.cache/p2gan.</summary>
    public string? EvalCacheDir { get; set; }
    /// <summary>Learning-rate multiplier applied at each roll-back after a non-finite loss.</summary>
    public float NonFiniteLearningRateFactor { get; set; } = 0.5f;
    /// <summary>Roll-backs allowed in a run before it stops with an error.</summary>
    public int MaxNonFiniteRetries { get; set; } = 3;
    /// <summary>A run folder (its newest complete checkpoint) or a .ckpt file to continue from.</summary>
    public string? Resume { get; set; }
}
