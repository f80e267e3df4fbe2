using Microsoft.Extensions.Logging;

namespace P2Gan.Training;

/// <summary>The SDK's <see cref="CheckpointStore"/> with the trainer's checkpoint state
/// (<see cref="TrainingState"/>, read from each checkpoint's host state).</summary>
internal static class CheckpointStoreExtensions
{
    /// <summary>The checkpoint with the most steps whose training state reads back; final.ckpt wins a tie.
    /// Unreadable files are skipped with a warning.</summary>
    /// <returns>Null when there is none.</returns>
    public static (string Path, TrainingState State)? Newest(this CheckpointStore store, ILogger? logger = null) =>
        store.Newest(TrainingState.Read, state => state.Step, logger);

    /// <summary>As <see cref="Newest"/>, and the checkpoint must load: its model settings read and the
    /// model opens from it (on the CPU). Files that do not are skipped with a warning naming them, added
    /// to <paramref name="unusable"/> and left as they are.</summary>
    /// <returns>Null when there is none.</returns>
    public static (string Path, TrainingState State)? NewestLoadable(this CheckpointStore store, ILogger? logger,
        ICollection<string>? unusable) =>
        store.Newest(TrainingState.Read, state => state.Step, VerifyLoads, logger, unusable);

    /// <summary>Throws (a P2GanException, InvalidDataException or IOException) when the checkpoint does not load.</summary>
    public static void VerifyLoads(string path)
    {
        P2GanModel.ReadCheckpointOptions(path);
        using P2GanModel model = P2GanModel.Load(path);
    }

    /// <summary>Renames checkpoints with more steps than <paramref name="step"/> to NAME.abandoned
    /// (see <see cref="CheckpointStore.SetAsideNewerThan"/>), except the files of <paramref name="except"/>.</summary>
    public static IReadOnlyList<string> SetAsideNewerThan(this CheckpointStore store, long step,
        IReadOnlyCollection<string>? except = null) =>
        store.SetAsideNewerThan(step, path => TrainingState.Read(path).Step, except);
}
