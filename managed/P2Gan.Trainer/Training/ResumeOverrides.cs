using Microsoft.Extensions.Configuration;

namespace P2Gan.Trainer.Training;

/// <summary>
/// On --resume the run continues with the configuration stored in its checkpoint, so that it
/// stays the same run. Only settings that do not change the trajectory (logging and
/// checkpoint cadence, loader threads) and Steps (to extend a run) may be given again.
/// </summary>
public static class ResumeOverrides
{
    /// <summary>Settings that may differ from the checkpoint's on resume.</summary>
    public static IReadOnlyList<string> Allowed => TrainingConfig.ChangeableOnResume;

    // Not model or data settings: naming them on resume is harmless.
    private static readonly string[] Ignored = [nameof(TrainOptions.Resume), nameof(TrainOptions.RunDir)];

    /// <summary>The saved configuration with the allowed settings that <paramref name="configuration"/>
    /// sets replaced; any other setting it sets is an error naming it.</summary>
    /// <param name="runDir">The folder being resumed (the saved RunDir may be relative to another directory).</param>
    public static TrainingConfig Apply(TrainingConfig saved, IConfiguration configuration, TrainOptions bound, string runDir)
    {
        foreach (string name in typeof(TrainOptions).GetProperties().Select(p => p.Name).Concat(SettingsBinding.Names))
        {
            if (configuration[name] is null || Allowed.Contains(name) || Ignored.Contains(name)) continue;
            throw new ArgumentException(
                $"option {name} cannot be changed on --resume (the run continues with its checkpoint's settings); " +
                $"allowed: {string.Join(", ", Allowed)}.");
        }
        bool Set(string name) => configuration[name] is not null;
        var config = saved with
        {
            RunDir = runDir,
            Steps = bound.Steps is { } steps && Set(nameof(TrainOptions.Steps)) ? steps : saved.Steps,
            LogEvery = Set(nameof(TrainOptions.LogEvery)) ? bound.LogEvery : saved.LogEvery,
            SampleEvery = Set(nameof(TrainOptions.SampleEvery)) ? bound.SampleEvery : saved.SampleEvery,
            CheckpointEvery = Set(nameof(TrainOptions.CheckpointEvery)) ? bound.CheckpointEvery : saved.CheckpointEvery,
            KeepCheckpoints = Set(nameof(TrainOptions.KeepCheckpoints)) ? bound.KeepCheckpoints : saved.KeepCheckpoints,
            EvalEvery = Set(nameof(TrainOptions.EvalEvery)) ? bound.EvalEvery : saved.EvalEvery,
            EvalAtEnd = Set(nameof(TrainOptions.EvalAtEnd)) ? bound.EvalAtEnd ?? saved.EvalAtEnd : saved.EvalAtEnd,
            EvalCacheDir = Set(nameof(TrainOptions.EvalCacheDir)) ? bound.EvalCacheDir : saved.EvalCacheDir,
            InceptionWeights = Set(nameof(TrainOptions.InceptionWeights)) ? bound.InceptionWeights : saved.InceptionWeights,
            EvalResize = Set(nameof(TrainOptions.EvalResize)) ? bound.EvalResize.Trim().ToLowerInvariant() : saved.EvalResize,
            MaxNonFiniteRetries = Set(nameof(TrainOptions.MaxNonFiniteRetries)) ? bound.MaxNonFiniteRetries : saved.MaxNonFiniteRetries,
            PrefetchBatches = Set(nameof(TrainOptions.PrefetchBatches)) ? bound.PrefetchBatches : saved.PrefetchBatches,
            DecodeThreads = Set(nameof(TrainOptions.DecodeThreads)) ? bound.DecodeThreads : saved.DecodeThreads,
        };
        config.Validate();
        return config;
    }
}
