using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using P2Gan.Datasets;
using P2Gan.Distributed;

namespace P2Gan.Training;

/// <summary>
/// A training run in a run folder (docs/training.md), as <c>p2gan train</c> runs it: applies the
/// schedules before each step, logs metrics (metrics.jsonl), writes the fixed sample grids, evaluates,
/// writes and rotates checkpoints that carry everything needed to resume bit-identically, rolls back
/// on non-finite losses, and on cancellation finishes the current step and checkpoints.
/// </summary>
/// <remarks>
/// <see cref="Start"/> begins a run in an empty folder, <see cref="Resume(string, Func{TrainingConfig, TrainingConfig}?, IImageDataset?, ILogger?, P2Gan.Distributed.ProcessGroup?)"/>
/// continues one. The session holds the folder's lock (one trainer per folder) and the model until it
/// is disposed. <see cref="RunAsync"/> runs once per session. Members are not thread-safe; the events
/// and the progress callback run on the training thread.
/// <para>Data-parallel (docs/distributed.md): every rank of a <see cref="ProcessGroup"/> starts a session with
/// the same settings and the group. <see cref="TrainingConfig.BatchSize"/> is the global batch, split evenly
/// over the ranks, so that a config trains the same model at any world size. Only rank 0 writes the run
/// folder (lock, config, metrics, samples, checkpoints) and evaluates; the others train, and rank 0
/// decides when all stop.</para>
/// </remarks>
/// <example>
/// <code>
/// var config = TrainingConfig.FromPreset("cpu-small", "fashion-mnist:/usr/share/datasets/fashion-mnist", "runs/a") with { Steps = 200 };
/// using var session = TrainingSession.Start(config);
/// TrainingResult result = await session.RunAsync(new Progress&lt;TrainingProgress&gt;(p => Console.WriteLine(p.Metrics.LossD)), token);
/// float[] images = session.Model.Sample(16, seed: 1);
/// </code>
/// </example>
public sealed class TrainingSession : IDisposable
{
    private readonly TrainingConfig config;
    private readonly IImageDataset dataset;
    private readonly bool ownsDataset;
    private readonly ResumeTarget? resume;
    private readonly ILogger logger;
    private readonly RunLock? runLock; // rank 0's (or the only process's)
    private readonly ProcessGroup? group;
    private readonly RunFolder folder;
    private readonly P2GanModel model;
    private readonly LoaderPosition startPosition = LoaderPosition.Start;
    private readonly MetricsWriter metrics;
    private int _runs;
    private bool _disposed;

    private readonly Stopwatch _clock = new();
    private double _elapsedBefore; // training seconds of earlier processes of this run
    private double _learningRateScale = 1.0;
    private int _nonFiniteRetries;
    private long _skippedBefore;
    private long _lastSavedStep = -1;
    private string? _lastCheckpoint;
    private double? _bestMetricValue; // of config.BestMetric, as held by best.ckpt
    private bool _warnedMissingBestMetric;
    private TrainingEvaluation? _lastEvaluation;
    private Sampling.AggregateCodes? _lastAggregate; // the newest evaluation's, stored in the checkpoints of its step
    // What the model holds now (null: unknown, e.g. after a restore): a schedule value is sent only when it differs.
    private (float D, float G)? _appliedRates;
    private float? _appliedEmaDecay;
    // Checkpoints of the folder that do not load (found on resume or roll-back): kept as they are, never
    // rotated nor set aside; moved to NAME.corrupt only when the run writes a checkpoint of the same name.
    private readonly HashSet<string> _unusable;

