namespace P2Gan.Trainer.Commands;

/// <summary>
/// The "--name value" and "--flag" options of every command but train. Like train's settings
/// they come from three sources, later winning: a JSON file given with --config (an object of
/// option names to values), environment variables P2GAN_NAME (the option name upper-cased,
/// '-' as '_', any case, e.g. P2GAN_OUT_DIR), then the command line. Unknown names, missing and invalid
/// values are usage errors (exit code 2) that name the option.
/// </summary>
internal sealed class CommandArguments
{
    private readonly Dictionary<string, string?> _values = new(StringComparer.OrdinalIgnoreCase);
    private readonly string _command;

    private CommandArguments(string command) => _command = command;

    /// <param name="valued">Names that take a value.</param>
    /// <param name="flags">Names that take none.</param>
    public static CommandArguments Parse(string command, string[] args, IReadOnlyCollection<string> valued, IReadOnlyCollection<string> flags)
    {
        var result = new CommandArguments(command);
        var fromCommandLine = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        string? configPath = null;
        for (int i = 0; i < args.Length; i++)
        {
            string arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                throw new UsageException($"unexpected argument '{arg}' (options start with --).");
            }
            string name = arg[2..];
            string? inline = null;
            int eq = name.IndexOf('=');
            if (eq >= 0) (name, inline) = (name[..eq], name[(eq + 1)..]);
            bool isConfig = name.Equals(ConfigOption, StringComparison.OrdinalIgnoreCase);
            if (flags.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                fromCommandLine[name] = inline ?? "true";
            }
            else if (isConfig || valued.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                if (inline is null)
                {
                    if (i + 1 >= args.Length) throw new UsageException($"option --{name} needs a value.");
                    inline = args[++i];
                }
                if (isConfig) configPath = inline;
                else fromCommandLine[name] = inline;
            }
            else
            {
                throw new UsageException($"unknown option --{name} for '{command}'.");
            }
        }

        var known = valued.Concat(flags).ToArray();
        if (configPath is not null) result.AddFromJson(configPath, known);
        result.AddFromEnvironment(known);
        foreach ((string name, string? value) in fromCommandLine) result._values[name] = value;
        return result;
    }

    /// <summary>The option naming a JSON file of option values.</summary>
    public const string ConfigOption = "config";

    /// <summary>Prefix of the environment variables that set options.</summary>
    public const string EnvironmentPrefix = "P2GAN_";

    private void AddFromJson(string path, IReadOnlyCollection<string> known)
    {
        if (!File.Exists(path)) throw new UsageException($"invalid value '{path}' for --{ConfigOption}: no such file.");
        System.Text.Json.JsonElement root;
        try
        {
            using var document = System.Text.Json.JsonDocument.Parse(File.ReadAllText(path));
            root = document.RootElement.Clone();
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new UsageException($"invalid value '{path}' for --{ConfigOption}: not JSON ({e.Message}).");
        }
        if (root.ValueKind != System.Text.Json.JsonValueKind.Object)
        {
            throw new UsageException($"invalid value '{path}' for --{ConfigOption}: expected a JSON object of option names to values.");
        }
        foreach (var property in root.EnumerateObject())
        {
            string? name = known.FirstOrDefault(k => k.Equals(property.Name, StringComparison.OrdinalIgnoreCase))
                ?? throw new UsageException($"unknown option '{property.Name}' in {path} for '{_command}'.");
            _values[name] = property.Value.ValueKind == System.Text.Json.JsonValueKind.String
                ? property.Value.GetString()
                : property.Value.GetRawText();
        }
    }

    // Matched case-insensitively, as train's settings are (P2GAN_Dataset and P2GAN_DATASET alike).
    private void AddFromEnvironment(IReadOnlyCollection<string> known)
    {
        var byKey = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (System.Collections.DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            string variable = (string)entry.Key;
            if (variable.StartsWith(EnvironmentPrefix, StringComparison.OrdinalIgnoreCase))
            {
                byKey[variable[EnvironmentPrefix.Length..]] = (string?)entry.Value ?? "";
            }
        }
        foreach (string name in known)
        {
            if (byKey.TryGetValue(name.Replace('-', '_'), out string? value)) _values[name] = value;
        }
    }

    public string Required(string name) =>
        _values.TryGetValue(name, out string? v) && !string.IsNullOrEmpty(v)
            ? v
            : throw new UsageException($"'{_command}' needs --{name}.");

    public string? Optional(string name) => _values.TryGetValue(name, out string? v) ? v : null;

    public bool Flag(string name)
    {
        if (!_values.TryGetValue(name, out string? v)) return false;
        return bool.TryParse(v ?? "true", out bool value) ? value : throw new UsageException($"invalid value '{v}' for --{name}: true or false.");
    }

    /// <summary>A positive number, or the default when absent.</summary>
    public int Positive(string name, int defaultValue)
    {
        int value = Parse(name, defaultValue);
        return value > 0 ? value : throw new UsageException($"invalid value {value} for --{name}: must be > 0.");
    }

    public T Parse<T>(string name, T defaultValue) where T : IParsable<T>
    {
        string? text = Optional(name);
        if (text is null) return defaultValue;
        return T.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out T? value)
            ? value
            : throw new UsageException($"invalid value '{text}' for --{name}.");
    }
}
