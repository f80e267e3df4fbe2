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
    /// Unreadable files (<paramref name="readState"/> throws a <see cref="P2Gan.Native.P2GanException"/>,
    /// <see cref="InvalidDataException"/> or <see cref="IOException"/>) are skipped with a warning (they
    /// cannot come from an interrupted write, but a disk can still corrupt them).
    /// </summary>
    /// <typeparam name="TState">What the caller reads from a checkpoint.</typeparam>
    /// <param name="readState">Reads a checkpoint file's state.</param>
    /// <param name="stepOf">The steps completed that a state records.</param>
    /// <param name="logger">Receives the warnings; may be null.</param>
    /// <returns>Null when there is none.</returns>
    public (string Path, TState State)? Newest<TState>(Func<string, TState> readState, Func<TState, long> stepOf, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(readState);
        ArgumentNullException.ThrowIfNull(stepOf);
        var candidates = StepCheckpoints().Select(c => c.Path).Reverse().ToList();
        if (File.Exists(FinalPath)) candidates.Insert(0, FinalPath);
        (string Path, TState State, long Step)? best = null;
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
                continue;
            }
            long step = stepOf(state);
            if (best is null || step > best.Value.Step) best = (path, state, step);
        }
        return best is { } b ? (b.Path, b.State) : null;
    }

    /// <summary>The newest checkpoint and its step, as <see cref="Newest{TState}"/> finds it with
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
    /// <returns>The files renamed (their old paths).</returns>
    public IReadOnlyList<string> SetAsideNewerThan(long step, Func<string, long> readStep)
    {
        ArgumentNullException.ThrowIfNull(readStep);
        var newer = StepCheckpoints().Where(c => c.Step > step).Select(c => c.Path).ToList();
        // best.ckpt too: the resumed run compares against the best value of its own past only.
        foreach (string path in new[] { FinalPath, BestPath })
        {
            if (!File.Exists(path)) continue;
            long fileStep;
            try { fileStep = readStep(path); }
            catch (Exception e) when (IsUnreadable(e)) { fileStep = long.MaxValue; }
            if (fileStep > step) newer.Add(path);
        }
        foreach (string path in newer) File.Move(path, path + ".abandoned", overwrite: true);
        return newer;
    }

    /// <summary>Deletes the oldest step checkpoints so that <paramref name="keep"/> remain (0 keeps all).</summary>
    /// <returns>The files deleted.</returns>
    public IReadOnlyList<string> Rotate(int keep)
    {
        if (keep <= 0) return [];
        var all = StepCheckpoints();
        var deleted = new List<string>();
        for (int i = 0; i < all.Count - keep; i++)
        {
            File.Delete(all[i].Path);
            deleted.Add(all[i].Path);
        }
        return deleted;
    }

    private static bool IsUnreadable(Exception e) => e is P2Gan.Native.P2GanException or InvalidDataException or IOException;
}
