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
