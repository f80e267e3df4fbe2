namespace P2Gan.Native;

// Mirrors of the #define and enum values of p2gan.h. The header is the source of truth;
// HeaderBindingConsistencyTests checks the ABI version and the struct sizes against it.

/// <summary>ABI facts the managed side was written against.</summary>
public static class NativeAbi
{
    /// <summary>P2GAN_ABI_VERSION this binding was written for; the loader refuses any other.</summary>
    public const uint AbiVersion = 2;

    /// <summary>Base name passed to LibraryImport; the resolver maps it to the platform file name.</summary>
    public const string LibraryName = "p2gan";

    /// <summary>Size of p2gan_model_params.device including the terminating NUL.</summary>
    public const int DeviceNameCapacity = 32;
}

/// <summary>p2gan_status values.</summary>
public enum NativeStatusCode
{
    Ok = 0,
    InvalidArgument = 1,
    NonFiniteInput = 2,
    NonFiniteLoss = 3,
    IOError = 4,
    CheckpointMismatch = 5,
    DeviceError = 6,
    InternalError = 7,
}

/// <summary>P2GAN_ADAIN_* values.</summary>
public enum NativeAdainMode
{
    Statistics = 0,
    Affine = 1,
}

/// <summary>P2GAN_DISTANCE_* values.</summary>
public enum NativeDistanceEstimator
{
    ClosedForm = 0,
    Sampled = 1,
}

/// <summary>P2GAN_PRECISION_* values.</summary>
public enum NativePrecision
{
    Float32 = 0,
    BFloat16Autocast = 1,
}

/// <summary>P2GAN_MEMORY_FORMAT_* values.</summary>
public enum NativeMemoryFormat
{
    Contiguous = 0,
    ChannelsLast = 1,
}

/// <summary>P2GAN_KERNELS_* values.</summary>
public enum NativeKernels
{
    Fast = 0,
    Reference = 1,
}

/// <summary>P2GAN_LOG_* values.</summary>
public enum NativeLogLevel
{
    Debug = 0,
    Information = 1,
    Warning = 2,
    Error = 3,
}
