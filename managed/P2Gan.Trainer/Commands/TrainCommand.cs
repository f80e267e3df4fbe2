using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using P2Gan.Trainer.Training;

namespace P2Gan.Trainer.Commands;

/// <summary>'p2gan train': a generic host whose only service is the training worker.</summary>
internal sealed class TrainCommand : ICommand
{
    public const string EnvironmentPrefix = "P2GAN_";

    public string Name => "train";
    public string Summary => "train a model on Fashion-MNIST; writes samples, metrics and a checkpoint";

    public void PrintHelp(TextWriter output)
    {
        output.WriteLine("Usage: p2gan train [--config FILE.json] [--Key value ...]");
        output.WriteLine();
        output.WriteLine($"Settings come from FILE.json, then {EnvironmentPrefix}<Key> environment variables, then the");
        output.WriteLine("command line (later wins). Unset model settings come from the preset.");
        output.WriteLine();
        output.WriteLine("Options (default):");
        var defaults = new TrainOptions();
        foreach (PropertyInfo p in typeof(TrainOptions).GetProperties())
        {
            object? value = p.GetValue(defaults);
            string shown = value switch
            {
                null when p.Name == nameof(TrainOptions.RunDir) => "runs/<yyyyMMdd-HHmmss>",
                null when p.Name == nameof(TrainOptions.Channels) => "the dataset's",
                null when typeof(TrainPreset).GetProperty(p.Name) is not null => "from the preset",
                null => "native default (p2gan_model_default_params)",
                _ => value.ToString()!,
            };
            output.WriteLine($"  --{p.Name,-16} {shown}");
        }
        output.WriteLine();
        output.WriteLine("Presets:");
        foreach (TrainPreset preset in TrainPresets.All)
        {
            output.WriteLine($"  {preset.Name,-10} Steps {preset.Steps}, BatchSize {preset.BatchSize}, Resolution {preset.Resolution}, " +
                $"BaseChannels {preset.BaseChannels}, NoiseDim {preset.NoiseDim}, PosteriorDim {preset.PosteriorDim}, " +
                $"LearningRateD {preset.LearningRateD}, LearningRateG {preset.LearningRateG}");
        }
        output.WriteLine();
        output.WriteLine("Exit codes: 0 done, 1 failed, 2 bad command line, 130 stopped by Ctrl-C (checkpoint written).");
    }

    public async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        (string? configFile, string[] switches) = ExtractConfigFile(args);
        RejectUnknownSwitches(switches);

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            // Defaults would add appsettings.json and every environment variable; the
            // sources and their order are spelled out below instead.
            DisableDefaults = true,
            ContentRootPath = Directory.GetCurrentDirectory(),
        });
        if (configFile is not null)
        {
            builder.Configuration.AddJsonFile(Path.GetFullPath(configFile), optional: false, reloadOnChange: false);
        }
        builder.Configuration.AddEnvironmentVariables(EnvironmentPrefix);
        builder.Configuration.AddCommandLine(switches);

        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss ";
        });
        builder.Services.Configure<ConsoleLifetimeOptions>(o => o.SuppressStatusMessages = true);
        // Ctrl-C waits for the current step, the last grid and the checkpoint.
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromMinutes(10));

        var options = new TrainOptions();
        builder.Configuration.Bind(options);
        var source = DatasetSource.Parse(options.Dataset);
        ResolvedTrainConfig config = TrainConfigResolver.Resolve(options, source.Channels, DateTime.Now);
        var dataset = source.Load(config.Resolution);

        builder.Services.AddSingleton(config);
        builder.Services.AddSingleton(dataset);
        builder.Services.AddSingleton<TrainingOutcome>();
        builder.Services.AddHostedService<TrainingWorker>();

        using IHost host = builder.Build();
        // RunAsync disposes the host (and its services): take what is needed afterwards now.
        var outcome = host.Services.GetRequiredService<TrainingOutcome>();
        var loggerFactory = host.Services.GetRequiredService<ILoggerFactory>();
        P2GanNativeLogging.UseLogger(loggerFactory.CreateLogger("P2Gan.Native"));
        try
        {
            await host.RunAsync(cancellationToken);
        }
        finally
        {
            // The logger dies with the host; native messages go back to stderr.
            P2GanNativeLogging.UseLogger(null);
        }
        return outcome.ExitCode;
    }

    /// <summary>Splits "--config FILE" (or --config=FILE) off the switches given to the binder.</summary>
    private static (string? ConfigFile, string[] Switches) ExtractConfigFile(string[] args)
    {
        string? file = null;
        var rest = new List<string>();
        for (int i = 0; i < args.Length; i++)
        {
            if (string.Equals(args[i], "--config", StringComparison.OrdinalIgnoreCase))
            {
                if (i + 1 >= args.Length) throw new ArgumentException("option --config needs a file name.");
                file = args[++i];
            }
            else if (args[i].StartsWith("--config=", StringComparison.OrdinalIgnoreCase))
            {
                file = args[i]["--config=".Length..];
            }
            else
            {
                rest.Add(args[i]);
            }
        }
        if (file is not null && !File.Exists(file)) throw new FileNotFoundException($"config file '{file}' not found.");
        return (file, rest.ToArray());
    }

    /// <summary>The binder ignores unknown keys; on the command line a typo must be an error.</summary>
    private static void RejectUnknownSwitches(string[] switches)
    {
        var known = typeof(TrainOptions).GetProperties().Select(p => p.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
        for (int i = 0; i < switches.Length; i++)
        {
            string arg = switches[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                throw new ArgumentException($"unexpected argument '{arg}' (options are --Key value).");
            }
            string key = arg[2..].Split('=', 2)[0];
            if (!known.Contains(key))
            {
                throw new ArgumentException($"unknown option --{key} for 'train' (see p2gan train --help).");
            }
            if (!arg.Contains('=')) i++; // skip the value
        }
    }
}
