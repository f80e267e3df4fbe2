namespace P2Gan.Trainer.Commands;

/// <summary>How a setting appears in --help: its value placeholder and its text.</summary>
internal static class SettingHelp
{
    /// <summary>The value's placeholder in help: "N", "X", or the choices ("Statistics|Affine").</summary>
    public static string HelpName(SettingInfo s)
    {
        Type type = ModelOptions.Settings.Contains(s) ? PropertyType(typeof(ModelOptions), s.Name) : PropertyType(typeof(RuntimeOptions), s.Name);
        return HelpName(type);
    }

    /// <summary>The value's placeholder in help for a property type.</summary>
    public static string HelpName(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        return type.IsEnum ? string.Join("|", Enum.GetNames(type))
            : type == typeof(bool) ? "true|false"
            : type == typeof(float) || type == typeof(double) ? "X"
            : type == typeof(string) ? "VALUE"
            : "N";
    }

    /// <summary>Help text of a setting: its description and its constraint (from p2gan.h).</summary>
    public static string HelpText(SettingInfo s) =>
        s.Constraint.Length > 0 ? $"{s.Description.TrimEnd('.')}. ({s.Constraint})" : s.Description;

    private static Type PropertyType(Type owner, string name) =>
        owner.GetProperty(name)?.PropertyType ?? throw new InvalidOperationException($"{owner.Name} has no setting {name}.");

}
