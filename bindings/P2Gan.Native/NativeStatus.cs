using System.Runtime.InteropServices;

namespace P2Gan.Native;

/// <summary>The single place that turns a p2gan_status into a typed exception.</summary>
internal static class NativeStatus
{
    /// <summary>Throws the exception matching <paramref name="status"/>, carrying p2gan_last_error().</summary>
    /// <remarks>Must run on the thread that made the failing call, before any other p2gan_
    /// call on it: the native message is thread-local and overwritten by the next call.</remarks>
    public static void ThrowIfFailed(int status)
    {
        if (status == (int)StatusCode.Ok)
        {
            return;
        }
        throw Create(status, LastError());
    }

    /// <summary>The calling thread's last native error message ("" when none).</summary>
    public static string LastError()
    {
        nint message = NativeMethods.p2gan_last_error();
        return message == 0 ? string.Empty : Marshal.PtrToStringUTF8(message) ?? string.Empty;
    }

    internal static P2GanException Create(int status, string nativeMessage)
    {
        var code = (StatusCode)status;
        string message = string.IsNullOrEmpty(nativeMessage)
            ? $"p2gan call failed with status {code} ({status}) and no message."
            : nativeMessage;
        return code switch
        {
            StatusCode.InvalidArgument => new P2GanInvalidArgumentException(message),
            StatusCode.NonFiniteInput or StatusCode.NonFiniteLoss => new P2GanNonFiniteException(code, message),
            StatusCode.IoError => new P2GanIOException(message),
            StatusCode.CheckpointMismatch => new P2GanCheckpointMismatchException(message),
            StatusCode.DeviceError => new P2GanDeviceException(message),
            _ => new P2GanInternalException(code, message),
        };
    }
}
