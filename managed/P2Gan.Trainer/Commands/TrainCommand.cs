using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using P2Gan.Datasets;
using P2Gan.Distributed;
using P2Gan.Trainer.Cli;
using P2Gan.Trainer.Training;

namespace P2Gan.Trainer.Commands;

/// <summary>'p2gan train': a generic host whose only service is the training worker.</summary>
internal sealed class TrainCommand : ICommand
{
    public string Name => "train";
    public string Summary => "train a model (or --resume one); writes samples, metrics, a loss plot and checkpoints";

    public string? Details =>
        "Settings come from --config FILE.json, then P2GAN_<NAME> environment variables (P2GAN_BATCH_SIZE), then the " +
        "command line (later wins). The defaults shown are those of a run without options (preset " + TrainPresets.CpuSmallName +
        "); another --preset changes the model settings, --steps, --batch-size and --eval-at-end. On --resume RUN_DIR|FILE.ckpt " +
        "the checkpoint's settings are used; only these may be given again: " +
        string.Join(", ", ResumeOverrides.Allowed.Select(n => "--" + OptionNames.Kebab(n))) + ".\n\n" +
        $"Datasets: {DatasetSpec.Syntax}\n\nPresets:\n" +
        string.Join("\n", TrainPresets.All.Select(preset =>
            $"  {preset.Name,-10} --steps {preset.Steps}, --batch-size {preset.BatchSize}, --eval-at-end {(preset.EvalAtEnd ? "true" : "false")}" +
            string.Concat(preset.ModelChanges().Select(c => $", --{OptionNames.Kebab(c.Name)} {c.Value}")))) +
        "\n\nLogging: --verbosity, or Logging:LogLevel:Default (in the --config file, as P2GAN_Logging__LogLevel__Default or " +
        "--Logging:LogLevel:Default=Warning). Exit codes: 0 done (also when stopped by Ctrl-C/SIGTERM after writing the " +
        "checkpoint), 1 failed, 2 bad option. See docs/training.md.";

    public IReadOnlyList<CliOption> Options => TrainCliOptions.All;

    public async Task<int> RunAsync(CommandArguments a, CancellationToken cancellationToken)
    {
        // torchrun (or our own launcher) describes this process as one rank; otherwise --nproc-per-node N starts N.
        bool isRank = ProcessGroup.EnvironmentDescribesGroup;
        int processes = LaunchOptions.Processes(a);
        if (!isRank && processes > 1) return await LocalLauncher.RunAsync(processes, Console.Error, cancellationToken);
        int rank = isRank && int.TryParse(Environment.GetEnvironmentVariable("RANK"), out int r) ? r : 0;

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            // Defaults would add appsettings.json and every environment variable; the sources
            // (file < environment < command line) are merged by CommandArguments instead.
            DisableDefaults = true,
            ContentRootPath = Directory.GetCurrentDirectory(),
        });
        builder.Configuration.AddInMemoryCollection(a.Values.Select(p => KeyValuePair.Create(p.Key, (string?)p.Value)));
        builder.Configuration.AddInMemoryCollection(LoggingOptions.ConfigurationKeys(a));
        // Ranks other than 0 report only warnings and errors, on stderr, each line naming the rank.
        LoggingOptions.Configure(builder.Logging, builder.Configuration, a, toStandardError: rank != 0);
        if (rank != 0) builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.Configure<ConsoleLifetimeOptions>(o => o.SuppressStatusMessages = true);
        // Ctrl-C/SIGTERM wait for the current step, the last grid and the checkpoint.
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromMinutes(10));

        TrainOptions options = TrainCliOptions.Bind(a.Values);

        ResumeTarget? resume = null;
        TrainingConfig config;
        try
        {
            if (!string.IsNullOrWhiteSpace(options.Resume))
            {
                resume = ResumeTarget.Find(options.Resume);
                config = ResumeOverrides.Apply(resume.State.Config, builder.Configuration, options, resume.RunDir);
            }
            else
            {
                config = TrainConfigResolver.Resolve(options, key => builder.Configuration[key],
                    DatasetFactory.NaturalChannels(options.Dataset), DateTime.Now);
            }
        }
        catch (ArgumentException e) when (e is not UsageException)
        {
            throw new UsageException(TrainCliOptions.WithSwitches(e.Message), e);
        }

        config = RankThreads.Apply(config);

        // The session takes the folder's lock (one trainer per run folder); this check only makes the
        // mistake a usage error before anything starts.
        if (resume is null && new CheckpointStore(Path.Combine(config.RunDir, RunFolder.CheckpointsName)).Any())
        {
            throw new UsageException(
                $"invalid --run-dir '{config.RunDir}': it already holds checkpoints; continue it with --resume {config.RunDir} or choose another --run-dir.");
        }

        builder.Services.AddSingleton(config);
        // Opened through the container so that the dataset's warnings (skipped images) and the run's
        // messages reach the host's logger.
        TimeSpan timeout = LaunchOptions.Timeout(a);
        builder.Services.AddSingleton(services => TrainingInputs.Open(
            config, resume, isTerminal: !Console.IsOutputRedirected && rank == 0, services.GetRequiredService<ILoggerFactory>(),
            isRank ? () => ProcessGroup.FromEnvironment(timeout) : null));
        builder.Services.AddSingleton<TrainingExitCode>();
        builder.Services.AddHostedService<TrainingWorker>();

        using IHost host = builder.Build();
        // RunAsync disposes the host (and its services): take what is needed afterwards now.
        var exitCode = host.Services.GetRequiredService<TrainingExitCode>();
        var loggerFactory = host.Services.GetRequiredService<ILoggerFactory>();
        TrainingInputs inputs = host.Services.GetRequiredService<TrainingInputs>(); // opens the dataset and the session: fail before starting
        P2GanNativeLogging.UseLogger(loggerFactory.CreateLogger("P2Gan.Native"));
        try
        {
            await host.RunAsync(cancellationToken);
        }
        finally
        {
            // The logger dies with the host; native messages go back to stderr.
            P2GanNativeLogging.UseLogger(null);
            inputs.Dispose();
        }
        return exitCode.Value;
    }
}
