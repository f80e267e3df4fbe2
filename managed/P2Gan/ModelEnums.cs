using P2Gan.Native;

namespace P2Gan;

/// <summary>How each posterior module drives its AdaIN layer.</summary>
public enum AdainMode
{
    /// <summary>Paper: style map C x 4 x 4, its per-channel mean and std.</summary>
    Statistics = NativeAdainMode.Statistics,
    /// <summary>Per-channel gain and bias directly.</summary>
    Affine = NativeAdainMode.Affine,
}

/// <summary>Estimator of the distance between two diagonal Gaussians.</summary>
public enum DistanceEstimator
{
    /// <summary>(mu1-mu2)^2 + (s1-s2)^2, mean over dims.</summary>
    ClosedForm = NativeDistanceEstimator.ClosedForm,
    /// <summary>(a1-a2)^2 with a shared e ~ N(0,1) per element.</summary>
    Sampled = NativeDistanceEstimator.Sampled,
}

/// <summary>Arithmetic of the train step's forward passes.</summary>
public enum Precision
{
    /// <summary>Everything in float32.</summary>
    Float32 = NativePrecision.Float32,
    /// <summary>bf16 autocast of the forward passes; CUDA devices only.</summary>
    BFloat16Autocast = NativePrecision.BFloat16Autocast,
}

/// <summary>Layout of the activations inside the networks.</summary>
public enum MemoryFormat
{
    /// <summary>NCHW.</summary>
    Contiguous = NativeMemoryFormat.Contiguous,
    /// <summary>NHWC (channels_last).</summary>
    ChannelsLast = NativeMemoryFormat.ChannelsLast,
}

/// <summary>Which implementation of the train step's heavy operations runs.</summary>
public enum Kernels
{
    /// <summary>The optimized paths (docs/benchmarks.md).</summary>
    Fast = NativeKernels.Fast,
    /// <summary>The straightforward LibTorch operations; the same results to float rounding.</summary>
    Reference = NativeKernels.Reference,
}
