using Microsoft.Extensions.Logging;
using P2Gan.Native;

namespace P2Gan;

/// <summary>Sends the native core's log messages to an <see cref="ILogger"/>.</summary>
public static class P2GanNativeLogging
{
    /// <summary>Routes native messages to <paramref name="logger"/>; null restores the native default (stderr).</summary>
    public static void UseLogger(ILogger? logger)
    {
        if (logger is null)
        {
            NativeLog.SetSink(null);
            return;
        }
        NativeLog.SetSink((level, message) => logger.Log(ToLogLevel(level), "{NativeMessage}", message));
    }

    /// <summary>Routes native messages to any callback; null restores the native default.</summary>
    public static void UseCallback(Action<NativeLogLevel, string>? callback) => NativeLog.SetSink(callback);

    private static LogLevel ToLogLevel(NativeLogLevel level) => level switch
    {
        NativeLogLevel.Debug => LogLevel.Debug,
        NativeLogLevel.Information => LogLevel.Information,
        NativeLogLevel.Warning => LogLevel.Warning,
        _ => LogLevel.Error,
    };
}