    private TrainingSession(TrainingConfig config, ResumeTarget? resume, IImageDataset? dataset, ILogger? logger, ProcessGroup? group)
    {
        config.Validate();
        if (group is not null && config.BatchSize % group.WorldSize != 0)
        {
            throw new ArgumentException(
                $"invalid BatchSize {config.BatchSize}: the global batch must split evenly over the {group.WorldSize} ranks.");
        }
        this.config = config;
        this.group = group;
        this.resume = resume;
        this.logger = logger ?? NullLogger.Instance;
        _unusable = new HashSet<string>(resume?.Unusable ?? [],
            OperatingSystem.IsWindows() ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal);
        runLock = IsMain ? RunLock.Acquire(config.RunDir) : null;
        try
        {
            folder = new RunFolder(config.RunDir);
            if (resume is null && folder.Checkpoints.Any())
            {
                throw new ArgumentException(
                    $"invalid RunDir '{config.RunDir}': it already holds checkpoints; resume it or choose another RunDir.");
            }
            int leftovers = IsMain ? folder.Checkpoints.DeleteLeftoverTemporaries() : 0;
            if (leftovers > 0) this.logger.LogWarning("Deleted {Count} unfinished checkpoint file(s) (*.tmp) of an interrupted write", leftovers);
            ownsDataset = dataset is null;
            this.dataset = dataset ?? DatasetFactory.Open(config.Dataset, new DatasetOptions
            {
                Resolution = config.Model.Resolution,
                Channels = config.Model.Channels,
                Strict = config.StrictDataset,
                Logger = this.logger,
            });
            if (this.dataset.Resolution != config.Model.Resolution || this.dataset.Channels != config.Model.Channels)
            {
                throw new ArgumentException(
                    $"the dataset gives {this.dataset.Resolution}x{this.dataset.Resolution}x{this.dataset.Channels} images; " +
                    $"the model takes {config.Model.Resolution}x{config.Model.Resolution}x{config.Model.Channels}.");
            }
            model = resume is null
                ? P2GanModel.Create(config.Model, config.Runtime, group)
                : P2GanModel.Load(resume.CheckpointPath, config.Runtime, group);
            if (resume is not null)
            {
                TrainingState s = resume.State;
                if (s.Step != model.Step) throw new InvalidDataException($"{resume.CheckpointPath}: host state step {s.Step} != model step {model.Step}.");
                (startPosition, _learningRateScale, _nonFiniteRetries, _skippedBefore, _elapsedBefore, _lastSavedStep, _bestMetricValue) =
                    (s.Loader, s.LearningRateScale, s.NonFiniteRetries, s.SkippedImages, s.ElapsedSeconds, s.Step, s.BestMetricValue);
                _lastCheckpoint = resume.CheckpointPath;
            }
            if (IsMain) File.WriteAllText(folder.ConfigPath, JsonSerializer.Serialize(config.WithFlatSettings(), TrainingJson.Indented));
            metrics = new MetricsWriter(IsMain ? folder.MetricsPath : null, resume?.State.Step);
        }
        catch
        {
            model?.Dispose();
            if (ownsDataset) (this.dataset as IDisposable)?.Dispose();
            runLock?.Dispose();
            throw;
        }
    }

    /// <summary>Begins a new run in <see cref="TrainingConfig.RunDir"/> (created when missing; it must hold
    /// no checkpoints) and creates its model.</summary>
    /// <param name="config">The run's settings; validated here.</param>
    /// <param name="dataset">The training images; null opens <see cref="TrainingConfig.Dataset"/> (and disposes it
    /// with the session). Its resolution and channels must be the model's.</param>
    /// <param name="logger">Receives the run's messages; null discards them.</param>
    /// <param name="processGroup">Train data-parallel in this group (every rank calls Start with the same
    /// settings); null trains alone.</param>
    /// <exception cref="ArgumentException">An invalid setting, or the folder already holds checkpoints.</exception>
    /// <exception cref="RunFolderInUseException">Another session or trainer uses the folder.</exception>
    /// <exception cref="P2GanException">The native core refused the model.</exception>
    public static TrainingSession Start(TrainingConfig config, IImageDataset? dataset = null, ILogger? logger = null,
        ProcessGroup? processGroup = null) =>
        new(config, null, dataset, logger, processGroup);

