using System.CommandLine;
using System.CommandLine.Help;
using P2Gan.Trainer.Cli;
using P2Gan.Trainer.Commands;
using P2Gan.Trainer.Training;

namespace P2Gan.Trainer;

/// <summary>
/// The p2gan command line on System.CommandLine: each <see cref="ICommand"/>'s declared options become
/// kebab-case options (with their PascalCase spellings as hidden aliases), --config FILE.json and the
/// P2GAN_ environment variables are merged under them (<see cref="CommandArguments"/>), and every
/// error is one line: usage errors exit 2, failures 1 (<see cref="ExitCodes"/>).
/// </summary>
public static class TrainerApp
{
    private static readonly ICommand[] Commands =
    [
        new TrainCommand(),
        new ForwardCommand(),
        new SampleCommand(),
        new ExportCommand(),
        new InterpolateCommand(),
        new EncodeCommand(),
        new BenchCommand(),
        new BenchDataCommand(),
        new TrainClassifierCommand(),
        new EvalCommand(),
    ];

    private static readonly CliOption ConfigOption = CliOption.Value("Config", "FILE.json",
        "Option values as a JSON object (\"batch-size\": 8 or \"BatchSize\": 8); environment variables P2GAN_<NAME> " +
        "win over it, the command line over both.");

    internal const string Description =
        "p2gan - P2GAN (Posterior Promoted GAN) trainer.\n\n" +
        "Every option can also come from --config FILE.json (an object of option names to values) and from " +
        "P2GAN_<NAME> environment variables (P2GAN_BATCH_SIZE or P2GAN_BatchSize); the command line wins over the " +
        "environment, which wins over the file. Exit codes: 0 done, 1 failed, 2 bad command line.";

    /// <summary>Normalized names of every command's options (a P2GAN_ variable naming one is no typo).</summary>
    private static readonly IReadOnlySet<string> EveryOptionName =
        Commands.SelectMany(c => c.Options).SelectMany(o => o.NormalizedNames).ToHashSet();

    /// <summary>Runs one command; returns the process exit code. Never throws for user errors.</summary>
    public static async Task<int> RunAsync(string[] args, CancellationToken cancellationToken = default)
    {
        if (args.Length > 0 && args[0] == "help") args = [.. args[1..], "--help"]; // "p2gan help [command]"
        string[] rest;
        Dictionary<string, string> logging;
        try
        {
            (rest, logging) = ExtractLoggingSwitches(args);
        }
        catch (UsageException e)
        {
            Console.Error.WriteLine($"p2gan: error: {e.Message}");
            return ExitCodes.Usage;
        }
        RootCommand root = BuildRoot(logging);
        ParseResult parse = root.Parse(rest.Length == 0 ? ["--help"] : rest);
        string commandName = parse.CommandResult.Command is RootCommand ? "p2gan" : $"p2gan {parse.CommandResult.Command.Name}";
        if (parse.Errors.Count > 0)
        {
            foreach (string line in ErrorLines(parse, rest)) Console.Error.WriteLine($"{commandName}: error: {line}");
            return ExitCodes.Usage;
        }
        var invocation = new InvocationConfiguration
        {
            Output = Console.Out,
            Error = Console.Error,
            EnableDefaultExceptionHandler = false,
            // Ctrl-C/SIGTERM belong to the command (train finishes its step and checkpoint): no forced exit.
            ProcessTerminationTimeout = null,
        };
        try
        {
            int code = await parse.InvokeAsync(invocation, cancellationToken);
            return rest.Length == 0 ? ExitCodes.Usage : code;
        }
        catch (UsageException e)
        {
            Console.Error.WriteLine($"{commandName}: error: {ErrorText.OneLine(e)}");
            return ExitCodes.Usage;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // One clear line; the stack trace helps nobody running the tool.
            Console.Error.WriteLine($"{commandName}: error: {ErrorText.OneLine(e)}");
            return ExitCodes.Failure;
        }
    }

    /// <summary>The command tree; internal for tests.</summary>
    internal static RootCommand BuildRoot(IReadOnlyDictionary<string, string>? logging = null)
    {
        var root = new RootCommand(Description);
        foreach (ICommand command in Commands)
        {
            root.Add(BuildCommand(command, logging ?? new Dictionary<string, string>()));
        }
        foreach (HelpOption help in root.Options.OfType<HelpOption>())
        {
            if (help.Action is not HelpAction action) continue;
            // Wide enough that an option's description is not cut at 80 columns when piped.
            action.MaxWidth = Math.Max(Console.IsOutputRedirected ? 120 : WindowWidth(), 80);
            help.Action = new ToolNameHelpAction(action);
        }
        foreach (VersionOption version in root.Options.OfType<VersionOption>()) version.Action = new VersionAction();
        return root;
    }

    private static int WindowWidth()
    {
        try { return Console.WindowWidth; }
        catch (IOException) { return 120; }
    }

