namespace P2Gan.Trainer.Training;

/// <summary>
/// The trainer's own options of 'p2gan train', bound from (later wins) an optional JSON file,
/// P2GAN_* environment variables and the command line. The model and runtime settings
/// (<see cref="ModelOptions.Settings"/>, <see cref="RuntimeOptions.Settings"/>) are bound by
/// <see cref="SettingsBinding"/> from the same sources under the same flat names
/// (--LambdaZ, --Device, ...); nullable fields fall back to the preset (<see cref="TrainPresets"/>).
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
    public LearningRateSchedule LearningRateSchedule { get; set; } = LearningRateSchedule.Constant;
    /// <summary>Ramp the EMA decay up as min(EmaDecay, (1+step)/(10+step)).</summary>
    public bool EmaWarmup { get; set; } = true;
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
