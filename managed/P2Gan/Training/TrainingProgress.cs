namespace P2Gan.Training;

/// <summary>Where a run is after one step, as <see cref="TrainingSession.RunAsync"/> reports it.</summary>
/// <param name="Metrics">What the step did (losses, posterior statistics, step count after it).</param>
/// <param name="TotalSteps">The step the run goes to (<see cref="TrainingConfig.Steps"/>).</param>
/// <param name="ImagesPerSecond">Training throughput since the last logged step.</param>
/// <param name="Eta">Time left at that throughput; null before it is known.</param>
/// <param name="IsLogStep">True every <see cref="TrainingConfig.LogEvery"/> steps and at the end: the steps
/// that metrics.jsonl records.</param>
/// <param name="LearningRateD">D's learning rate of this step (after the schedule and roll-backs).</param>
/// <param name="LearningRateG">G's learning rate of this step.</param>
/// <param name="EmaDecay">The EMA decay of this step; null when the run keeps no EMA generator.</param>
/// <param name="ElapsedSeconds">Training time of the run so far, across resumes.</param>
public sealed record TrainingProgress(
    StepMetrics Metrics,
    long TotalSteps,
    double ImagesPerSecond,
    TimeSpan? Eta,
    bool IsLogStep,
    float LearningRateD,
    float LearningRateG,
    float? EmaDecay,
    double ElapsedSeconds);

/// <summary>How a call to <see cref="TrainingSession.RunAsync"/> ended.</summary>
public enum TrainingOutcome
{
    /// <summary>Every step ran; checkpoints/final.ckpt was written.</summary>
    Completed,
    /// <summary>Cancelled: the current step finished and a step checkpoint was written; resume with
    /// <see cref="TrainingSession.Resume(string, Func{TrainingConfig, TrainingConfig}?, P2Gan.Datasets.IImageDataset?, Microsoft.Extensions.Logging.ILogger?, P2Gan.Distributed.ProcessGroup?)"/>.</summary>
    Stopped,
}

/// <summary>The end of a call to <see cref="TrainingSession.RunAsync"/>.</summary>
/// <param name="Outcome">Completed or stopped.</param>
/// <param name="Step">Steps completed.</param>
/// <param name="TrainingSeconds">Training time of the run, across resumes.</param>
/// <param name="Checkpoint">The checkpoint written last (final.ckpt when completed).</param>
/// <param name="Evaluation">The last evaluation of the run in this session, if any.</param>
public sealed record TrainingResult(
    TrainingOutcome Outcome,
    long Step,
    double TrainingSeconds,
    string Checkpoint,
    TrainingEvaluation? Evaluation);

/// <summary>What a run wrote, as <see cref="TrainingSession.ArtifactWritten"/> reports it.</summary>
public enum TrainingArtifactKind
{
    /// <summary>A checkpoint (step_N.ckpt, best.ckpt or final.ckpt).</summary>
    Checkpoint,
    /// <summary>A sample grid (samples/step_NNNNNN.png).</summary>
    Samples,
    /// <summary>An evaluation (an "eval" line of metrics.jsonl); <see cref="TrainingArtifactEventArgs.Path"/> is metrics.jsonl.</summary>
    Evaluation,
}

/// <summary>A file a run wrote.</summary>
/// <param name="Kind">What it is.</param>
/// <param name="Path">Its full path.</param>
/// <param name="Step">The step it belongs to.</param>
public sealed class TrainingArtifactEventArgs(TrainingArtifactKind Kind, string Path, long Step) : EventArgs
{
    /// <summary>What was written.</summary>
    public TrainingArtifactKind Kind { get; } = Kind;
    /// <summary>Its full path.</summary>
    public string Path { get; } = Path;
    /// <summary>The step it belongs to.</summary>
    public long Step { get; } = Step;
}

/// <summary>A run that cannot go on (non-finite losses after every allowed roll-back, or none to roll back to).</summary>
public sealed class TrainingFailedException(string message) : Exception(message);
