namespace P2Gan.Training;

/// <summary>
/// RUN_DIR/.lock, held open with <see cref="FileShare.None"/> while a trainer uses the run folder: a
/// second trainer on the same folder is refused. The lock belongs to the open file (flock on Unix, a
/// share mode on Windows), so the system releases it when the process ends, crashed or not: no stale
/// lock is left behind. The file itself stays (deleting it would race with a trainer opening it).
/// </summary>
internal sealed class RunLock : IDisposable
{
    public const string FileName = ".lock";

    private readonly FileStream _stream;

    private RunLock(FileStream stream) => _stream = stream;

    /// <summary>Path of the lock file of <paramref name="runDir"/>.</summary>
    public static string PathOf(string runDir) => Path.Combine(Path.GetFullPath(runDir), FileName);

    /// <summary>Opens the lock file exactly as <see cref="Acquire"/> does (for tests and tools that must
    /// keep trainers off a folder).</summary>
    public static FileStream Open(string runDir) =>
        new(PathOf(runDir), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);

    /// <exception cref="RunFolderInUseException">Another trainer holds the folder.</exception>
    public static RunLock Acquire(string runDir)
    {
        string root = Path.GetFullPath(runDir);
        Directory.CreateDirectory(root);
        FileStream stream;
        try
        {
            stream = Open(root);
        }
        catch (IOException e) when (e is not FileNotFoundException and not DirectoryNotFoundException)
        {
            throw new RunFolderInUseException(
                $"run folder {root} is in use by another trainer ({PathOf(root)} is locked); wait for it to end or choose another RunDir.", e);
        }
        try
        {
            // Informative only (the lock is the open file): who holds it.
            stream.SetLength(0);
            using var writer = new StreamWriter(stream, leaveOpen: true);
            writer.Write($"{Environment.ProcessId} {Environment.MachineName} {DateTime.UtcNow:O}\n");
        }
        catch (IOException)
        {
            // The content is informative; the lock holds either way.
        }
        return new RunLock(stream);
    }

    public void Dispose() => _stream.Dispose();
}

/// <summary>Another trainer or <see cref="TrainingSession"/> uses the run folder (its RUN_DIR/.lock is held).</summary>
/// <param name="message">Names the folder and the lock file.</param>
/// <param name="inner">The error of opening the lock file.</param>
public sealed class RunFolderInUseException(string message, Exception inner) : IOException(message, inner);
