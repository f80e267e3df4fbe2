using Microsoft.Extensions.Logging;

namespace P2Gan.Trainer.Training;

/// <summary>The SDK's <see cref="CheckpointStore"/> with the trainer's checkpoint state
/// (<see cref="TrainingState"/>, read from each checkpoint's host state).</summary>
internal static class CheckpointStoreExtensions
{
    /// <summary>The checkpoint with the most steps whose training state reads back; final.ckpt wins a tie.
    /// Unreadable files are skipped with a warning.</summary>
    /// <returns>Null when there is none.</returns>
    public static (string Path, TrainingState State)? Newest(this CheckpointStore store, ILogger? logger = null) =>
        store.Newest(TrainingState.Read, state => state.Step, logger);

    /// <summary>Renames checkpoints with more steps than <paramref name="step"/> to NAME.abandoned
    /// (see <see cref="CheckpointStore.SetAsideNewerThan"/>).</summary>
    public static IReadOnlyList<string> SetAsideNewerThan(this CheckpointStore store, long step) =>
        store.SetAsideNewerThan(step, path => TrainingState.Read(path).Step);
}
