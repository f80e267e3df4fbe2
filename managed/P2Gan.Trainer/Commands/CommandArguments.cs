using System.Globalization;
using System.Text.Json;
using P2Gan.Trainer.Cli;
using P2Gan.Trainer.Training;

namespace P2Gan.Trainer.Commands;

/// <summary>
/// The option values of one command after merging their three sources, later winning: a JSON file
/// given with --config (an object of option names to values), environment variables P2GAN_&lt;Name&gt;,
/// then the command line (parsed by System.CommandLine in <see cref="TrainerApp"/>). In the file and
/// the environment a name may be spelled as on the command line (batch-size), in PascalCase
/// (BatchSize) or in upper snake case (BATCH_SIZE), in any case. A "Logging" section (file) or
/// P2GAN_Logging__* variable configures logging (<see cref="Logging"/>). Unknown names, missing and
/// invalid values are usage errors (exit code 2) that name the option.
/// </summary>
internal sealed class CommandArguments
{
    /// <summary>The option naming a JSON file of option values.</summary>
    public const string ConfigOption = "config";

    /// <summary>Prefix of the environment variables that set options.</summary>
    public const string EnvironmentPrefix = "P2GAN_";

    /// <summary>The configuration section of logging ("Logging:LogLevel:Default").</summary>
    public const string LoggingSection = "Logging";

    private readonly string _command;
    private readonly IReadOnlyList<CliOption> _options;
    private readonly Dictionary<string, string> _values = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, string> _logging = new(StringComparer.OrdinalIgnoreCase);

    private CommandArguments(string command, IReadOnlyList<CliOption> options) => (_command, _options) = (command, options);

    /// <summary>Values by PascalCase option name, from every source.</summary>
    public IReadOnlyDictionary<string, string> Values => _values;

    /// <summary>Logging configuration keys ("Logging:LogLevel:Default") and values, from every source.</summary>
    public IReadOnlyDictionary<string, string> Logging => _logging;

    /// <param name="command">The command's name, for messages.</param>
    /// <param name="options">The command's options.</param>
    /// <param name="configFile">The --config file, or null.</param>
    /// <param name="commandLine">Values given on the command line, by PascalCase option name.</param>
    /// <param name="loggingCommandLine">Logging keys given on the command line (--Logging:LogLevel:Default=X).</param>
    /// <param name="otherOptions">Normalized names of the other commands' options: a P2GAN_ variable that
    /// names one is meant for that command and left alone; any other unknown one is an error.</param>
    public static CommandArguments Resolve(string command, IReadOnlyList<CliOption> options, string? configFile,
        IReadOnlyDictionary<string, string> commandLine, IReadOnlyDictionary<string, string>? loggingCommandLine = null,
        IReadOnlySet<string>? otherOptions = null)
    {
        var result = new CommandArguments(command, options);
        if (configFile is not null) result.AddFromJson(configFile);
        result.AddFromEnvironment(otherOptions ?? new HashSet<string>());
        foreach ((string name, string value) in commandLine) result._values[result.Find(name).Name] = value;
        foreach ((string key, string value) in loggingCommandLine ?? new Dictionary<string, string>()) result._logging[key] = value;
        return result;
    }

    /// <summary>The option spelled <paramref name="name"/> in any of its forms, or null.</summary>
    public static CliOption? Match(IEnumerable<CliOption> options, string name)
    {
        string normalized = OptionNames.Normalize(name);
        return options.FirstOrDefault(o => o.NormalizedNames.Contains(normalized));
    }

    private CliOption Find(string name) =>
        Match(_options, name) ?? throw new InvalidOperationException($"'{_command}' declares no option {name}.");

    private string Suggest(string name) =>
        OptionNames.Closest(name, _options.Select(o => o.Name)) is { } best ? $"; did you mean {OptionNames.Kebab(best)}?" : "";

