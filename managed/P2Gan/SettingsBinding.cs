using System.Globalization;
using System.Reflection;

namespace P2Gan;

/// <summary>
/// Binds the model and runtime settings (<see cref="ModelOptions.Settings"/>,
/// <see cref="RuntimeOptions.Settings"/>, generated from p2gan.h) from flat option names
/// (--lambda-z 5, P2GAN_LAMBDA_Z, "LambdaZ": 5 in --config) and writes them back in the same
/// form, so that config.json and checkpoint host states can be fed back with --config.
/// </summary>
public static class SettingsBinding
{
    /// <summary>Every setting name of both sections.</summary>
    public static IEnumerable<string> Names =>
        ModelOptions.Settings.Select(s => s.Name).Concat(RuntimeOptions.Settings.Select(s => s.Name));

    /// <summary>Sets every setting of <paramref name="options"/> for which <paramref name="lookup"/>
    /// has a value; returns the names set.</summary>
    /// <exception cref="ArgumentException">A value does not parse; the message names the option.</exception>
    public static IReadOnlyList<string> Apply(object options, IReadOnlyList<SettingInfo> settings, Func<string, string?> lookup)
    {
        var set = new List<string>();
        foreach (SettingInfo s in settings)
        {
            string? text = lookup(s.Name);
            if (text is null) continue;
            PropertyInfo property = Property(options, s.Name);
            property.SetValue(options, Parse(property.PropertyType, s, text));
            set.Add(s.Name);
        }
        return set;
    }

    /// <summary>The setting's value as text, in the form <see cref="Apply"/> reads.</summary>
    public static string Format(object options, string name)
    {
        object? value = Property(options, name).GetValue(options);
        return value switch
        {
            float f => f.ToString("R", CultureInfo.InvariantCulture),
            IFormattable x => x.ToString(null, CultureInfo.InvariantCulture),
            _ => value?.ToString() ?? "",
        };
    }

    /// <summary>Every setting of <paramref name="options"/> as (name, typed value) for JSON.</summary>
    public static IEnumerable<KeyValuePair<string, object?>> Values(object options, IReadOnlyList<SettingInfo> settings) =>
        settings.Select(s => new KeyValuePair<string, object?>(s.Name, Property(options, s.Name).GetValue(options)));

    /// <summary>Parses <paramref name="text"/> as a value of <paramref name="type"/> (a number, bool, enum or
    /// string, or one of these nullable) in the invariant culture.</summary>
    /// <exception cref="ArgumentException">The text does not parse; the message names <paramref name="option"/>
    /// and what it takes, in plain words.</exception>
    public static object ParseValue(Type type, string option, string text, string constraint = "")
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(bool))
        {
            return ParseBool(text) ?? throw new ArgumentException($"invalid value '{text}' for {option}: true or false.");
        }
        return ParseCore(type, text) ?? throw new ArgumentException($"invalid value '{text}' for {option}: {Expected(type, constraint)}.");
    }

    /// <summary>"true"/"false" (any case), "1"/"0", "yes"/"no", "on"/"off"; null for anything else.</summary>
    /// <param name="text">The text of a flag's value.</param>
    public static bool? ParseBool(string text) => text.Trim().ToLowerInvariant() switch
    {
        "true" or "1" or "yes" or "on" => true,
        "false" or "0" or "no" or "off" => false,
        _ => null,
    };

    private static PropertyInfo Property(object options, string name) =>
        options.GetType().GetProperty(name) ?? throw new InvalidOperationException($"{options.GetType().Name} has no setting {name}.");

    private static object Parse(Type type, SettingInfo s, string text) =>
        ParseCore(type, text) ?? throw new ArgumentException($"invalid value '{text}' for {s.Name}: {Expected(type, s.Constraint)}.");

    private static object? ParseCore(Type type, string text)
    {
        string value = text.Trim();
        object? parsed = null;
        if (type.IsEnum)
        {
            // "ChannelsLast", "channels_last", "channels-last" and the member's number all name it.
            string compact = value.Replace("_", "").Replace("-", "");
            parsed = Enum.GetNames(type).FirstOrDefault(n => n.Equals(compact, StringComparison.OrdinalIgnoreCase)) is { } member
                ? Enum.Parse(type, member)
                : int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int number) && Enum.IsDefined(type, number)
                    ? Enum.ToObject(type, number)
                    : null;
        }
        else if (type == typeof(int) && int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int i)) parsed = i;
        else if (type == typeof(ulong) && ulong.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out ulong u)) parsed = u;
        else if (type == typeof(float) && float.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out float f)) parsed = f;
        else if (type == typeof(string)) parsed = value;
        return parsed;
    }

    private static string Expected(Type type, string constraint) =>
        type.IsEnum ? $"one of {string.Join(", ", Enum.GetNames(type))}"
        : type == typeof(float) ? "a number"
        : type == typeof(ulong) ? "a whole number >= 0"
        : "a whole number" + (constraint.Length > 0 ? $" ({constraint})" : "");
}
