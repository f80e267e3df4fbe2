namespace P2Gan.Trainer.Training;

/// <summary>
/// Options of 'p2gan train', bound from (later wins) an optional JSON file, P2GAN_*
/// environment variables and the command line. Nullable fields fall back to the preset
/// (see <see cref="TrainPresets"/>) or, for model fields no preset sets, to the native defaults.
/// </summary>
public sealed class TrainOptions
{
    /// <summary>"fashion-mnist:&lt;directory&gt;".</summary>
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
    /// <summary>0 = no EMA generator.</summary>
    public float? EmaDecay { get; set; }
    public ulong Seed { get; set; } = 1;
    /// <summary>LibTorch intra-op threads; 0 leaves LibTorch's default.</summary>
    public int Threads { get; set; }
    public string Device { get; set; } = "cpu";
    /// <summary>Defaults to runs/&lt;yyyyMMdd-HHmmss&gt;.</summary>
    public string? RunDir { get; set; }
    public int LogEvery { get; set; } = 50;
    public int SampleEvery { get; set; } = 500;
}
