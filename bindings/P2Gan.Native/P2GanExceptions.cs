namespace P2Gan.Native;

// One exception type per p2gan_status, all under P2GanException, so callers can catch
// the whole family or one failure kind. Created only by NativeStatus.ThrowIfFailed.

/// <summary>A native P2GAN call failed; <see cref="Status"/> is the p2gan_status it returned.</summary>
public class P2GanException : Exception
{
    public P2GanException(StatusCode status, string message) : base(message)
    {
        Status = status;
    }

    public P2GanException(string message, Exception? inner = null) : base(message, inner)
    {
        Status = StatusCode.InternalError;
    }

    public StatusCode Status { get; }
}

/// <summary>P2GAN_STATUS_INVALID_ARGUMENT: null pointer, bad size, shape or value.</summary>
public sealed class P2GanInvalidArgumentException(string message)
    : P2GanException(StatusCode.InvalidArgument, message);

/// <summary>P2GAN_STATUS_NON_FINITE_INPUT or P2GAN_STATUS_NON_FINITE_LOSS; see <see cref="P2GanException.Status"/>.</summary>
public sealed class P2GanNonFiniteException(StatusCode status, string message)
    : P2GanException(status, message)
{
    /// <summary>True when a loss (not an input) was non-finite; no weight was updated then.</summary>
    public bool IsLoss => Status == StatusCode.NonFiniteLoss;
}

/// <summary>P2GAN_STATUS_IO_ERROR: file missing, unreadable or not writable.</summary>
public sealed class P2GanIOException(string message)
    : P2GanException(StatusCode.IoError, message);

/// <summary>P2GAN_STATUS_CHECKPOINT_MISMATCH: checkpoint made for another architecture or ABI.</summary>
public sealed class P2GanCheckpointMismatchException(string message)
    : P2GanException(StatusCode.CheckpointMismatch, message);

/// <summary>P2GAN_STATUS_DEVICE_ERROR: requested device unavailable.</summary>
public sealed class P2GanDeviceException(string message)
    : P2GanException(StatusCode.DeviceError, message);

/// <summary>P2GAN_STATUS_INTERNAL_ERROR or an unknown status: a bug in the native core.</summary>
public sealed class P2GanInternalException(StatusCode status, string message)
    : P2GanException(status, message);

/// <summary>The loaded native library implements another ABI version than this binding.</summary>
public sealed class P2GanAbiMismatchException(string message) : P2GanException(message);
