using Microsoft.Extensions.Logging;

namespace P2Gan.Tests.Datasets;

/// <summary>Keeps the formatted warnings written to it.</summary>
internal sealed class ListLogger : ILogger
{
    private readonly List<string> _warnings = [];

    public IReadOnlyList<string> Warnings { get { lock (_warnings) return _warnings.ToList(); } }

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (logLevel == LogLevel.Warning) lock (_warnings) _warnings.Add(formatter(state, exception));
    }
}