    /// <summary>Continues a run from a run folder (its newest checkpoint that loads) or a checkpoint file,
    /// with the settings stored in the checkpoint.</summary>
    /// <param name="runDirOrCheckpoint">A run folder or a .ckpt file written by a run.</param>
    /// <param name="change">Changes to the stored settings; only <see cref="TrainingConfig.ChangeableOnResume"/>
    /// may change (e.g. <c>c => c with { Steps = 5000 }</c>).</param>
    /// <param name="dataset">As in <see cref="Start"/>.</param>
    /// <param name="logger">As in <see cref="Start"/>.</param>
    /// <param name="processGroup">As in <see cref="Start"/>: every rank resumes the same folder (on a file system
    /// they share); a world size other than the run's continues it, not bit-exactly.</param>
    /// <exception cref="ArgumentException">Nothing to resume there, or a change of a setting that may not change.</exception>
    /// <exception cref="RunFolderInUseException">Another session or trainer uses the folder.</exception>
    public static TrainingSession Resume(string runDirOrCheckpoint, Func<TrainingConfig, TrainingConfig>? change = null,
        IImageDataset? dataset = null, ILogger? logger = null, ProcessGroup? processGroup = null)
    {
        ResumeTarget target = ResumeTarget.Find(runDirOrCheckpoint, logger);
        TrainingConfig saved = target.State.Config with { RunDir = target.RunDir };
        TrainingConfig changed = change is null ? saved : change(saved) with { RunDir = target.RunDir };
        string[] refused = changed.DifferencesFrom(saved).Where(n => !TrainingConfig.ChangeableOnResume.Contains(n)).ToArray();
        if (refused.Length > 0)
        {
            throw new ArgumentException(
                $"{string.Join(", ", refused)} cannot change on resume (the run continues with its checkpoint's settings); " +
                $"changeable: {string.Join(", ", TrainingConfig.ChangeableOnResume)}.");
        }
        return new TrainingSession(changed, target, dataset, logger, processGroup);
    }

    /// <summary>Continues the run of <paramref name="target"/> with <paramref name="config"/> (the stored
    /// settings with changes the caller already checked, e.g. by <c>p2gan train --resume</c>).</summary>
    /// <param name="target">The checkpoint found by <see cref="ResumeTarget.Find"/>.</param>
    /// <param name="config">The settings; <see cref="TrainingConfig.RunDir"/> must be the target's run folder.</param>
    /// <param name="dataset">As in <see cref="Start"/>.</param>
    /// <param name="logger">As in <see cref="Start"/>.</param>
    /// <param name="processGroup">As in <see cref="Start"/>.</param>
    public static TrainingSession Resume(ResumeTarget target, TrainingConfig config, IImageDataset? dataset = null, ILogger? logger = null,
        ProcessGroup? processGroup = null) =>
        new(config with { RunDir = target.RunDir }, target, dataset, logger, processGroup);

    /// <summary>Whether this process writes the run folder: rank 0 of a data-parallel run, or the only process.</summary>
    public bool IsMain => group is null || group.IsMain;

    /// <summary>The run's settings.</summary>
    public TrainingConfig Config => config;

    /// <summary>The run folder, full path.</summary>
    public string RunDir => folder.Root;

    /// <summary>The model being trained: after <see cref="RunAsync"/> returns, sample, encode or save it.
    /// Do not use it while a run is in progress. Owned by the session.</summary>
    public P2GanModel Model => model;

    /// <summary>Every step and evaluation of the run this session knows (the logged steps of earlier
    /// processes, then every step of this one), for plots and reports.</summary>
    public RunHistory History => metrics.History;

    /// <summary>Raised on the training thread after each checkpoint, sample grid and evaluation.</summary>
    public event EventHandler<TrainingArtifactEventArgs>? ArtifactWritten;

    private double Elapsed => _elapsedBefore + _clock.Elapsed.TotalSeconds;

    /// <summary>Trains up to <see cref="TrainingConfig.Steps"/> on a dedicated thread.</summary>
    /// <param name="progress">Called after every step (on the training thread unless <paramref name="progress"/>
    /// posts elsewhere, as <see cref="Progress{T}"/> does).</param>
    /// <param name="cancellationToken">Stops the run after the current step, with a checkpoint: the result
    /// is then <see cref="TrainingOutcome.Stopped"/> rather than an exception.</param>
    /// <exception cref="TrainingFailedException">Non-finite losses after every allowed roll-back.</exception>
    /// <exception cref="InvalidOperationException">The session already ran.</exception>
    public Task<TrainingResult> RunAsync(IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default) =>
        Task.Factory.StartNew(() => Run(progress, cancellationToken),
            CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    /// <summary>As <see cref="RunAsync"/>, on the calling thread.</summary>
    public TrainingResult Run(IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (Interlocked.Exchange(ref _runs, 1) != 0) throw new InvalidOperationException("a TrainingSession runs once; resume the run folder in a new session.");
        return RunSteps(cancellationToken, progress);
    }

    /// <summary>Releases the model, the dataset the session opened and the folder's lock.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        metrics.Dispose();
        model.Dispose();
        if (ownsDataset) (dataset as IDisposable)?.Dispose();
        runLock?.Dispose();
    }

