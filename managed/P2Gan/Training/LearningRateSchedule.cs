namespace P2Gan.Training;

/// <summary>How the learning rates change over a run.</summary>
public enum LearningRateSchedule
{
    /// <summary>The configured rates for every step (the paper's setting).</summary>
    Constant,
    /// <summary>Linear decay from the configured rates to zero over the run's <c>Steps</c>.</summary>
    Linear,
}

/// <summary>The multiplier of the configured learning rates at a step.</summary>
public static class LearningRateSchedules
{
    /// <param name="schedule">The schedule.</param>
    /// <param name="step">Steps completed before the step that will use the rate (0 for the first).</param>
    /// <param name="totalSteps">The run's Steps.</param>
    /// <returns>1 for Constant; (totalSteps - step) / totalSteps for Linear, so the first step uses
    /// the full rate and the last one 1/totalSteps: the rate would reach zero right after the run.</returns>
    public static double Factor(LearningRateSchedule schedule, long step, long totalSteps) => schedule switch
    {
        LearningRateSchedule.Constant => 1.0,
        LearningRateSchedule.Linear when totalSteps <= 0 => 1.0,
        // Clamped: a run extended on resume past its planned Steps keeps the smallest rate, not a negative one.
        LearningRateSchedule.Linear => Math.Max(totalSteps - step, 1) / (double)totalSteps,
        _ => throw new ArgumentOutOfRangeException(nameof(schedule), schedule, null),
    };
}
