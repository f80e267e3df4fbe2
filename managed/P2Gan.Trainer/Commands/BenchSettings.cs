using System.Globalization;
using P2Gan.Trainer.Cli;
using P2Gan.Trainer.Training;

namespace P2Gan.Trainer.Commands;

/// <summary>
/// The options of 'p2gan bench': the bench's own (batch, steps, warm-up, peak) and a model and
/// a runtime section whose every setting is an option named in kebab case (--base-channels,
/// --memory-format, ...). Shared by the .NET loop and the native driver (p2gan-bench-native
/// takes the settings it knows under the same names and values on its command line).
/// </summary>
internal sealed record BenchSettings
{
    public int Batch { get; init; } = 32;
    public int Steps { get; init; } = 20;
    public int Warmup { get; init; } = 3;
    /// <summary>Also run the float32 GEMM peak probe.</summary>
    public bool Peak { get; init; }
    /// <summary>The model measured: the native defaults, the paper's networks (c = 64, n = d = 128).</summary>
    public ModelOptions Model { get; init; } = new();
    public RuntimeOptions Runtime { get; init; } = new();

    /// <summary>The settings p2gan-bench-native reads (native/tools/p2gan_bench_native.cpp).</summary>
    private static readonly string[] DriverSettings =
        ["Resolution", "Channels", "BaseChannels", "NoiseDim", "PosteriorDim", "AdainMode", "Seed",
         "Threads", "Kernels", "Device", "Precision", "MemoryFormat"];

    /// <summary>The options of 'p2gan bench': its own, then every model and runtime setting (help text:
    /// description, constraint and native default from p2gan.h).</summary>
    public static IReadOnlyList<CliOption> Options { get; } = BuildOptions();

    private static CliOption[] BuildOptions()
    {
        var d = new BenchSettings();
        var own = new[]
        {
            CliOption.Value("Batch", "N", "Images per step.", Num(d.Batch)),
            CliOption.Value("Steps", "N", "Measured steps.", Num(d.Steps)),
            CliOption.Value("Warmup", "N", "Steps run before measuring.", Num(d.Warmup)),
        };
        var settings = ModelOptions.Settings.Select(s => (Setting: s, Section: (object)d.Model))
            .Concat(RuntimeOptions.Settings.Select(s => (Setting: s, Section: (object)d.Runtime)))
            .Select(x => CliOption.Value(x.Setting.Name, SettingHelp.HelpName(x.Setting), SettingHelp.HelpText(x.Setting),
                SettingsBinding.Format(x.Section, x.Setting.Name)));
        var flags = new[]
        {
            CliOption.Flag("Peak", "Also run the float32 GEMM peak probe: peak_gflops, fraction_of_peak."),
            CliOption.Flag("NativeOnly", "Run the loop in p2gan-bench-native (C ABI only, no .NET) and print its JSON; looked for " +
                $"beside libp2gan, or at ${NativeBenchDriver.OverrideVariable}."),
        };
        return [.. own, .. settings, .. flags];
    }

    private static string Kebab(string name) => OptionNames.Kebab(name);

    public static BenchSettings From(CommandArguments a)
    {
        var d = new BenchSettings();
        // "bf16" is the bench's (and the driver's) short name of Bfloat16Autocast.
        string? Lookup(string setting)
        {
            string? value = a.Optional(setting);
            return setting == "Precision" && value == "bf16" ? nameof(Precision.Bfloat16Autocast) : value;
        }
        var model = new ModelOptions();
        var runtime = new RuntimeOptions();
        try
        {
            SettingsBinding.Apply(model, ModelOptions.Settings, Lookup);
            SettingsBinding.Apply(runtime, RuntimeOptions.Settings, Lookup);
            model.Validate();
            runtime.Validate();
        }
        catch (ArgumentException e)
        {
            // The settings name themselves as "Resolution"; the bench's options are "--resolution".
            string message = SettingsBinding.Names.Aggregate(e.Message, (m, name) =>
                m.Replace($"for {name}:", $"for --{Kebab(name)}:").Replace($"{name} = ", $"--{Kebab(name)} = "));
            throw new UsageException(message, e);
        }
        return new BenchSettings
        {
            Batch = InRange(a, "Batch", d.Batch, 1, 1 << 20),
            Steps = InRange(a, "Steps", d.Steps, 1, 1 << 24),
            Warmup = InRange(a, "Warmup", d.Warmup, 0, 1 << 24),
            Peak = a.Flag("Peak"),
            Model = model,
            Runtime = runtime,
        };
    }

    public bool IsCuda => Runtime.Device.StartsWith("cuda", StringComparison.Ordinal);

    /// <summary>The same settings as p2gan-bench-native's command line; settings it does not take
    /// must keep their defaults.</summary>
    public IReadOnlyList<string> ToDriverArguments()
    {
        var defaults = new BenchSettings();
        foreach (string name in SettingsBinding.Names.Except(DriverSettings))
        {
            object section = ModelOptions.Settings.Any(s => s.Name == name) ? Model : Runtime;
            object defaultSection = section is ModelOptions ? defaults.Model : defaults.Runtime;
            if (SettingsBinding.Format(section, name) != SettingsBinding.Format(defaultSection, name))
            {
                throw new UsageException($"--{Kebab(name)} is not supported with --native-only.");
            }
        }
        var args = new List<string> { "--batch", Num(Batch), "--steps", Num(Steps), "--warmup", Num(Warmup) };
        foreach (var (key, value) in DriverValues()) args.AddRange(["--" + key.Replace('_', '-'), value]);
        if (Peak) args.Add("--peak");
        return args;
    }

    /// <summary>The "config" object of the JSON output (the driver writes the same keys).</summary>
    public Dictionary<string, object?> ToJsonConfig()
    {
        var config = new Dictionary<string, object?> { ["batch"] = Batch, ["steps"] = Steps, ["warmup"] = Warmup };
        foreach (var (key, value) in DriverValues())
        {
            config[key] = long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out long number) ? number : value;
        }
        return config;
    }

    /// <summary>The driver's settings as (snake_case key, value in the driver's spelling).</summary>
    private IEnumerable<(string Key, string Value)> DriverValues()
    {
        foreach (string name in DriverSettings)
        {
            object section = ModelOptions.Settings.Any(s => s.Name == name) ? Model : Runtime;
            string value = SettingsBinding.Format(section, name);
            value = name switch
            {
                "Precision" => Runtime.Precision == Precision.Bfloat16Autocast ? "bf16" : "float32",
                "MemoryFormat" => Runtime.MemoryFormat == MemoryFormat.ChannelsLast ? "channels_last" : "contiguous",
                "AdainMode" or "Kernels" => value.ToLowerInvariant(),
                _ => value,
            };
            yield return (Kebab(name).Replace('-', '_'), value);
        }
    }

    private static string Num(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static T InRange<T>(CommandArguments a, string name, T defaultValue, T min, T max) where T : IParsable<T>, IComparable<T>
    {
        T value = a.Parse(name, defaultValue);
        return value.CompareTo(min) >= 0 && value.CompareTo(max) <= 0
            ? value
            : throw new UsageException($"invalid value {value} for --{Kebab(name)}: must be in [{min}, {max}].");
    }
}
