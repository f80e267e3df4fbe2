using P2Gan.Native;

namespace P2Gan;

/// <summary>
/// Configuration of a P2GAN model. A new instance holds the native defaults
/// (p2gan_model_default_params), so the native core is the single source of truth.
/// Values are validated by the native core when the model is created.
/// </summary>
public sealed class ModelOptions
{
    /// <summary>Options filled with the native defaults.</summary>
    public ModelOptions() : this(NativeMethods.p2gan_model_default_params())
    {
    }

    internal ModelOptions(in NativeModelParams p)
    {
        Resolution = p.Resolution;
        Channels = p.Channels;
        BaseChannels = p.BaseChannels;
        NoiseDim = p.NoiseDim;
        PosteriorDim = p.PosteriorDim;
        AdainMode = (AdainMode)p.AdainMode;
        DistanceEstimator = (DistanceEstimator)p.DistanceEstimator;
        MuA = p.MuA;
        SigmaA = p.SigmaA;
        MuB = p.MuB;
        SigmaB = p.SigmaB;
        LambdaZ = p.LambdaZ;
        LearningRateD = p.LearningRateD;
        LearningRateG = p.LearningRateG;
        Beta1 = p.Beta1;
        Beta2 = p.Beta2;
        NDis = p.NDis;
        PretrainSteps = p.PretrainSteps;
        EmaDecay = p.EmaDecay;
        IntraOpThreads = p.IntraOpThreads;
        Seed = p.Seed;
        Device = p.GetDevice();
        Precision = (Precision)p.Precision;
        MemoryFormat = (MemoryFormat)p.MemoryFormat;
        Kernels = (Kernels)p.Kernels;
    }

    /// <summary>Image side: 32, 64 or 128.</summary>
    public int Resolution { get; set; }
    /// <summary>Image channels: 1 or 3.</summary>
    public int Channels { get; set; }
    /// <summary>c in the paper (64 there).</summary>
    public int BaseChannels { get; set; }
    /// <summary>n, the noise dimension.</summary>
    public int NoiseDim { get; set; }
    /// <summary>d, the posterior dimension.</summary>
    public int PosteriorDim { get; set; }
    public AdainMode AdainMode { get; set; }
    public DistanceEstimator DistanceEstimator { get; set; }
    /// <summary>Fake prior P_a = N(MuA, SigmaA^2).</summary>
    public float MuA { get; set; }
    public float SigmaA { get; set; }
    /// <summary>Real prior P_b = N(MuB, SigmaB^2).</summary>
    public float MuB { get; set; }
    public float SigmaB { get; set; }
    /// <summary>Weight of L_z in L_G.</summary>
    public float LambdaZ { get; set; }
    public float LearningRateD { get; set; }
    public float LearningRateG { get; set; }
    public float Beta1 { get; set; }
    public float Beta2 { get; set; }
    /// <summary>D steps per G step (at least 1).</summary>
    public int NDis { get; set; }
    /// <summary>The first steps update D only.</summary>
    public int PretrainSteps { get; set; }
    /// <summary>EMA decay of G: 0 = off, else in (0, 1).</summary>
    public float EmaDecay { get; set; }
    /// <summary>0 leaves LibTorch's default.</summary>
    public int IntraOpThreads { get; set; }
    /// <summary>All randomness of the model derives from it.</summary>
    public ulong Seed { get; set; }
    /// <summary>"cpu", "cuda", "cuda:1".</summary>
    public string Device { get; set; }
    /// <summary>Arithmetic of the train step (bf16 autocast on CUDA only); not stored as part of the model.</summary>
    public Precision Precision { get; set; }
    /// <summary>Activation layout inside the networks; not stored as part of the model.</summary>
    public MemoryFormat MemoryFormat { get; set; }
    /// <summary>Fast (default) or the reference operations the fast paths are tested against.</summary>
    public Kernels Kernels { get; set; }

    /// <summary>C * H * W of one image.</summary>
    public long ImageElementCount => (long)Channels * Resolution * Resolution;

    public ModelOptions Clone() => new(ToNative());

    internal NativeModelParams ToNative()
    {
        // Start from the native defaults so struct_size (and any field added later with a
        // default) is right even if this class lags behind the header.
        NativeModelParams p = NativeMethods.p2gan_model_default_params();
        p.Resolution = Resolution;
        p.Channels = Channels;
        p.BaseChannels = BaseChannels;
        p.NoiseDim = NoiseDim;
        p.PosteriorDim = PosteriorDim;
        p.AdainMode = (int)AdainMode;
        p.DistanceEstimator = (int)DistanceEstimator;
        p.MuA = MuA;
        p.SigmaA = SigmaA;
        p.MuB = MuB;
        p.SigmaB = SigmaB;
        p.LambdaZ = LambdaZ;
        p.LearningRateD = LearningRateD;
        p.LearningRateG = LearningRateG;
        p.Beta1 = Beta1;
        p.Beta2 = Beta2;
        p.NDis = NDis;
        p.PretrainSteps = PretrainSteps;
        p.EmaDecay = EmaDecay;
        p.IntraOpThreads = IntraOpThreads;
        p.Seed = Seed;
        p.SetDevice(Device ?? throw new ArgumentException("Device must not be null.", nameof(Device)));
        p.Precision = (int)Precision;
        p.MemoryFormat = (int)MemoryFormat;
        p.Kernels = (int)Kernels;
        return p;
    }
}
