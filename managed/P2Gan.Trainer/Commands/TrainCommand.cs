using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using P2Gan.Datasets;
using P2Gan.Trainer.Training;

namespace P2Gan.Trainer.Commands;

/// <summary>'p2gan train': a generic host whose only service is the training worker.</summary>
internal sealed class TrainCommand : ICommand
{
    public const string EnvironmentPrefix = "P2GAN_";

    public string Name => "train";
    public string Summary => "train a model (or --resume one); writes samples, metrics, a loss plot and checkpoints";

    public void PrintHelp(TextWriter output)
    {
        output.WriteLine("Usage: p2gan train [--config FILE.json] [--Key value ...]");
        output.WriteLine("       p2gan train --resume RUN_DIR|FILE.ckpt [--Steps N] [--LogEvery N] ...");
        output.WriteLine();
        output.WriteLine($"Settings come from FILE.json, then {EnvironmentPrefix}<Key> environment variables, then the");
        output.WriteLine("command line (later wins). Unset model settings come from the preset. Keys are case-insensitive.");
        output.WriteLine("On --resume the checkpoint's settings are used; only these may be given again:");
        output.WriteLine($"  {string.Join(", ", ResumeOverrides.Allowed)}.");
        output.WriteLine();
        output.WriteLine("Trainer options (default):");
        var defaults = new TrainOptions();
        foreach (PropertyInfo p in typeof(TrainOptions).GetProperties())
        {
            object? value = p.GetValue(defaults);
            string shown = value switch
            {
                null when p.Name == nameof(TrainOptions.RunDir) => "runs/<yyyyMMdd-HHmmss>",
                null when p.Name == nameof(TrainOptions.Resume) => "none: a new run",
                null when typeof(TrainPreset).GetProperty(p.Name) is not null => "from the preset",
                null => "none",
                Enum e => $"{e} (one of {string.Join(", ", Enum.GetNames(e.GetType()))})",
                _ => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)!,
            };
            output.WriteLine($"  --{p.Name,-28} {shown}");
        }
        output.WriteLine($"  --{"config",-28} none: a JSON file of these keys");
        output.WriteLine();
        output.WriteLine("Model settings (what the model is; stored in its checkpoints). Default: the preset's (below), else:");
        PrintSettings(output, ModelOptions.Settings, new ModelOptions { Channels = 0 });
        output.WriteLine();
        output.WriteLine("Runtime settings (where and how it runs):");
        PrintSettings(output, RuntimeOptions.Settings, new RuntimeOptions());
        output.WriteLine();
        output.WriteLine($"Datasets: {DatasetSpec.Syntax}");
        output.WriteLine();
        output.WriteLine("Presets:");
        foreach (TrainPreset preset in TrainPresets.All)
        {
            output.WriteLine($"  {preset.Name,-10} Steps {preset.Steps}, BatchSize {preset.BatchSize}, EvalAtEnd {preset.EvalAtEnd}" +
                string.Concat(preset.ModelChanges().Select(c => $", {c.Name} {c.Value}")));
        }
        output.WriteLine();
        output.WriteLine("Exit codes: 0 done (also when stopped by Ctrl-C/SIGTERM after writing the checkpoint), 1 failed, 2 bad option.");
        output.WriteLine("See docs/training.md.");
    }

    private static void PrintSettings(TextWriter output, IReadOnlyList<SettingInfo> settings, object defaults)
    {
        foreach (SettingInfo s in settings)
        {
            string value = s.Name == nameof(ModelOptions.Channels) ? "the dataset's" : SettingsBinding.Format(defaults, s.Name);
            string constraint = s.Constraint.Length > 0 ? $"; {s.Constraint}" : "";
            output.WriteLine($"  --{s.Name,-28} {value}{constraint}. {s.Description}");
        }
    }

    public async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        (string? configFile, string[] switches) = ExtractConfigFile(args);
        RejectUnknownSwitches(switches);
        if (configFile is not null) RejectUnknownConfigKeys(configFile);
        RejectUnknownEnvironmentVariables();

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
        // Ctrl-C/SIGTERM wait for the current step, the last grid and the checkpoint.
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromMinutes(10));

        var options = new TrainOptions();
        try
        {
            builder.Configuration.Bind(options);
        }
        catch (InvalidOperationException e)
        {
            throw new UsageException(ErrorText.OneLine(e), e);
        }

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
            throw new UsageException(e.Message, e);
        }

        // The session takes the folder's lock (one trainer per run folder); this check only makes the
        // mistake a usage error before anything starts.
        if (resume is null && new CheckpointStore(Path.Combine(config.RunDir, RunFolder.CheckpointsName)).Any())
        {
            throw new UsageException(
                $"invalid RunDir '{config.RunDir}': it already holds checkpoints; continue it with --resume {config.RunDir} or choose another RunDir.");
        }

        builder.Services.AddSingleton(config);
        // Opened through the container so that the dataset's warnings (skipped images) and the run's
        // messages reach the host's logger.
        builder.Services.AddSingleton(services => TrainingInputs.Open(
            config, resume, isTerminal: !Console.IsOutputRedirected, services.GetRequiredService<ILoggerFactory>()));
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

    /// <summary>Splits "--config FILE" (or --config=FILE) off the switches given to the binder.</summary>
    private static (string? ConfigFile, string[] Switches) ExtractConfigFile(string[] args)
    {
        string? file = null;
        var rest = new List<string>();
        for (int i = 0; i < args.Length; i++)
        {
            if (string.Equals(args[i], "--config", StringComparison.OrdinalIgnoreCase))
            {
                if (i + 1 >= args.Length) throw new UsageException("option --config needs a file name.");
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
        if (file is not null && !File.Exists(file)) throw new UsageException($"invalid --config '{file}': file not found.");
        return (file, rest.ToArray());
    }

    /// <summary>The binder ignores unknown keys: in the --config file a typo (or a nested object, which
    /// no option takes) must be an error, as on the command line.</summary>
    private static void RejectUnknownConfigKeys(string file)
    {
        System.Text.Json.JsonDocument document;
        try
        {
            // As the configuration's JSON source reads it: comments and trailing commas allowed.
            document = System.Text.Json.JsonDocument.Parse(File.ReadAllText(file), new System.Text.Json.JsonDocumentOptions
            {
                CommentHandling = System.Text.Json.JsonCommentHandling.Skip,
                AllowTrailingCommas = true,
            });
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new UsageException($"invalid --config {file}: {ErrorText.OneLine(e)}", e);
        }
        catch (IOException e)
        {
            throw new UsageException($"invalid --config {file}: {e.Message}", e);
        }
        using (document)
        {
            if (document.RootElement.ValueKind != System.Text.Json.JsonValueKind.Object)
            {
                throw new UsageException($"invalid --config {file}: expected a JSON object of option names to values.");
            }
            foreach (System.Text.Json.JsonProperty property in document.RootElement.EnumerateObject())
            {
                if (!OptionNames.Known.Contains(property.Name))
                {
                    throw new UsageException($"unknown option '{property.Name}' in {file}{OptionNames.Suggestion(property.Name)}");
                }
                if (property.Value.ValueKind is System.Text.Json.JsonValueKind.Object or System.Text.Json.JsonValueKind.Array)
                {
                    throw new UsageException(
                        $"invalid option '{property.Name}' in {file}: a nested {property.Value.ValueKind.ToString().ToLowerInvariant()}; " +
                        "options are flat \"Name\": value pairs.");
                }
            }
        }
    }

    /// <summary>Every P2GAN_&lt;Key&gt; variable is read as an option: one whose key is no option is a typo
    /// (the project's own variables, <see cref="ProjectEnvironment.Variables"/>, excepted).</summary>
    private static void RejectUnknownEnvironmentVariables()
    {
        foreach (string name in Environment.GetEnvironmentVariables().Keys.Cast<string>().Order(StringComparer.Ordinal))
        {
            if (!name.StartsWith(EnvironmentPrefix, StringComparison.OrdinalIgnoreCase)) continue;
            if (ProjectEnvironment.Variables.Contains(name)) continue;
            string key = name[EnvironmentPrefix.Length..];
            if (!OptionNames.Known.Contains(key))
            {
                throw new UsageException($"unknown option '{key}' in the environment variable {name}{OptionNames.Suggestion(key)}");
            }
        }
    }

    /// <summary>The binder ignores unknown keys; on the command line a typo must be an error.</summary>
    private static void RejectUnknownSwitches(string[] switches)
    {
        var known = OptionNames.Known;
        for (int i = 0; i < switches.Length; i++)
        {
            string arg = switches[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                throw new UsageException($"unexpected argument '{arg}' (options are --Key value).");
            }
            string key = arg[2..].Split('=', 2)[0];
            if (!known.Contains(key))
            {
                throw new UsageException($"unknown option --{key} for 'train'{OptionNames.Suggestion(key)} (see p2gan train --help).");
            }
            if (!arg.Contains('='))
            {
                if (i + 1 >= switches.Length || switches[i + 1].StartsWith("--", StringComparison.Ordinal))
                {
                    throw new UsageException($"option --{key} needs a value.");
                }
                i++; // skip the value
            }
        }
    }
}
