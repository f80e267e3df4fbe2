using System.Globalization;
using Microsoft.Extensions.Logging;

namespace P2Gan.Training;

/// <summary>
/// The checkpoints/ folder of a run: step_NNNNNN.ckpt every CheckpointEvery steps (the newest
/// KeepCheckpoints kept), final.ckpt at the end and best.ckpt, the best evaluation so far
/// (never rotated, and never taken for the newest state: it may be older than the last step). The native core writes each file as
/// NAME.tmp, fsyncs and renames it, so a file with the .ckpt name is always complete; a
/// leftover .tmp is the trace of a write that was killed and is deleted here.
/// The store does not interpret the files: where it needs a checkpoint's step it asks the
/// caller (the trainer reads it from the host state it saved with the checkpoint).
/// </summary>
/// <param name="directory">The checkpoints folder (need not exist yet).</param>
public sealed class CheckpointStore(string directory)
{
    /// <summary>File name of the checkpoint written at the end of a run.</summary>
    public const string FinalName = "final.ckpt";
    /// <summary>File name of the checkpoint with the best evaluation so far.</summary>
    public const string BestName = "best.ckpt";
    private const string StepPrefix = "step_";
    private const string Extension = ".ckpt";

    /// <summary>The checkpoints folder, as a full path.</summary>
    public string Directory { get; } = Path.GetFullPath(directory);

    /// <summary>Path of <see cref="FinalName"/>.</summary>
    public string FinalPath => Path.Combine(Directory, FinalName);

    /// <summary>Path of <see cref="BestName"/>.</summary>
    public string BestPath => Path.Combine(Directory, BestName);

    /// <summary>Path of the step checkpoint after <paramref name="step"/> steps (step_NNNNNN.ckpt).</summary>
    public string StepPath(long step) => Path.Combine(Directory, $"{StepPrefix}{step:D6}{Extension}");

