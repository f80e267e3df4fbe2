using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using P2Gan.Datasets;
using P2Gan.Distributed;
using P2Gan.Trainer.Reporting;

namespace P2Gan.Trainer.Training;

/// <summary>What the worker runs: the session (dataset opened, folder locked, model created or loaded:
/// whatever fails there fails before the host starts) and the console progress its messages break.</summary>
internal sealed class TrainingInputs : IDisposable
{
    private readonly IImageDataset _dataset;

    private readonly ProcessGroup? _group;

    private TrainingInputs(IImageDataset dataset, TrainingSession session, ConsoleProgress progress, ILogger logger, ProcessGroup? group) =>
        (_dataset, Session, Progress, Logger, _group) = (dataset, session, progress, logger, group);

    public TrainingSession Session { get; }
    public ConsoleProgress Progress { get; }
    /// <summary>The run's logger: ends the live progress line before each message.</summary>
    public ILogger Logger { get; }

    /// <param name="joinGroup">Joins this rank's process group (a torchrun-style launch); null trains alone.</param>
    public static TrainingInputs Open(TrainingConfig config, ResumeTarget? resume, bool isTerminal, ILoggerFactory loggers,
        Func<ProcessGroup>? joinGroup = null)
    {
        IImageDataset dataset = DatasetFactory.Open(config.Dataset, new DatasetOptions
        {
            Resolution = config.Model.Resolution,
            Channels = config.Model.Channels,
            Strict = config.StrictDataset,
            Logger = loggers.CreateLogger("P2Gan.Datasets"),
        });
        ProcessGroup? group = null;
        try
        {
            group = joinGroup?.Invoke();
            ILogger workerLogger = loggers.CreateLogger<TrainingWorker>();
            if (group is { IsMain: false }) workerLogger = new RankLogger(workerLogger, group.Rank);
            var progress = ConsoleProgress.Create(workerLogger, isTerminal);
            ILogger runLogger = new LineBreakingLogger(workerLogger, progress);
            TrainingSession session = resume is not null
                ? TrainingSession.Resume(resume, config, dataset, runLogger, group)
                : TrainingSession.Start(config, dataset, runLogger, group);
            return new TrainingInputs(dataset, session, progress, runLogger, group);
        }
        catch
        {
            group?.Dispose();
            (dataset as IDisposable)?.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        Session.Dispose();
        _group?.Dispose();
        (_dataset as IDisposable)?.Dispose();
    }
}

/// <summary>Runs the SDK's <see cref="TrainingSession"/> as the host's work, with the console progress and
/// the plots and report.html of the run folder; stops the host when done. Ctrl-C and SIGTERM (the host's
/// console lifetime) cancel <c>stoppingToken</c>: the session finishes the step and checkpoints.</summary>
internal sealed class TrainingWorker(
    TrainingInputs inputs,
    TrainingExitCode exitCode,
    IHostApplicationLifetime lifetime) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            TrainingSession session = inputs.Session;
            ConsoleProgress progress = inputs.Progress;
            ILogger runLogger = inputs.Logger;
            session.ArtifactWritten += (_, e) =>
            {
                // losses.png, posterior.png, fid.png and report.html follow the grids and the evaluations.
                if (e.Kind is TrainingArtifactKind.Samples or TrainingArtifactKind.Evaluation)
                {
                    RunReport.TryWrite(session.RunDir, session.History, runLogger);
                }
            };
            TrainingResult result;
            try
            {
                result = await session.RunAsync(progress, stoppingToken);
            }
            finally
            {
                progress.Break();
            }
            exitCode.Value = result.Outcome == TrainingOutcome.Completed ? ExitCodes.Success : ExitCodes.Interrupted;
        }
        catch (Exception e)
        {
            inputs.Logger.LogError("Training failed: {Message}", ErrorText.OneLine(e));
            exitCode.Value = ExitCodes.Failure;
        }
        finally
        {
            lifetime.StopApplication();
        }
    }
}

/// <summary>Carries the worker's exit code out of the host.</summary>
internal sealed class TrainingExitCode
{
    public int Value { get; set; } = ExitCodes.Failure;
}

/// <summary>Names the rank in each message of a rank other than 0 of a data-parallel run.</summary>
internal sealed class RankLogger(ILogger inner, int rank) : ILogger
{
    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => inner.BeginScope(state);

    public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception,
        Func<TState, Exception?, string> formatter) =>
        inner.Log(logLevel, eventId, state, exception, (s, e) => $"[rank {rank}] {formatter(s, e)}");
}

/// <summary>Passes messages on after ending the console's live progress line.</summary>
internal sealed class LineBreakingLogger(ILogger inner, ConsoleProgress progress) : ILogger
{
    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => inner.BeginScope(state);

    public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception,
        Func<TState, Exception?, string> formatter)
    {
        if (IsEnabled(logLevel)) progress.Break();
        inner.Log(logLevel, eventId, state, exception, formatter);
    }
}
