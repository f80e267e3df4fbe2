namespace P2Gan.Trainer.Training;

/// <summary>The checkpoint and run folder named by --resume.</summary>
public sealed record ResumeTarget(string CheckpointPath, string RunDir, TrainingState State)
{
    /// <summary>
    /// A folder means its newest complete checkpoint (in FOLDER/checkpoints, or FOLDER itself when
    /// it holds the .ckpt files); a file is that checkpoint, and its run folder is the parent of
    /// its checkpoints/ folder.
    /// </summary>
    /// <exception cref="ArgumentException">Nothing to resume there.</exception>
    public static ResumeTarget Find(string path, Microsoft.Extensions.Logging.ILogger? logger = null)
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
        var newest = store.Newest(logger)
            ?? throw new ArgumentException($"invalid Resume '{path}': no complete checkpoint in {store.Directory}.");
        string run = isRunDir ? full : (Path.GetFileName(full) == RunFolder.CheckpointsName ? Path.GetDirectoryName(full)! : full);
        return new ResumeTarget(newest.Path, run, newest.State);
    }
}