    private void AddFromJson(string path)
    {
        if (!File.Exists(path)) throw new UsageException($"invalid --{ConfigOption} {path}: no such file.");
        JsonElement root;
        try
        {
            // As Microsoft.Extensions.Configuration reads JSON: comments and trailing commas allowed.
            using var document = JsonDocument.Parse(File.ReadAllText(path), new JsonDocumentOptions
            {
                CommentHandling = JsonCommentHandling.Skip,
                AllowTrailingCommas = true,
            });
            root = document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new UsageException($"invalid --{ConfigOption} {path}: {ErrorText.OneLine(e)}", e);
        }
        catch (IOException e)
        {
            throw new UsageException($"invalid --{ConfigOption} {path}: {e.Message}", e);
        }
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new UsageException($"invalid --{ConfigOption} {path}: expected a JSON object of option names to values.");
        }
        foreach (JsonProperty property in root.EnumerateObject())
        {
            if (property.Name.Equals(LoggingSection, StringComparison.OrdinalIgnoreCase) ||
                property.Name.StartsWith(LoggingSection + ":", StringComparison.OrdinalIgnoreCase))
            {
                Flatten(property.Name, property.Value);
                continue;
            }
            CliOption option = Match(_options, property.Name)
                ?? throw new UsageException($"unknown option '{property.Name}' in {path}{Suggest(property.Name)}");
            switch (property.Value.ValueKind)
            {
                case JsonValueKind.Object or JsonValueKind.Array:
                    throw new UsageException(
                        $"invalid option '{property.Name}' in {path}: a nested {property.Value.ValueKind.ToString().ToLowerInvariant()}; " +
                        "options are flat \"name\": value pairs.");
                case JsonValueKind.Null:
                    continue; // as if absent
                case JsonValueKind.String:
                    _values[option.Name] = property.Value.GetString()!;
                    break;
                default:
                    _values[option.Name] = property.Value.GetRawText();
                    break;
            }
        }
    }

    private void Flatten(string key, JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.Object)
        {
            foreach (JsonProperty child in value.EnumerateObject()) Flatten($"{key}:{child.Name}", child.Value);
        }
        else if (value.ValueKind != JsonValueKind.Null)
        {
            _logging[key] = value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText();
        }
    }

    private void AddFromEnvironment(IReadOnlySet<string> otherOptions)
    {
        foreach (string variable in Environment.GetEnvironmentVariables().Keys.Cast<string>().Order(StringComparer.Ordinal))
        {
            if (!variable.StartsWith(EnvironmentPrefix, StringComparison.OrdinalIgnoreCase)) continue;
            if (ProjectEnvironment.Variables.Contains(variable)) continue;
            string key = variable[EnvironmentPrefix.Length..];
            string value = Environment.GetEnvironmentVariable(variable) ?? "";
            if (key.StartsWith(LoggingSection + "__", StringComparison.OrdinalIgnoreCase))
            {
                _logging[key.Replace("__", ":")] = value;
            }
            else if (Match(_options, key) is { } option)
            {
                _values[option.Name] = value;
            }
            else if (!otherOptions.Contains(OptionNames.Normalize(key)))
            {
                string suggestion = OptionNames.Closest(key, _options.Select(o => o.Name)) is { } best
                    ? $"; did you mean {EnvironmentPrefix}{OptionNames.UpperSnake(best)}?"
                    : "";
                throw new UsageException($"unknown option '{key}' in the environment variable {variable}{suggestion}");
            }
        }
    }

    public string Required(string name) =>
        _values.TryGetValue(Find(name).Name, out string? v) && !string.IsNullOrEmpty(v)
            ? v
            : throw new UsageException($"'{_command}' needs {Find(name).Switch}.");

    public string? Optional(string name) => _values.TryGetValue(Find(name).Name, out string? v) ? v : null;

    /// <summary>True/false, false when absent.</summary>
    public bool Flag(string name)
    {
        CliOption option = Find(name);
        if (!_values.TryGetValue(option.Name, out string? v)) return false;
        return SettingsBinding.ParseBool(v) ?? throw new UsageException($"invalid value '{v}' for {option.Switch}: true or false.");
    }

    /// <summary>A positive number, or the default when absent.</summary>
    public int Positive(string name, int defaultValue)
    {
        int value = Parse(name, defaultValue);
        return value > 0 ? value : throw new UsageException($"invalid value {value} for {Find(name).Switch}: must be > 0.");
    }

    public T Parse<T>(string name, T defaultValue) where T : IParsable<T>
    {
        string? text = Optional(name);
        if (text is null) return defaultValue;
        return T.TryParse(text.Trim(), CultureInfo.InvariantCulture, out T? value)
            ? value
            : throw new UsageException($"invalid value '{text}' for {Find(name).Switch}: {Expected<T>()}.");
    }

    private static string Expected<T>() =>
        typeof(T) == typeof(ulong) || typeof(T) == typeof(uint) ? "a whole number >= 0"
        : typeof(T) == typeof(int) || typeof(T) == typeof(long) ? "a whole number"
        : typeof(T) == typeof(float) || typeof(T) == typeof(double) ? "a number"
        : "see --help";
}