    private TrainingResult RunSteps(CancellationToken stop, IProgress<TrainingProgress>? progress)
    {
        LoaderPosition position = startPosition;
        if (resume is not null)
        {
            foreach (string warning in resume.Warnings) logger.LogWarning("{Warning}", warning);
            logger.LogInformation("Resuming {RunDir} from {Checkpoint} at step {Step} ({Position})",
                folder.Root, resume.CheckpointPath, resume.State.Step, position);
            foreach (string old in folder.Checkpoints.SetAsideNewerThan(resume.State.Step, _unusable))
            {
                logger.LogWarning("Renamed {Path} to *.abandoned: it is later than the resumed step {Step}", old, resume.State.Step);
            }
        }
        if (group is not null)
        {
            logger.LogInformation("Rank {Rank} of {World}: batch {Local} of the global {Batch}", group.Rank, group.WorldSize,
                LocalBatch, config.BatchSize);
        }
        logger.LogInformation(
            "Training to step {Steps}, batch {Batch}, {Dataset} at {Res}x{Res}x{C}, device {Device}, native {Version}; run folder {RunDir}",
            config.Steps, config.BatchSize, dataset.Description, config.Model.Resolution, config.Model.Resolution,
            config.Model.Channels, model.Runtime.Device, P2GanModel.NativeVersion, folder.Root);

        using TrainingEvaluator? evaluator = IsMain ? new TrainingEvaluator(config, dataset, logger) : null;
        var grid = new FixedSampleGrid(dataset, config.Model.Seed);
        bool useEma = model.Options.EmaDecay > 0;
        var shape = TensorShape.Nchw(LocalBatch, dataset.Channels, dataset.Resolution, dataset.Resolution);
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
                if (StopRequested(stop)) { interrupted = true; break; }
                (float lrD, float lrG) = ApplyLearningRates(model, step);
                float? emaDecay = useEma ? ApplyEmaDecay(model, step) : null;

                // Copied into one reused buffer: the loader recycles its own (no allocation per step).
                // In a group, stopping is decided above for all ranks at once: one that left here alone would leave the others waiting.
                try { loader.NextBatch(batch, group is null ? stop : CancellationToken.None); }
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
                unlogged = new LoggedStep(m, lrD, lrG, emaDecay, imagesPerSecond, Elapsed);
                progress?.Report(new TrainingProgress(m, config.Steps, imagesPerSecond, eta, logStep, lrD, lrG, emaDecay, unlogged.ElapsedSeconds));
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
                if (evaluator?.IsDueAt(m.Step) == true) EvaluateAndKeepBest(model, loader, evaluator, metrics, folder, useEma);
                if (m.Step % config.CheckpointEvery == 0) SaveCheckpoint(model, loader, folder.Checkpoints.StepPath(m.Step), folder);
            }
            _clock.Stop();
            if (unlogged is not null) metrics.Write(unlogged);