    /// <summary>Step checkpoints present, oldest first.</summary>
    public IReadOnlyList<(long Step, string Path)> StepCheckpoints()
    {
        if (!System.IO.Directory.Exists(Directory)) return [];
        var found = new List<(long, string)>();
        foreach (string path in System.IO.Directory.EnumerateFiles(Directory, StepPrefix + "*" + Extension))
        {
            string name = Path.GetFileNameWithoutExtension(path);
            if (long.TryParse(name.AsSpan(StepPrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out long step))
            {
                found.Add((step, path));
            }
        }
        return found.OrderBy(c => c.Item1).ToList();
    }

    /// <summary>Whether any checkpoint exists (a fresh run must not mix into an old one).</summary>
    public bool Any() => StepCheckpoints().Count > 0 || File.Exists(FinalPath);

    /// <summary>
    /// The checkpoint with the most steps whose state reads back; final.ckpt wins a tie.
    /// Unreadable files (<paramref name="readState"/> throws a <see cref="P2GanException"/>,
    /// <see cref="InvalidDataException"/> or <see cref="IOException"/>) are skipped with a warning (they
    /// cannot come from an interrupted write, but a disk can still corrupt them).
    /// </summary>
    /// <typeparam name="TState">What the caller reads from a checkpoint.</typeparam>
    /// <param name="readState">Reads a checkpoint file's state.</param>
    /// <param name="stepOf">The steps completed that a state records.</param>
    /// <param name="logger">Receives the warnings; may be null.</param>
    /// <returns>Null when there is none.</returns>
    public (string Path, TState State)? Newest<TState>(Func<string, TState> readState, Func<TState, long> stepOf, ILogger? logger = null) =>
        Newest(readState, stepOf, verify: null, logger, unusable: null);

    /// <summary>
    /// As <see cref="Newest{TState}(Func{string, TState}, Func{TState, long}, ILogger?)"/>, and the file must
    /// also pass <paramref name="verify"/> (e.g. load the whole model): newest first, a file that fails it
    /// is skipped with a warning naming it and the next older one is tried. Files are never changed here.
    /// </summary>
    /// <param name="readState">Reads a checkpoint file's state.</param>
    /// <param name="stepOf">The steps completed that a state records.</param>
    /// <param name="verify">Throws (as <paramref name="readState"/>) when a file does not load; null: no check.</param>
    /// <param name="logger">Receives the warnings; may be null.</param>
    /// <param name="unusable">Receives the paths skipped as unreadable or not loading; may be null.</param>
    public (string Path, TState State)? Newest<TState>(Func<string, TState> readState, Func<TState, long> stepOf,
        Action<string>? verify, ILogger? logger, ICollection<string>? unusable)
    {
        ArgumentNullException.ThrowIfNull(readState);
        ArgumentNullException.ThrowIfNull(stepOf);
        var candidates = StepCheckpoints().Select(c => c.Path).Reverse().ToList();
        if (File.Exists(FinalPath)) candidates.Insert(0, FinalPath);
        var readable = new List<(string Path, TState State, long Step)>();
        foreach (string path in candidates)
        {
            TState state;
            try
            {
                state = readState(path);
            }
            catch (Exception e) when (IsUnreadable(e))
            {
                logger?.LogWarning("Ignoring unreadable checkpoint {Path}: {Message}", path, e.Message.ReplaceLineEndings(" ").Trim());
                unusable?.Add(path);
                continue;
            }
            readable.Add((path, state, stepOf(state)));
        }
        // Stable: final.ckpt (first among the candidates) wins a tie.
        foreach (var c in readable.OrderByDescending(c => c.Step))
        {
            if (verify is not null)
            {
                try
                {
                    verify(c.Path);
                }
                catch (Exception e) when (IsUnreadable(e))
                {
                    logger?.LogWarning("Ignoring checkpoint {Path}, which does not load (truncated or corrupt?): {Message}; kept as it is",
                        c.Path, e.Message.ReplaceLineEndings(" ").Trim());
                    unusable?.Add(c.Path);
                    continue;
                }
            }
            return (c.Path, c.State);
        }
        return null;
    }

    /// <summary>The newest checkpoint and its step, as <see cref="Newest{TState}(Func{string, TState}, Func{TState, long}, ILogger?)"/> finds it with
    /// <paramref name="readStep"/> reading a file's step.</summary>
    /// <returns>Null when there is none.</returns>
    public (string Path, long Step)? Newest(Func<string, long> readStep, ILogger? logger = null) =>
        Newest(readStep, step => step, logger);

    /// <summary>Deletes *.tmp files left by checkpoint writes that were killed.</summary>
    /// <returns>How many were deleted.</returns>
    public int DeleteLeftoverTemporaries()
    {
        if (!System.IO.Directory.Exists(Directory)) return 0;
        int count = 0;
        foreach (string path in System.IO.Directory.EnumerateFiles(Directory, "*.tmp"))
        {
            File.Delete(path);
            count++;
        }
        return count;
    }

    /// <summary>
    /// Renames checkpoints with more steps than <paramref name="step"/> to NAME.abandoned. A run
    /// resumed from an earlier checkpoint continues a new trajectory; the old later files must not
    /// be taken for its newest state by a later --resume or kept by rotation. They are renamed,
    /// not deleted, because the user may have rewound by mistake.
    /// </summary>
    /// <param name="step">The step the run continues from.</param>
    /// <param name="readStep">Reads a checkpoint file's step (for final.ckpt and best.ckpt); a file it cannot
    /// read is set aside.</param>
    /// <param name="except">Files left as they are (e.g. corrupt ones the caller keeps apart); may be null.</param>
    /// <returns>The files renamed (their old paths).</returns>
    public IReadOnlyList<string> SetAsideNewerThan(long step, Func<string, long> readStep, IReadOnlyCollection<string>? except = null)
    {
        ArgumentNullException.ThrowIfNull(readStep);
        var skip = new HashSet<string>((except ?? []).Select(Path.GetFullPath), PathComparer);
        var newer = StepCheckpoints().Where(c => c.Step > step && !skip.Contains(c.Path)).Select(c => c.Path).ToList();
        // best.ckpt too: the resumed run compares against the best value of its own past only.
        foreach (string path in new[] { FinalPath, BestPath })
        {
            if (!File.Exists(path) || skip.Contains(path)) continue;
            long fileStep;
            try { fileStep = readStep(path); }
            catch (Exception e) when (IsUnreadable(e)) { fileStep = long.MaxValue; }
            if (fileStep > step) newer.Add(path);
        }
        foreach (string path in newer) File.Move(path, path + ".abandoned", overwrite: true);
        return newer;
    }

    /// <summary>Deletes the oldest step checkpoints so that <paramref name="keep"/> remain (0 keeps all).</summary>
    /// <param name="keep">Step checkpoints to keep (the newest).</param>
    /// <param name="except">Files neither counted nor deleted (e.g. corrupt ones kept for the user); may be null.</param>
    /// <returns>The files deleted.</returns>
    public IReadOnlyList<string> Rotate(int keep, IReadOnlyCollection<string>? except = null)
    {
        if (keep <= 0) return [];
        var skip = new HashSet<string>((except ?? []).Select(Path.GetFullPath), PathComparer);
        var all = StepCheckpoints().Where(c => !skip.Contains(c.Path)).ToList();
        var deleted = new List<string>();
        for (int i = 0; i < all.Count - keep; i++)
        {
            File.Delete(all[i].Path);
            deleted.Add(all[i].Path);
        }
        return deleted;
    }

    private static StringComparer PathComparer => OperatingSystem.IsWindows() ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal;

    private static bool IsUnreadable(Exception e) => e is P2GanException or InvalidDataException or IOException;
}
