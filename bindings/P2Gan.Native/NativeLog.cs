using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace P2Gan.Native;

/// <summary>
/// Routes native log messages (p2gan_log_set) to one managed sink. The native side may
/// call in from any thread that is inside a p2gan_ call, so the sink must be thread-safe.
/// </summary>
internal static unsafe class NativeLog
{
    private static volatile Action<NativeLogLevel, string>? s_sink;

    /// <summary>Installs <paramref name="sink"/>, or restores the native default (stderr
    /// for warnings and errors) when it is null.</summary>
    public static void SetSink(Action<NativeLogLevel, string>? sink)
    {
        s_sink = sink;
        int status = sink is null
            ? NativeMethods.p2gan_log_set(null, null)
            : NativeMethods.p2gan_log_set(&OnNativeLog, null);
        NativeStatus.ThrowIfFailed(status);
    }

    // Called by native code. An exception must never unwind into C, so everything is caught.
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void OnNativeLog(int level, byte* message, void* userData)
    {
        try
        {
            string text = message == null ? string.Empty : Marshal.PtrToStringUTF8((nint)message) ?? string.Empty;
            s_sink?.Invoke((NativeLogLevel)level, text);
        }
        catch
        {
            // A failing log sink must not take the process down from inside native code.
        }
    }
}
