using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using P2Gan.Trainer.Commands;

namespace P2Gan.Trainer.Cli;

/// <summary>
/// --verbosity and --log-format of the hosted commands, and the logging setup they share: the
/// "Logging" configuration section (Logging:LogLevel:Default from the --config file, from
/// P2GAN_Logging__LogLevel__Default or from --Logging:LogLevel:Default=X), with --verbosity on top.
/// </summary>
internal static class LoggingOptions
{
    public const string Simple = "simple";
    public const string Json = "json";

    public static readonly string[] Verbosities = ["quiet", "minimal", "normal", "detailed", "diagnostic"];

    public static IReadOnlyList<CliOption> Options { get; } =
    [
        CliOption.Value("Verbosity", "LEVEL",
            "How much is logged: quiet (errors), minimal (warnings), normal (progress), detailed (debug), diagnostic (trace). " +
            "Overrides Logging:LogLevel:Default.", "normal"),
        CliOption.Value("LogFormat", "simple|json",
            "simple: one line per message for people; json: one JSON object per line (Microsoft.Extensions.Logging's JSON console formatter) for machines.",
            Simple),
    ];

    /// <summary>The log level of a --verbosity value.</summary>
    public static LogLevel Level(string verbosity) => verbosity.Trim().ToLowerInvariant() switch
    {
        "quiet" or "q" => LogLevel.Error,
        "minimal" or "m" => LogLevel.Warning,
        "normal" or "n" => LogLevel.Information,
        "detailed" or "d" => LogLevel.Debug,
        "diagnostic" or "diag" => LogLevel.Trace,
        _ => throw new UsageException($"invalid value '{verbosity}' for --verbosity: one of {string.Join(", ", Verbosities)}."),
    };

    /// <summary>Console logging as the options and the Logging section say; the section must already
    /// be in <paramref name="configuration"/> (<see cref="ConfigurationKeys"/>).</summary>
    /// <param name="toStandardError">Every message to stderr (commands whose stdout is their result).</param>
    public static void Configure(ILoggingBuilder logging, IConfiguration configuration, CommandArguments args, bool toStandardError = false)
    {
        string format = (args.Optional("LogFormat") ?? Simple).Trim().ToLowerInvariant();
        if (format is not (Simple or Json))
        {
            throw new UsageException($"invalid value '{args.Optional("LogFormat")}' for --log-format: simple or json.");
        }
        string? levelText = configuration[$"{CommandArguments.LoggingSection}:LogLevel:Default"];
        if (levelText is not null && !Enum.TryParse<LogLevel>(levelText, ignoreCase: true, out _))
        {
            throw new UsageException(
                $"invalid value '{levelText}' for Logging:LogLevel:Default: one of {string.Join(", ", Enum.GetNames<LogLevel>())}.");
        }
        logging.ClearProviders();
        logging.SetMinimumLevel(LogLevel.Information);
        logging.AddConfiguration(configuration.GetSection(CommandArguments.LoggingSection));
        if (args.Optional("Verbosity") is { } verbosity) logging.SetMinimumLevel(Level(verbosity));
        if (toStandardError)
        {
            logging.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        }
        if (format == Json)
        {
            logging.AddJsonConsole(o => o.TimestampFormat = "O");
        }
        else
        {
            logging.AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.TimestampFormat = "HH:mm:ss ";
            });
        }
    }

    /// <summary>The Logging section of <paramref name="args"/>, and "Logging:LogLevel:Default" of --verbosity
    /// (which wins), as configuration keys.</summary>
    public static IEnumerable<KeyValuePair<string, string?>> ConfigurationKeys(CommandArguments args)
    {
        var keys = args.Logging.ToDictionary(p => p.Key, p => (string?)p.Value, StringComparer.OrdinalIgnoreCase);
        if (args.Optional("Verbosity") is { } verbosity)
        {
            keys[$"{CommandArguments.LoggingSection}:LogLevel:Default"] = Level(verbosity).ToString();
        }
        return keys;
    }
}
