using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using P2Gan.Datasets;

namespace P2Gan.Trainer.Training;

/// <summary>Runs the training loop as the host's work; stops the host when done.
/// Ctrl-C cancels <c>stoppingToken</c>, which the loop checks between steps.</summary>
internal sealed class TrainingWorker(
    ResolvedTrainConfig config,
    FashionMnistDataset dataset,
    TrainingOutcome outcome,
    IHostApplicationLifetime lifetime,
    ILogger<TrainingWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            // The loop is synchronous and CPU-bound: keep it off the host's startup path.
            bool completed = await Task.Factory.StartNew(
                () => new TrainingRun(config, dataset, logger).Run(stoppingToken),
                CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
            outcome.ExitCode = completed ? ExitCodes.Success : ExitCodes.Interrupted;
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
