using System.Globalization;
using Microsoft.Extensions.Logging;

namespace P2Gan.Trainer.Training;

/// <summary>
/// The checkpoints/ folder of a run: step_NNNNNN.ckpt every CheckpointEvery steps (the newest
/// KeepCheckpoints kept), final.ckpt at the end and best.ckpt, the best evaluation so far
/// (never rotated, and never taken for the newest state: it may be older than the last step). The native core writes each file as
/// NAME.tmp, fsyncs and renames it, so a file with the .ckpt name is always complete; a
/// leftover .tmp is the trace of a write that was killed and is deleted here.
/// </summary>
public sealed class CheckpointStore(string directory)
{
    public const string FinalName = "final.ckpt";
    public const string BestName = "best.ckpt";
    private const string StepPrefix = "step_";
    private const string Extension = ".ckpt";

    public string Directory { get; } = Path.GetFullPath(directory);

    public string FinalPath => Path.Combine(Directory, FinalName);

    public string BestPath => Path.Combine(Directory, BestName);

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
    /// The checkpoint with the most steps whose training state reads back; final.ckpt wins a tie.
    /// Unreadable files are skipped with a warning (they cannot come from an interrupted write,
    /// but a disk can still corrupt them).
    /// </summary>
    /// <returns>Null when there is none.</returns>
    public (string Path, TrainingState State)? Newest(ILogger? logger = null)
    {
        var candidates = StepCheckpoints().Select(c => c.Path).Reverse().ToList();
        if (File.Exists(FinalPath)) candidates.Insert(0, FinalPath);
        (string, TrainingState)? best = null;
        foreach (string path in candidates)
        {
            TrainingState state;
            try
            {
                state = TrainingState.Read(path);
            }
            catch (Exception e) when (e is P2Gan.Native.P2GanException or InvalidDataException or IOException)
            {
                logger?.LogWarning("Ignoring unreadable checkpoint {Path}: {Message}", path, ErrorText.OneLine(e));
                continue;
            }
            if (best is null || state.Step > best.Value.Item2.Step) best = (path, state);
        }
        return best;
    }

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
    /// <returns>The files renamed (their old paths).</returns>
    public IReadOnlyList<string> SetAsideNewerThan(long step)
    {
        var newer = StepCheckpoints().Where(c => c.Step > step).Select(c => c.Path).ToList();
        // best.ckpt too: the resumed run compares against the best value of its own past only.
        foreach (string path in new[] { FinalPath, BestPath })
        {
            if (!File.Exists(path)) continue;
            long fileStep;
            try { fileStep = TrainingState.Read(path).Step; }
            catch (Exception e) when (e is P2Gan.Native.P2GanException or InvalidDataException or IOException) { fileStep = long.MaxValue; }
            if (fileStep > step) newer.Add(path);
        }
        foreach (string path in newer) File.Move(path, path + ".abandoned", overwrite: true);
        return newer;
    }

    /// <summary>Deletes the oldest step checkpoints so that <paramref name="keep"/> remain (0 keeps all).</summary>
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
}
