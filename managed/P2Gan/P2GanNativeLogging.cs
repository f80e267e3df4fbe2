using Microsoft.Extensions.Logging;
using P2Gan.Native;

namespace P2Gan;

/// <summary>Sends the native core's log messages to an <see cref="ILogger"/> or a callback.</summary>
/// <remarks>The setting is process-wide (one sink for every model). Without one, the native core
/// writes warnings and errors to stderr. The sink is called on whichever thread made the native
/// call, possibly on several threads at once, so it must be thread-safe; an exception it throws
/// is swallowed (it must not unwind into native code).</remarks>
public static class P2GanNativeLogging
{
    /// <summary>Routes native messages to <paramref name="logger"/> (level mapped to <see cref="LogLevel"/>,
    /// text as the structured property NativeMessage); null restores the native default (stderr).</summary>
    /// <exception cref="DllNotFoundException">The native library cannot be loaded.</exception>
    public static void UseLogger(ILogger? logger)
    {
        if (logger is null)
        {
            NativeLog.SetSink(null);
            return;
        }
        NativeLog.SetSink((level, message) => logger.Log(ToLogLevel(level), "{NativeMessage}", message));
    }

    /// <summary>Routes native messages to <paramref name="callback"/> (level, message text); null restores
    /// the native default (stderr).</summary>
    /// <exception cref="DllNotFoundException">The native library cannot be loaded.</exception>
    public static void UseCallback(Action<NativeLogLevel, string>? callback) => NativeLog.SetSink(callback);

    private static LogLevel ToLogLevel(NativeLogLevel level) => level switch
    {
        NativeLogLevel.Debug => LogLevel.Debug,
        NativeLogLevel.Information => LogLevel.Information,
        NativeLogLevel.Warning => LogLevel.Warning,
        _ => LogLevel.Error,
    };
}
