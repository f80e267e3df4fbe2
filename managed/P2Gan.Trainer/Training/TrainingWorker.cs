using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using P2Gan.Datasets;

namespace P2Gan.Trainer.Training;

/// <summary>What the worker needs besides the configuration: the opened dataset and, on
/// --resume, the checkpoint to continue from.</summary>
internal sealed record TrainingInputs(IImageDataset Dataset, ResumeTarget? Resume, bool IsTerminal);

/// <summary>Runs the training loop as the host's work; stops the host when done.
/// Ctrl-C and SIGTERM (the host's console lifetime) cancel <c>stoppingToken</c>, which the loop
/// checks between steps.</summary>
internal sealed class TrainingWorker(
    ResolvedTrainConfig config,
    TrainingInputs inputs,
    TrainingOutcome outcome,
    IHostApplicationLifetime lifetime,
    ILogger<TrainingWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            var progress = TrainingProgress.Create(logger, inputs.IsTerminal);
            // The loop is synchronous and CPU-bound: keep it off the host's startup path.
            RunOutcome result = await Task.Factory.StartNew(
                () => new TrainingRun(config, inputs.Dataset, inputs.Resume, logger, progress).Run(stoppingToken),
                CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
            outcome.ExitCode = result == RunOutcome.Completed ? ExitCodes.Success : ExitCodes.Interrupted;
        }
        catch (Exception e)
        {
            logger.LogError("Training failed: {Message}", ErrorText.OneLine(e));
            outcome.ExitCode = ExitCodes.Failure;
        }
        finally
        {
            lifetime.StopApplication();
        }
    }
}

/// <summary>Carries the worker's exit code out of the host.</summary>
internal sealed class TrainingOutcome
{
    public int ExitCode { get; set; } = ExitCodes.Failure;
}
