using Microsoft.Extensions.Logging;

namespace P2Gan.Training;

/// <summary>The checkpoint and run folder a run resumes from (<see cref="Find"/>).</summary>
/// <remarks><see cref="Unusable"/>: checkpoints of the folder that were skipped because they do not read or
/// load (newer than <see cref="CheckpointPath"/>); they are kept as they are, and the run leaves them alone
/// (no rotation, no setting aside) until it would write a file of the same name.</remarks>
/// <param name="CheckpointPath">The checkpoint to continue from, full path.</param>
/// <param name="RunDir">Its run folder, full path.</param>
/// <param name="State">Its training state.</param>
public sealed record ResumeTarget(string CheckpointPath, string RunDir, TrainingState State)
{
    /// <summary>The checkpoints skipped because they do not load (see the remarks).</summary>
    public IReadOnlyList<string> Unusable { get; init; } = [];
    /// <summary>What the search found wrong, for the run's log.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>
    /// A folder means its newest checkpoint that loads (in FOLDER/checkpoints, or FOLDER itself when
    /// it holds the .ckpt files): newer files that are truncated or corrupt are skipped with a warning;
    /// a file is that checkpoint, and its run folder is the parent of its checkpoints/ folder.
    /// </summary>
    /// <exception cref="ArgumentException">Nothing to resume there.</exception>
    /// <param name="path">A run folder or a .ckpt file.</param>
    /// <param name="logger">Receives the warnings as they are found.</param>
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
