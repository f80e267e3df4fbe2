namespace P2Gan.Trainer.Commands;

/// <summary>
/// The "--name value" and "--flag" arguments of the small commands (forward, sample, export).
/// Unknown names, missing and invalid values are usage errors (exit code 2) that name the argument.
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
            if (flags.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                result._values[name] = inline ?? "true";
            }
            else if (valued.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                if (inline is null)
                {
                    if (i + 1 >= args.Length) throw new UsageException($"option --{name} needs a value.");
                    inline = args[++i];
                }
                result._values[name] = inline;
            }
            else
            {
                throw new UsageException($"unknown option --{name} for '{command}'.");
            }
        }
        return result;
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
