namespace P2Gan;

// One exception type per p2gan_status, all under P2GanException, so callers can catch
// the whole family or one failure kind. The library creates them only in
// NativeStatus.ThrowIfFailed and the library resolver; the constructors are public so that
// callers can throw them from fakes in their own tests.
// Namespace P2Gan (not P2Gan.Native), although they live in the bindings assembly: a caller of
// the SDK catches them with `using P2Gan;` alone.

/// <summary>A native P2GAN call failed; <see cref="Status"/> is the p2gan_status it returned.</summary>
/// <remarks>The message is the native library's own (p2gan_last_error) when it gave one.
/// Catch this type for every failure of the native core, or a subclass for one kind.</remarks>
public class P2GanException : Exception
{
    /// <summary>A failure with the given native status and message.</summary>
    /// <param name="status">The p2gan_status the native call returned.</param>
    /// <param name="message">The native message, or a description when there was none.</param>
    public P2GanException(StatusCode status, string message) : base(message)
    {
        Status = status;
    }

    /// <summary>A failure that did not come from a native status (for example an ABI
    /// mismatch found by the library resolver); <see cref="Status"/> is
    /// <see cref="StatusCode.InternalError"/>.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="inner">The exception that caused it, if any.</param>
    public P2GanException(string message, Exception? inner = null) : base(message, inner)
    {
        Status = StatusCode.InternalError;
    }

    /// <summary>The p2gan_status of the failed call; <see cref="StatusCode.InternalError"/>
    /// for failures detected on the managed side.</summary>
    public StatusCode Status { get; }
}

/// <summary>P2GAN_STATUS_INVALID_ARGUMENT: null pointer, bad size, shape or value, or a model
/// too large for the machine's memory. Nothing was changed.</summary>
/// <param name="message">The native message, which names the offending argument.</param>
public sealed class P2GanInvalidArgumentException(string message)
    : P2GanException(StatusCode.InvalidArgument, message);

/// <summary>P2GAN_STATUS_NON_FINITE_INPUT or P2GAN_STATUS_NON_FINITE_LOSS; see <see cref="P2GanException.Status"/>
/// and <see cref="IsLoss"/>.</summary>
/// <param name="status"><see cref="StatusCode.NonFiniteInput"/> or <see cref="StatusCode.NonFiniteLoss"/>.</param>
/// <param name="message">The native message.</param>
public sealed class P2GanNonFiniteException(StatusCode status, string message)
    : P2GanException(status, message)
{
    /// <summary>True when a loss (not an input) was non-finite; no weight was updated then.</summary>
    public bool IsLoss => Status == StatusCode.NonFiniteLoss;
}

/// <summary>P2GAN_STATUS_IO_ERROR: file missing, unreadable or not writable.</summary>
/// <param name="message">The native message, which names the file.</param>
public sealed class P2GanIOException(string message)
    : P2GanException(StatusCode.IoError, message);

/// <summary>P2GAN_STATUS_CHECKPOINT_MISMATCH: checkpoint made for another architecture or ABI,
/// or of an unknown format.</summary>
/// <param name="message">The native message, which names the differing setting.</param>
public sealed class P2GanCheckpointMismatchException(string message)
    : P2GanException(StatusCode.CheckpointMismatch, message);

/// <summary>P2GAN_STATUS_DEVICE_ERROR: requested device unavailable (e.g. "cuda" without a GPU).</summary>
/// <param name="message">The native message.</param>
public sealed class P2GanDeviceException(string message)
    : P2GanException(StatusCode.DeviceError, message);

/// <summary>P2GAN_STATUS_INTERNAL_ERROR or an unknown status: a bug in the native core.</summary>
/// <param name="status">The status the native call returned.</param>
/// <param name="message">The native message.</param>
public sealed class P2GanInternalException(StatusCode status, string message)
    : P2GanException(status, message);

/// <summary>The loaded native library implements another ABI version than this binding;
/// thrown before any other native call is made.</summary>
/// <param name="message">Both versions and the path of the library that was loaded.</param>
public sealed class P2GanAbiMismatchException(string message) : P2GanException(message);
