using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using P2Gan.Datasets;
using P2Gan.Native;
using P2Gan.Trainer.Reporting;

namespace P2Gan.Trainer.Training;

/// <summary>How a run ended.</summary>
internal enum RunOutcome
{
    /// <summary>All Steps ran; final.ckpt written.</summary>
    Completed,
    /// <summary>Stopped by Ctrl-C/SIGTERM after the current step; a step checkpoint written.</summary>
    Interrupted,
}

/// <summary>A run that cannot go on (e.g. non-finite losses after every allowed roll-back).</summary>
internal sealed class TrainingFailedException(string message) : Exception(message);

/// <summary>
/// The training loop of 'p2gan train' (docs/training.md): applies the schedules before each
/// step, logs metrics, writes the fixed sample grids and the loss plot, writes and rotates
/// checkpoints that carry everything needed to resume bit-identically, rolls back on
/// non-finite losses, and on a stop request finishes the current step and checkpoints.
/// </summary>
internal sealed class TrainingRun(
    ResolvedTrainConfig config, IImageDataset dataset, ResumeTarget? resume, ILogger logger, TrainingProgress progress)
{
    private readonly Stopwatch _clock = new();
    private double _elapsedBefore; // training seconds of earlier processes of this run
    private double _learningRateScale = 1.0;
    private int _nonFiniteRetries;
    private long _skippedBefore;
    private long _lastSavedStep = -1;
    private double? _bestMetricValue; // of config.BestMetric, as held by best.ckpt
    private bool _warnedMissingBestMetric;
    private TrainingEvaluation? _lastEvaluation;
    // What the model holds now (null: unknown, e.g. after a restore): a schedule value is sent only when it differs.
    private (float D, float G)? _appliedRates;
    private float? _appliedEmaDecay;
    // Checkpoints of the folder that do not load (found on resume or roll-back): kept as they are, never
    // rotated nor set aside; moved to NAME.corrupt only when the run writes a checkpoint of the same name.
    private readonly HashSet<string> _unusable = new(resume?.Unusable ?? [],
        OperatingSystem.IsWindows() ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal);

    private double Elapsed => _elapsedBefore + _clock.Elapsed.TotalSeconds;

    public RunOutcome Run(CancellationToken stop)
    {
        var folder = new RunFolder(config.RunDir);
        int leftovers = folder.Checkpoints.DeleteLeftoverTemporaries();
        if (leftovers > 0) logger.LogWarning("Deleted {Count} unfinished checkpoint file(s) (*.tmp) of an interrupted write", leftovers);
        if (resume is null && folder.Checkpoints.Any())
        {
            throw new ArgumentException(
                $"RunDir {folder.Root} already holds checkpoints; continue it with --resume {folder.Root} or choose another RunDir.");
        }
        File.WriteAllText(folder.ConfigPath, JsonSerializer.Serialize(config.WithFlatSettings(), JsonDefaults.Indented));

        using P2GanModel model = resume is null
            ? P2GanModel.Create(config.Model, config.Runtime)
            : P2GanModel.Load(resume.CheckpointPath, config.Runtime);
        LoaderPosition position = LoaderPosition.Start;
        if (resume is not null)
        {
            TrainingState s = resume.State;
            if (s.Step != model.Step) throw new InvalidDataException($"{resume.CheckpointPath}: host state step {s.Step} != model step {model.Step}.");
            (position, _learningRateScale, _nonFiniteRetries, _skippedBefore, _elapsedBefore, _lastSavedStep, _bestMetricValue) =
                (s.Loader, s.LearningRateScale, s.NonFiniteRetries, s.SkippedImages, s.ElapsedSeconds, s.Step, s.BestMetricValue);
            foreach (string warning in resume.Warnings) logger.LogWarning("{Warning}", warning);
            logger.LogInformation("Resuming {RunDir} from {Checkpoint} at step {Step} ({Position})",
                folder.Root, resume.CheckpointPath, s.Step, position);
            foreach (string old in folder.Checkpoints.SetAsideNewerThan(s.Step, _unusable))
            {
                logger.LogWarning("Renamed {Path} to *.abandoned: it is later than the resumed step {Step}", old, s.Step);
            }
        }
        logger.LogInformation(
            "Training to step {Steps}, batch {Batch}, {Dataset} at {Res}x{Res}x{C}, device {Device}, native {Version}; run folder {RunDir}",
            config.Steps, config.BatchSize, dataset.Description, config.Model.Resolution, config.Model.Resolution,
            config.Model.Channels, model.Runtime.Device, P2GanModel.NativeVersion, folder.Root);

        using var metrics = new MetricsWriter(folder.MetricsPath, resume?.State.Step);
        using var evaluator = new TrainingEvaluator(config, logger);
        var grid = new FixedSampleGrid(dataset, config.Model.Seed);
        bool useEma = model.Options.EmaDecay > 0;
        var shape = TensorShape.Nchw(config.BatchSize, dataset.Channels, dataset.Resolution, dataset.Resolution);
        DataLoader loader = NewLoader(position);
        try
        {
            // A fresh run checkpoints its initial state at once: a crash or a non-finite loss
            // before the first CheckpointEvery then still has a state to go back to.
            if (resume is null) SaveCheckpoint(model, loader, folder.Checkpoints.StepPath(0), folder);

            _clock.Start();
            var sinceLog = Stopwatch.StartNew();
            int imagesSinceLog = 0;
            double imagesPerSecond = 0;
            LoggedStep? unlogged = null;
            bool interrupted = false;

            // One ABI crossing per step in the steady state: the step count is tracked here and
            // the schedules reach the model only when their values change.
            long step = model.Step;
            var batch = new float[loader.BatchElementCount];
            while (step < config.Steps)
            {
                if (stop.IsCancellationRequested) { interrupted = true; break; }
                (float lrD, float lrG) = ApplyLearningRates(model, step);
                float? emaDecay = useEma ? ApplyEmaDecay(model, step) : null;

                // Copied into one reused buffer: the loader recycles its own (no allocation per step).
                try { loader.NextBatch(batch, stop); }
                catch (OperationCanceledException) when (stop.IsCancellationRequested) { interrupted = true; break; }

                StepMetrics m;
                try
                {
                    m = model.TrainStep(batch, shape);
                }
                catch (P2GanNonFiniteException e) when (e.IsLoss)
                {
                    loader = RollBack(model, loader, folder, step, e);
                    step = model.Step;
                    continue;
                }
                step = m.Step;

                imagesSinceLog += config.BatchSize;
                double seconds = sinceLog.Elapsed.TotalSeconds;
                if (seconds > 0) imagesPerSecond = imagesSinceLog / seconds;
                // From the recent rate (since the last log line), so a slow start or a busy spell
                // does not distort the estimate for the rest of the run.
                double stepsPerSecond = imagesPerSecond / config.BatchSize;
                TimeSpan? eta = stepsPerSecond > 0 ? TimeSpan.FromSeconds((config.Steps - m.Step) / stepsPerSecond) : null;
                bool logStep = m.Step % config.LogEvery == 0 || m.Step == config.Steps;
                progress.OnStep(new ProgressSnapshot(m, config.Steps, imagesPerSecond, eta), logStep);
                unlogged = new LoggedStep(m, lrD, lrG, emaDecay, imagesPerSecond, Elapsed);
                metrics.Record(unlogged); // every step, for the charts and report.html
                if (logStep)
                {
                    metrics.Write(unlogged);
                    unlogged = null;
                    imagesSinceLog = 0;
                    sinceLog.Restart();
                }
                if (m.Step == config.Steps) break; // the end writes its own grid and checkpoint
                if (m.Step % config.SampleEvery == 0) WriteGridAndPlot(model, grid, metrics, folder, useEma);
                // Before the step checkpoint, so that it records the best value this evaluation may set.
                if (evaluator.IsDueAt(m.Step)) EvaluateAndKeepBest(model, loader, evaluator, metrics, folder, useEma);
                if (m.Step % config.CheckpointEvery == 0) SaveCheckpoint(model, loader, folder.Checkpoints.StepPath(m.Step), folder);
            }
            _clock.Stop();
            if (unlogged is not null) metrics.Write(unlogged);

            if (interrupted)
            {
                progress.Break();
                logger.LogWarning("Stop requested: stopping at step {Step}", model.Step);
            }
            WriteGridAndPlot(model, grid, metrics, folder, useEma);
            if (interrupted)
            {
                if (_lastSavedStep != model.Step) SaveCheckpoint(model, loader, folder.Checkpoints.StepPath(model.Step), folder);
                logger.LogInformation("Resume with: p2gan train --resume {RunDir}", folder.Root);
                return RunOutcome.Interrupted;
            }
            if (evaluator.IsDueAtEnd)
            {
                EvaluateAndKeepBest(model, loader, evaluator, metrics, folder, useEma);
                RunReport.TryWrite(folder.Root, metrics.History, logger); // with the final evaluation
            }
            SaveCheckpoint(model, loader, folder.Checkpoints.FinalPath, folder);
            logger.LogInformation("Finished at step {Step} in {Seconds:F1} s of training", model.Step, Elapsed);
            LogSummary(model.Step, useEma);
            return RunOutcome.Completed;
        }
        finally
        {
            loader.Dispose();
            progress.Break();
        }
    }

    private DataLoader NewLoader(LoaderPosition position) =>
        new(dataset, config.BatchSize, config.Model.Seed, position, new DataLoaderOptions
        {
            PrefetchBatches = config.PrefetchBatches,
            DecodeThreads = config.DecodeThreads,
            HorizontalFlip = config.HorizontalFlip,
        });

    /// <summary>Sets the rates of the step that follows <paramref name="step"/> completed steps.</summary>
    private (float D, float G) ApplyLearningRates(P2GanModel model, long step)
    {
        double factor = LearningRateSchedules.Factor(config.LearningRateSchedule, step, config.Steps) * _learningRateScale;
        var rates = ((float)(config.Model.LearningRateD * factor), (float)(config.Model.LearningRateG * factor));
        if (rates != _appliedRates) model.SetLearningRates(rates.Item1, rates.Item2);
        _appliedRates = rates;
        return rates;
    }

    private float ApplyEmaDecay(P2GanModel model, long step)
    {
        float decay = config.EmaWarmup ? EmaWarmup.EffectiveDecay(config.Model.EmaDecay, step) : config.Model.EmaDecay;
        if (decay != _appliedEmaDecay) model.SetEmaDecay(decay);
        _appliedEmaDecay = decay;
        return decay;
    }

    /// <summary>Goes back to the newest checkpoint with smaller learning rates, or gives up.</summary>
    private DataLoader RollBack(P2GanModel model, DataLoader loader, RunFolder folder, long step, P2GanNonFiniteException e)
    {
        progress.Break();
        _nonFiniteRetries++;
        if (_nonFiniteRetries > config.MaxNonFiniteRetries)
        {
            throw new TrainingFailedException(
                $"non-finite loss at step {step + 1} ({e.Message}) after {config.MaxNonFiniteRetries} roll-back(s) " +
                $"(MaxNonFiniteRetries); lower LearningRateD/LearningRateG or resume from an earlier checkpoint.");
        }
        var newest = folder.Checkpoints.NewestLoadable(logger, _unusable)
            ?? throw new TrainingFailedException($"non-finite loss at step {step + 1} and no checkpoint to roll back to.");
        _learningRateScale *= config.NonFiniteLearningRateFactor;
        logger.LogWarning(
            "Non-finite loss at step {Step} ({Message}); roll-back {Retry}/{Max} to {Checkpoint} (step {Back}) with learning rates x{Scale}",
            step + 1, e.Message, _nonFiniteRetries, config.MaxNonFiniteRetries, newest.Path, newest.State.Step, _learningRateScale);
        model.Restore(newest.Path);
        (_appliedRates, _appliedEmaDecay) = (null, null);
        loader.Dispose();
        return NewLoader(newest.State.Loader);
    }

    /// <summary>Evaluates, writes the "eval" line and replaces best.ckpt when the BestMetric improved.</summary>
    private void EvaluateAndKeepBest(P2GanModel model, DataLoader loader, TrainingEvaluator evaluator, MetricsWriter metrics,
        RunFolder folder, bool useEma)
    {
        progress.Break();
        TrainingEvaluation? e = evaluator.Evaluate(model, useEma);
        if (e is null) return;
        _lastEvaluation = e;
        metrics.WriteEval(e);
        logger.LogInformation("Eval at step {Step} ({Samples} samples{Ema}, {Seconds:F1} s): {Scores}", e.Step, config.EvalSamples,
            useEma ? ", EMA generator" : "", e.Seconds, string.Join(", ", e.Scores.Select(kv => $"{kv.Key} {kv.Value:G5}")));
        if (!e.Scores.TryGetValue(config.BestMetric, out double value))
        {
            if (!_warnedMissingBestMetric) logger.LogWarning("BestMetric {Metric} is not among this run's metrics; best.ckpt is not kept", config.BestMetric);
            _warnedMissingBestMetric = true;
            return;
        }
        if (!TrainEvaluation.IsImprovement(config.BestMetric, value, _bestMetricValue)) return;
        _bestMetricValue = value;
        SaveCheckpoint(model, loader, folder.Checkpoints.BestPath, folder, isBest: true);
        logger.LogInformation("New best {Metric} {Value:G5} at step {Step}", config.BestMetric, value, e.Step);
    }

    /// <summary>The line a researcher looks for at the end: the final score of the run.</summary>
    private void LogSummary(long step, bool useEma)
    {
        if (_lastEvaluation is not { } e || e.Step != step) return;
        string scores = string.Join(", ", e.Scores.Select(kv => $"{(kv.Key == TrainEvaluation.FmnistFid ? "FMNIST-FID" : kv.Key)} {kv.Value:F4}"));
        logger.LogInformation("Summary: {Steps} steps, {Seconds:F1} s of training; {Scores} ({Samples} samples{Ema} vs the test split)",
            step, Elapsed, scores, config.EvalSamples, useEma ? " of the EMA generator" : "");
    }

    private void SaveCheckpoint(P2GanModel model, DataLoader loader, string path, RunFolder folder, bool isBest = false)
    {
        var state = new TrainingState
        {
            Step = model.Step,
            Loader = loader.Position,
            LearningRateScale = _learningRateScale,
            NonFiniteRetries = _nonFiniteRetries,
            SkippedImages = _skippedBefore + loader.SkippedImages,
            ElapsedSeconds = Elapsed,
            Config = config,
            BestMetricValue = _bestMetricValue,
        };
        KeepUnusableApart(path);
        model.Save(path, state.ToJson());
        // best.ckpt is no resume point of the step sequence: an interrupt must still write step_N.
        if (!isBest) _lastSavedStep = model.Step;
        foreach (string deleted in folder.Checkpoints.Rotate(config.KeepCheckpoints, _unusable))
        {
            logger.LogDebug("Deleted old checkpoint {Path}", deleted);
        }
        progress.Break();
        logger.LogInformation("Wrote checkpoint {Path}", path);
    }

    /// <summary>A checkpoint that does not load is user data: before a write of the same name would replace
    /// it, it is renamed to NAME.corrupt (NAME.corrupt.N when taken).</summary>
    private void KeepUnusableApart(string path)
    {
        string full = Path.GetFullPath(path);
        if (!_unusable.Remove(full) || !File.Exists(full)) return;
        string target = full + ".corrupt";
        for (int i = 1; File.Exists(target); i++) target = $"{full}.corrupt.{i}";
        File.Move(full, target);
        progress.Break();
        logger.LogWarning("Renamed the checkpoint {Path}, which does not load, to {Target} before writing a new one", full, target);
    }

    private void WriteGridAndPlot(P2GanModel model, FixedSampleGrid grid, MetricsWriter metrics, RunFolder folder, bool useEma)
    {
        string path = folder.SamplePath(model.Step);
        grid.Write(model, path, useEma);
        RunReport.TryWrite(folder.Root, metrics.History, logger); // losses.png, posterior.png, fid.png, report.html
        progress.Break();
        logger.LogInformation("Wrote samples {Path}{Ema}", path, useEma ? " (EMA generator)" : "");
    }
}