            if (interrupted)
            {
                logger.LogWarning("Stop requested: stopping at step {Step}", model.Step);
            }
            WriteGridAndPlot(model, grid, metrics, folder, useEma);
            if (interrupted)
            {
                if (_lastSavedStep != model.Step) SaveCheckpoint(model, loader, folder.Checkpoints.StepPath(model.Step), folder);
                group?.Barrier(); // every rank returns once rank 0's checkpoint is on disk
                logger.LogInformation("Stopped; continue with TrainingSession.Resume or p2gan train --resume {RunDir}", folder.Root);
                return new TrainingResult(TrainingOutcome.Stopped, model.Step, Elapsed, _lastCheckpoint!, _lastEvaluation);
            }
            if (evaluator?.IsDueAtEnd == true)
            {
                EvaluateAndKeepBest(model, loader, evaluator, metrics, folder, useEma);
            }
            SaveCheckpoint(model, loader, folder.Checkpoints.FinalPath, folder);
            group?.Barrier();
            logger.LogInformation("Finished at step {Step} in {Seconds:F1} s of training", model.Step, Elapsed);
            LogSummary(model.Step, useEma);
            return new TrainingResult(TrainingOutcome.Completed, model.Step, Elapsed, _lastCheckpoint!, _lastEvaluation);
        }
        finally
        {
            loader.Dispose();
        }
    }

    private DataLoader NewLoader(LoaderPosition position) =>
        new(dataset, LocalBatch, config.Model.Seed, position, new DataLoaderOptions
        {
            PrefetchBatches = config.PrefetchBatches,
            DecodeThreads = config.DecodeThreads,
            HorizontalFlip = config.HorizontalFlip,
            Rank = group?.Rank ?? 0,
            WorldSize = group?.WorldSize ?? 1,
        });

    /// <summary>This rank's share of the global batch.</summary>
    private int LocalBatch => config.BatchSize / (group?.WorldSize ?? 1);

    /// <summary>Whether to stop before the next step; in a group, rank 0's token decides for every rank
    /// (one byte broadcast per step), so that all stop at the same step.</summary>
    private bool StopRequested(CancellationToken stop)
    {
        if (group is null) return stop.IsCancellationRequested;
        Span<byte> decision = [(byte)(group.IsMain && stop.IsCancellationRequested ? 1 : 0)];
        group.Broadcast(decision);
        return decision[0] != 0;
    }

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
        TrainingEvaluation? e = evaluator.Evaluate(model, useEma);
        if (e is null) return;
        _lastEvaluation = e;
        _lastAggregate = evaluator.LastAggregate;
        metrics.WriteEval(e);
        ArtifactWritten?.Invoke(this, new TrainingArtifactEventArgs(TrainingArtifactKind.Evaluation, folder.MetricsPath, e.Step));
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
        logger.LogInformation("Summary: {Steps} steps, {Seconds:F1} s of training; {Scores} ({Samples} samples{Ema} with {Codes} codes vs the test split)",
            step, Elapsed, scores, config.EvalSamples, useEma ? " of the EMA generator" : "", config.EffectiveEvalCodes.ToString().ToLowerInvariant());
    }

    private void SaveCheckpoint(P2GanModel model, DataLoader loader, string path, RunFolder folder, bool isBest = false)
    {
        if (!IsMain)
        {
            // Rank 0 writes it; the others know its path for their result.
            if (!isBest) (_lastSavedStep, _lastCheckpoint) = (model.Step, Path.GetFullPath(path));
            return;
        }
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
            AggregateCodes = _lastAggregate?.Step == model.Step ? _lastAggregate : null,
        };
        KeepUnusableApart(path);
        model.Save(path, state.ToJson());
        // best.ckpt is no resume point of the step sequence: an interrupt must still write step_N.
        if (!isBest) (_lastSavedStep, _lastCheckpoint) = (model.Step, Path.GetFullPath(path));
        foreach (string deleted in folder.Checkpoints.Rotate(config.KeepCheckpoints, _unusable))
        {
            logger.LogDebug("Deleted old checkpoint {Path}", deleted);
        }
        logger.LogInformation("Wrote checkpoint {Path}", path);
        ArtifactWritten?.Invoke(this, new TrainingArtifactEventArgs(TrainingArtifactKind.Checkpoint, Path.GetFullPath(path), model.Step));
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
        logger.LogWarning("Renamed the checkpoint {Path}, which does not load, to {Target} before writing a new one", full, target);
    }

    private void WriteGridAndPlot(P2GanModel model, FixedSampleGrid grid, MetricsWriter metrics, RunFolder folder, bool useEma)
    {
        if (!IsMain) return;
        string path = folder.SamplePath(model.Step);
        grid.Write(model, path, useEma);
        ArtifactWritten?.Invoke(this, new TrainingArtifactEventArgs(TrainingArtifactKind.Samples, path, model.Step));
        logger.LogInformation("Wrote samples {Path}{Ema}", path, useEma ? " (EMA generator)" : "");
    }
}
