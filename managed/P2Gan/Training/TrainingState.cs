using System.Text.Json;
using P2Gan.Datasets;

namespace P2Gan.Training;

/// <summary>
/// What the host must know besides the model to continue a run bit-identically; stored as
/// JSON in every checkpoint (P2GanModel.Save's host state). The model's own state (weights,
/// Adam, EMA, step, RNG) is in the checkpoint itself.
/// </summary>
public sealed record TrainingState
{
    /// <summary>Bumped when the layout changes incompatibly.</summary>
    public const int CurrentFormat = 1;

    /// <summary>The layout version (<see cref="CurrentFormat"/>).</summary>
    public int Format { get; init; } = CurrentFormat;
    /// <summary>Steps completed (equal to the model's step in the same checkpoint).</summary>
    public required long Step { get; init; }
    /// <summary>Position of the next batch the loader yields.</summary>
    public required LoaderPosition Loader { get; init; }
    /// <summary>Product of the NonFiniteLearningRateFactor roll-backs so far (1 when none); the
    /// schedule's rates are multiplied by it.</summary>
    public required double LearningRateScale { get; init; }
    /// <summary>Roll-backs after non-finite losses so far.</summary>
    public required int NonFiniteRetries { get; init; }
    /// <summary>Undecodable images the loader replaced so far.</summary>
    public required long SkippedImages { get; init; }
    /// <summary>Training time so far, so elapsed_seconds in metrics.jsonl continues on resume.</summary>
    public required double ElapsedSeconds { get; init; }
    /// <summary>The run's settings.</summary>
    public required TrainingConfig Config { get; init; }
    /// <summary>The best value of Config.BestMetric so far (the one checkpoints/best.ckpt holds); null
    /// before the first evaluation. Kept in every checkpoint so a resumed run compares against it.</summary>
    public double? BestMetricValue { get; init; }
    /// <summary>The aggregate posterior the evaluation at this step fitted (EvalCodes Aggregate), so that
    /// sampling the checkpoint needs no training images; null when no evaluation ran at this step.</summary>
    public Sampling.AggregateCodes? AggregateCodes { get; init; }

    /// <summary>The state as the JSON stored in checkpoints (the settings flat, <see cref="TrainingJson.Options"/>).</summary>
    public string ToJson() => JsonSerializer.Serialize(this with { Config = Config.WithFlatSettings() }, TrainingJson.Options);

    /// <exception cref="InvalidDataException">Not a trainer checkpoint, or another format.</exception>
    /// <param name="json">The host state of a checkpoint.</param>
    /// <param name="source">Names the file in error messages.</param>
    public static TrainingState FromJson(string json, string source)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            throw new InvalidDataException($"{source} holds no training state (written by the SDK, not by 'p2gan train'); it cannot be resumed.");
        }
        TrainingState state;
        try
        {
            state = JsonSerializer.Deserialize<TrainingState>(json, TrainingJson.Options)
                ?? throw new InvalidDataException($"{source}: empty training state.");
        }
        catch (Exception e) when (e is JsonException or ArgumentException)
        {
            throw new InvalidDataException($"{source}: unreadable training state: {e.Message}", e);
        }
        if (state.Format != CurrentFormat)
        {
            throw new InvalidDataException($"{source}: training state format {state.Format}; this trainer reads {CurrentFormat}.");
        }
        if (state.AggregateCodes is { } codes && codes.Step != state.Step)
        {
            throw new InvalidDataException($"{source}: its aggregate codes are of step {codes.Step}, its training state of step {state.Step}.");
        }
        try
        {
            return state with { Config = state.Config.WithSectionsFromSettings() };
        }
        catch (Exception e) when (e is JsonException or ArgumentException)
        {
            throw new InvalidDataException($"{source}: unreadable training state: {e.Message}", e);
        }
    }

    /// <summary>The training state of a checkpoint written by a run.</summary>
    /// <param name="checkpointPath">A .ckpt file.</param>
    /// <exception cref="InvalidDataException">The checkpoint holds no or another training state.</exception>
    public static TrainingState Read(string checkpointPath) =>
        FromJson(P2GanModel.ReadCheckpointHostState(checkpointPath), checkpointPath);

    /// <summary>The training state of a checkpoint; null for one written by <see cref="P2GanModel.Save"/> without it.</summary>
    /// <param name="checkpointPath">A .ckpt file.</param>
    /// <exception cref="InvalidDataException">The checkpoint holds an unreadable training state.</exception>
    public static TrainingState? ReadIfPresent(string checkpointPath)
    {
        string json = P2GanModel.ReadCheckpointHostState(checkpointPath);
        return string.IsNullOrWhiteSpace(json) ? null : FromJson(json, checkpointPath);
    }
}
