using Microsoft.Extensions.Logging;

namespace P2Gan.Training;

/// <summary>The checkpoint and run folder named by --resume.</summary>
/// <param name="Unusable">Checkpoints of the folder that were skipped because they do not read or load
/// (newer than <paramref name="CheckpointPath"/>); they are kept as they are, and the run leaves them
/// alone (no rotation, no setting aside) until it would write a file of the same name.</param>
/// <param name="Warnings">What the search found wrong, for the run's log.</param>
public sealed record ResumeTarget(string CheckpointPath, string RunDir, TrainingState State)
{
    public IReadOnlyList<string> Unusable { get; init; } = [];
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>
    /// A folder means its newest checkpoint that loads (in FOLDER/checkpoints, or FOLDER itself when
    /// it holds the .ckpt files): newer files that are truncated or corrupt are skipped with a warning;
    /// a file is that checkpoint, and its run folder is the parent of its checkpoints/ folder.
    /// </summary>
    /// <exception cref="ArgumentException">Nothing to resume there.</exception>
    public static ResumeTarget Find(string path, ILogger? logger = null)
    {
        string full = Path.GetFullPath(path);
        if (File.Exists(full))
        {
            string dir = Path.GetDirectoryName(full)!;
            string runDir = Path.GetFileName(dir) == RunFolder.CheckpointsName ? Path.GetDirectoryName(dir)! : dir;
            return new ResumeTarget(full, runDir, TrainingState.Read(full));
        }
        if (!Directory.Exists(full))
        {
            throw new ArgumentException($"invalid Resume '{path}': no such run folder or checkpoint file.");
        }
        string checkpoints = Path.Combine(full, RunFolder.CheckpointsName);
        bool isRunDir = Directory.Exists(checkpoints);
        var store = new CheckpointStore(isRunDir ? checkpoints : full);
        var warnings = new CollectingLogger(logger);
        var unusable = new List<string>();
        var newest = store.NewestLoadable(warnings, unusable)
            ?? throw new ArgumentException($"invalid Resume '{path}': no complete checkpoint that loads in {store.Directory}" +
                (warnings.Messages.Count > 0 ? $" ({string.Join("; ", warnings.Messages)})." : "."));
        string run = isRunDir ? full : (Path.GetFileName(full) == RunFolder.CheckpointsName ? Path.GetDirectoryName(full)! : full);
        return new ResumeTarget(newest.Path, run, newest.State) { Unusable = unusable, Warnings = warnings.Messages };
    }

    /// <summary>Keeps the warnings (to log them once the run's logger exists) and passes them on.</summary>
    private sealed class CollectingLogger(ILogger? inner) : ILogger
    {
        public List<string> Messages { get; } = [];

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception,
            Func<TState, Exception?, string> formatter)
        {
            if (logLevel >= LogLevel.Warning) Messages.Add(formatter(state, exception));
            inner?.Log(logLevel, eventId, state, exception, formatter);
        }
    }
}
