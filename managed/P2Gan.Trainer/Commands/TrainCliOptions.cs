using System.ComponentModel;
using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;
using P2Gan.Datasets;
using P2Gan.Trainer.Cli;
using P2Gan.Trainer.Training;

namespace P2Gan.Trainer.Commands;

/// <summary>
/// The options of 'p2gan train', generated: one per <see cref="TrainOptions"/> property (help text from its
/// [Description]) and one per model and runtime setting (<see cref="ModelOptions.Settings"/>,
/// <see cref="RuntimeOptions.Settings"/>: description and constraint from p2gan.h), each with the default a
/// run without options resolves to (<see cref="DefaultText"/>), then --verbosity and --log-format.
/// </summary>
internal static class TrainCliOptions
{
    /// <summary>The default of --run-dir, in words.</summary>
    public const string RunDirDefault = "runs/<yyyyMMdd-HHmmss>";

    /// <summary>The default of --eval-cache-dir, in words: where the evaluation finds its cache when none is given.</summary>
    public const string EvalCacheDirDefault = "none: $P2GAN_CACHE_DIR, else ~/.cache/p2gan";

    public static IReadOnlyList<CliOption> All { get; } = Build();

    /// <summary>The configuration a run without options resolves to.</summary>
    public static TrainingConfig Defaults()
    {
        var options = new TrainOptions();
        return TrainConfigResolver.Resolve(options, _ => null, DatasetFactory.NaturalChannels(options.Dataset), DateTime.Now);
    }

    private static CliOption[] Build()
    {
        TrainingConfig defaults = Defaults();
        var trainer = typeof(TrainOptions).GetProperties().Select(p =>
        {
            string description = p.GetCustomAttribute<DescriptionAttribute>()?.Description
                ?? throw new InvalidOperationException($"TrainOptions.{p.Name} has no [Description].");
            bool flag = (Nullable.GetUnderlyingType(p.PropertyType) ?? p.PropertyType) == typeof(bool);
            CliOption option = flag
                ? CliOption.Flag(p.Name, description)
                : CliOption.Value(p.Name, SettingHelp.HelpName(p.PropertyType), description);
            return option with { Default = DefaultText(defaults, p.Name) };
        });
        var model = ModelOptions.Settings.Select(s =>
            CliOption.Value(s.Name, SettingHelp.HelpName(s), SettingHelp.HelpText(s), DefaultText(defaults, s.Name)));
        var runtime = RuntimeOptions.Settings.Select(s =>
            CliOption.Value(s.Name, SettingHelp.HelpName(s), SettingHelp.HelpText(s), DefaultText(defaults, s.Name)));
        return [.. trainer, .. model, .. runtime, .. LaunchOptions.Options, .. LoggingOptions.Options];
    }

    /// <summary>The default shown in help for option <paramref name="name"/>: its value in
    /// <paramref name="defaults"/>, in the form the option takes, or words where it has none.</summary>
    public static string DefaultText(TrainingConfig defaults, string name)
    {
        switch (name)
        {
            case nameof(TrainOptions.RunDir): return RunDirDefault;
            case nameof(TrainOptions.Resume): return "none: a new run";
            case nameof(ModelOptions.Channels): return "the dataset's";
            case nameof(TrainOptions.EvalCacheDir) when defaults.EvalCacheDir is null: return EvalCacheDirDefault;
        }
        if (ModelOptions.Settings.Any(s => s.Name == name)) return SettingsBinding.Format(defaults.Model, name);
        if (RuntimeOptions.Settings.Any(s => s.Name == name)) return SettingsBinding.Format(defaults.Runtime, name);
        object? value = typeof(TrainingConfig).GetProperty(name)?.GetValue(defaults)
            ?? (typeof(TrainingConfig).GetProperty(name) is null
                ? throw new InvalidOperationException($"TrainingConfig has no {name}.")
                : null);
        return FormatValue(value);
    }

    /// <summary>A value as typed on the command line: true/false, invariant numbers, enum names, "none" for null.</summary>
    public static string FormatValue(object? value) => value switch
    {
        null => "none",
        bool b => b ? "true" : "false",
        float f => f.ToString("R", CultureInfo.InvariantCulture),
        IFormattable x => x.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    /// <summary><see cref="TrainOptions"/> from the merged option values; a value that does not parse is a
    /// usage error in plain words (no type names).</summary>
    public static TrainOptions Bind(IReadOnlyDictionary<string, string> values)
    {
        var options = new TrainOptions();
        foreach (PropertyInfo p in typeof(TrainOptions).GetProperties())
        {
            if (!values.TryGetValue(p.Name, out string? text)) continue;
            bool nullable = Nullable.GetUnderlyingType(p.PropertyType) is not null || !p.PropertyType.IsValueType;
            if (string.IsNullOrWhiteSpace(text) && p.PropertyType != typeof(string))
            {
                if (nullable) p.SetValue(options, null);
                continue;
            }
            try
            {
                p.SetValue(options, SettingsBinding.ParseValue(p.PropertyType, "--" + OptionNames.Kebab(p.Name), text));
            }
            catch (ArgumentException e)
            {
                throw new UsageException(e.Message, e);
            }
        }
        return options;
    }

    private static readonly Regex PascalNames = new(
        @"(?<![\w-])(" + string.Join("|", typeof(TrainOptions).GetProperties().Select(p => p.Name).Concat(SettingsBinding.Names)
            .OrderByDescending(n => n.Length)) + @")(?![\w-])");

    /// <summary>A resolver or validation message with the option names it uses (BatchSize) spelled as
    /// on the command line (--batch-size).</summary>
    public static string WithSwitches(string message) =>
        PascalNames.Replace(message, m => "--" + OptionNames.Kebab(m.Value));
}
