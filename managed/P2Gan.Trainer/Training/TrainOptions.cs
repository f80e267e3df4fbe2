using System.ComponentModel;

namespace P2Gan.Trainer.Training;

/// <summary>
/// The trainer's own options of 'p2gan train', bound from (later wins) an optional JSON file,
/// P2GAN_* environment variables and the command line. The model and runtime settings
/// (<see cref="ModelOptions.Settings"/>, <see cref="RuntimeOptions.Settings"/>) are bound by
/// <see cref="SettingsBinding"/> from the same sources under the same flat names
/// (--lambda-z, --device, ...); nullable fields fall back to the preset (<see cref="TrainPresets"/>).
/// This class is the one declaration of these options: each property becomes the option
/// --&lt;kebab-case name&gt; of 'p2gan train' (<see cref="OptionNames.Kebab"/>), its [Description] the
/// help text; the default shown in help is the resolved value of a run without options. The defaults
/// themselves are the SDK's (<see cref="TrainingConfig.FromPreset"/>), declared there once.
/// </summary>
public sealed class TrainOptions
{
    private static readonly TrainingConfig Defaults = TrainingConfig.FromPreset(TrainPresets.CpuSmallName, TrainingConfig.DefaultDataset, "");

    [Description("The training images, \"kind:location\", e.g. \"fashion-mnist:<directory>\" or \"synthetic:256\".")]
    public string Dataset { get; set; } = Defaults.Dataset;
    [Description("Steps, batch size, evaluation and model settings to start from: cpu-small or paper.")]
    public string Preset { get; set; } = Defaults.Preset;
    [Description("Training steps (one D and one G update each); from the preset when not given.")]
    public int? Steps { get; set; }
    [Description("Images per step; from the preset when not given.")]
    public int? BatchSize { get; set; }
    [Description("Learning rates: Constant, or Linear decay to 0 at the last step.")]
    public LearningRateSchedule LearningRateSchedule { get; set; } = Defaults.LearningRateSchedule;
    [Description("Ramp the EMA decay up as min(EmaDecay, (1+step)/(10+step)).")]
    public bool EmaWarmup { get; set; } = Defaults.EmaWarmup;
    [Description("Mirror half of the training images left-right.")]
    public bool HorizontalFlip { get; set; } = Defaults.HorizontalFlip;
    [Description("Batches the loader prepares ahead.")]
    public int PrefetchBatches { get; set; } = Defaults.PrefetchBatches;
    [Description("Loader threads that decode one batch; 0 = one per processor.")]
    public int DecodeThreads { get; set; } = Defaults.DecodeThreads;
    [Description("Fail on the first undecodable image instead of replacing it.")]
    public bool StrictDataset { get; set; } = Defaults.StrictDataset;
    [Description("The run folder: samples, metrics, checkpoints.")]
    public string? RunDir { get; set; }
    [Description("Log one progress line every N steps.")]
    public int LogEvery { get; set; } = Defaults.LogEvery;
    [Description("Write a grid of samples every N steps.")]
    public int SampleEvery { get; set; } = Defaults.SampleEvery;
    [Description("Write a checkpoint every N steps.")]
    public int CheckpointEvery { get; set; } = Defaults.CheckpointEvery;
    [Description("step_*.ckpt files kept (the newest); 0 keeps all. final.ckpt is not counted.")]
    public int KeepCheckpoints { get; set; } = Defaults.KeepCheckpoints;
    [Description("Evaluate (FID/KID/precision/recall) every N steps and at the end; 0 = never during the run.")]
    public int EvalEvery { get; set; } = Defaults.EvalEvery;
    [Description("Evaluate once at the end of the run; from the preset when not given.")]
    public bool? EvalAtEnd { get; set; }
    [Description("Generated images per evaluation (real images: min(N, test split size)).")]
    public int EvalSamples { get; set; } = Defaults.EvalSamples;
    [Description("Metric that chooses checkpoints/best.ckpt: fmnist_fid, fid, kid_mean (lower is better), precision, recall (higher is better).")]
    public string BestMetric { get; set; } = Defaults.BestMetric;
    [Description("FID Inception-v3 weights; evaluation of datasets other than (Fashion-)MNIST needs them.")]
    public string? InceptionWeights { get; set; }
    [Description("Classifier and real-statistics cache.")]
    public string? EvalCacheDir { get; set; }
    [Description("How the Inception network resizes fakes and reals to 299x299: pytorch-fid (pytorch-fid 0.3.0's bilinear) or clean (clean-fid 0.1.35's \"clean\" mode).")]
    public string EvalResize { get; set; } = Defaults.EvalResize;
    [Description("Where the evaluation's samples take their codes: Aggregate (a Gaussian fitted to the posteriors of the training images), Posterior (those of random training images) or Prior (P_c); docs/results.md.")]
    public P2Gan.Sampling.CodeSource EvalCodes { get; set; } = Defaults.EvalCodes;
    [Description("Learning-rate multiplier applied at each roll-back after a non-finite loss.")]
    public float NonFiniteLearningRateFactor { get; set; } = Defaults.NonFiniteLearningRateFactor;
    [Description("Roll-backs allowed in a run before it stops with an error.")]
    public int MaxNonFiniteRetries { get; set; } = Defaults.MaxNonFiniteRetries;
    [Description("A run folder (its newest complete checkpoint) or a .ckpt file to continue from.")]
    public string? Resume { get; set; }
}