    private static Command BuildCommand(ICommand command, IReadOnlyDictionary<string, string> logging)
    {
        string description = command.Details is { } details ? $"{command.Summary}.\n\n{details}" : command.Summary + ".";
        var cli = new Command(command.Name, description);
        IReadOnlyList<CliOption> declared = [.. command.Options, ConfigOption];
        var bound = new List<(CliOption Declared, Option Option)>();
        foreach (CliOption option in declared)
        {
            bound.Add((option, Bind(option, option.Switch, hidden: false)));
            foreach (string alias in option.LegacyNames.Prepend(option.Name).Select(n => "--" + n).Distinct())
            {
                if (alias != option.Switch) bound.Add((option, Bind(option, alias, hidden: true)));
            }
        }
        foreach ((_, Option option) in bound) cli.Add(option);
        cli.SetAction(async (parse, cancellationToken) =>
        {
            var given = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach ((CliOption option, Option symbol) in bound)
            {
                // Only what the command line sets: defaults come from the file, the environment or the command.
                if (parse.GetResult(symbol) is not { Implicit: false } result) continue;
                object? value = result.GetValueOrDefault<object?>();
                given[option.Name] = value switch
                {
                    bool b => b ? "true" : "false",
                    _ => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "",
                };
            }
            given.Remove(ConfigOption.Name, out string? configFile);
            CommandArguments arguments = CommandArguments.Resolve(command.Name, command.Options, configFile, given, logging,
                EveryOptionName);
            return await command.RunAsync(arguments, cancellationToken);
        });
        return cli;
    }

    private static Option Bind(CliOption declared, string name, bool hidden)
    {
        string description = declared.Default is { } d ? $"{declared.Description} [default: {d}]" : declared.Description;
        if (declared.IsFlag)
        {
            return new Option<bool>(name)
            {
                Description = description,
                Hidden = hidden,
                // Given more than once, the last one wins (as in Microsoft.Extensions.Configuration): a script
                // can append an option to a base command line.
                Arity = ArgumentArity.ZeroOrMore,
                CustomParser = result =>
                {
                    if (result.Tokens.Count == 0) return true;
                    string text = result.Tokens[^1].Value;
                    if (SettingsBinding.ParseBool(text) is { } value) return value;
                    result.AddError($"invalid value '{text}' for {declared.Switch}: true or false.");
                    return false;
                },
            };
        }
        return new Option<string>(name)
        {
            Description = description,
            Hidden = hidden,
            HelpName = declared.HelpName,
            Arity = ArgumentArity.OneOrMore, // one value per occurrence; the last one wins
            CustomParser = result => result.Tokens[^1].Value,
        };
    }

    /// <summary>Microsoft.Extensions.Configuration's switch for logging, --Logging:LogLevel:Default=Warning (or
    /// with the value as the next argument), taken out before System.CommandLine sees the rest.</summary>
    private static (string[] Remaining, Dictionary<string, string> Logging) ExtractLoggingSwitches(string[] args)
    {
        var rest = new List<string>();
        var logging = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        const string prefix = "--" + CommandArguments.LoggingSection + ":";
        for (int i = 0; i < args.Length; i++)
        {
            string arg = args[i];
            if (!arg.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            {
                rest.Add(arg);
                continue;
            }
            int eq = arg.IndexOf('=');
            if (eq >= 0) logging[arg[2..eq]] = arg[(eq + 1)..];
            else if (i + 1 < args.Length) logging[arg[2..]] = args[++i];
            else throw new UsageException($"option {arg} needs a value.");
        }
        return (rest.ToArray(), logging);
    }

    /// <summary>The visible name of the flag option right before <paramref name="token"/> on the command line, or null.</summary>
    private static string? FlagBefore(Command command, IReadOnlyList<string> args, string token)
    {
        int index = args.ToList().IndexOf(token);
        if (index <= 0) return null;
        Option? option = command.Options.FirstOrDefault(o => o.Name == args[index - 1] || o.Aliases.Contains(args[index - 1]));
        if (option is null || option.ValueType != typeof(bool)) return null;
        return option.Hidden ? "--" + OptionNames.Kebab(option.Name.TrimStart('-')) : option.Name;
    }

    private static readonly System.Text.RegularExpressions.Regex RequiredValue =
        new(@"^Required argument missing for option: '(.+)'\.$");

    /// <summary>System.CommandLine's errors, with an unknown option or command named once and the closest
    /// known one suggested.</summary>
    private static IEnumerable<string> ErrorLines(ParseResult parse, IReadOnlyList<string> args)
    {
        Command command = parse.CommandResult.Command;
        var unmatched = parse.UnmatchedTokens;
        bool afterUnknownOption = false;
        foreach (string token in unmatched)
        {
            bool wasAfterUnknownOption = afterUnknownOption;
            afterUnknownOption = token.StartsWith('-');
            if (wasAfterUnknownOption && !token.StartsWith('-'))
            {
                continue; // the value of the unknown option just named
            }
            if (command is RootCommand && !token.StartsWith('-'))
            {
                string? best = OptionNames.Closest(token, Commands.Select(c => c.Name));
                yield return $"unknown command '{token}'{(best is null ? "" : $"; did you mean {best}?")} Run 'p2gan --help' for the list.";
            }
            else if (token.StartsWith('-'))
            {
                IEnumerable<string> visible = command.Options.Where(o => !o.Hidden).Select(o => o.Name.TrimStart('-'));
                string? best = OptionNames.Closest(token.TrimStart('-'), visible);
                yield return $"unknown option {token}{(best is null ? "" : $"; did you mean --{best}?")} " +
                             $"(see {(command is RootCommand ? "p2gan" : "p2gan " + command.Name)} --help).";
            }
            else if (FlagBefore(command, args, token) is { } flag)
            {
                // A flag takes only true or false; System.CommandLine leaves any other word unmatched.
                yield return $"invalid value '{token}' for {flag}: true or false.";
            }
            else
            {
                yield return $"unexpected argument '{token}' (options start with --).";
            }
        }
        foreach (var error in parse.Errors)
        {
            if (unmatched.Any(t => error.Message.Contains($"'{t}'", StringComparison.Ordinal))) continue;
            if (unmatched.Count > 0 && command is RootCommand) continue; // "Required command was not provided."
            yield return RequiredValue.Replace(error.Message, "option $1 needs a value.");
        }
    }
}
