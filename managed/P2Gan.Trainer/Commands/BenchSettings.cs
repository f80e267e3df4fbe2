using System.Globalization;

namespace P2Gan.Trainer.Commands;

/// <summary>
/// The options of 'p2gan bench', validated once and shared by the .NET loop and the native
/// driver (p2gan-bench-native takes the same names and values on its command line).
/// </summary>
internal sealed record BenchSettings
{
    public int Batch { get; init; } = 32;
    public int Resolution { get; init; } = 32;
    public int Channels { get; init; } = 3;
    public int BaseChannels { get; init; } = 64;
    public int NoiseDim { get; init; } = 128;
    public int PosteriorDim { get; init; } = 128;
    public int Steps { get; init; } = 20;
    public int Warmup { get; init; } = 3;
    /// <summary>LibTorch intra-op threads; 0 = one per hardware thread.</summary>
    public int Threads { get; init; }
    public string AdainMode { get; init; } = "statistics";
    public string Kernels { get; init; } = "fast";
    public string Device { get; init; } = "cpu";
    public string Precision { get; init; } = "float32";
    public string MemoryFormat { get; init; } = "contiguous";
    public long Seed { get; init; }
    /// <summary>Also run the float32 GEMM peak probe.</summary>
    public bool Peak { get; init; }

    /// <summary>Options that take a value, as spelled on the command line.</summary>
    public static readonly string[] Valued =
    [
        "batch", "resolution", "channels", "base-channels", "noise-dim", "posterior-dim", "steps", "warmup",
        "threads", "adain-mode", "kernels", "device", "precision", "memory-format", "seed",
    ];

    public static readonly string[] AdainModes = ["statistics", "affine"];
    public static readonly string[] KernelChoices = ["fast", "reference"];
    public static readonly string[] PrecisionChoices = ["float32", "bf16"];
    public static readonly string[] MemoryFormatChoices = ["contiguous", "channels_last"];

    public static BenchSettings From(CommandArguments a)
    {
        var d = new BenchSettings();
        return new BenchSettings
        {
            Batch = InRange(a, "batch", d.Batch, 1, 1 << 20),
            Resolution = InRange(a, "resolution", d.Resolution, 1, 1 << 16),
            Channels = InRange(a, "channels", d.Channels, 1, 4),
            BaseChannels = InRange(a, "base-channels", d.BaseChannels, 1, 1 << 16),
            NoiseDim = InRange(a, "noise-dim", d.NoiseDim, 1, 1 << 20),
            PosteriorDim = InRange(a, "posterior-dim", d.PosteriorDim, 1, 1 << 20),
            Steps = InRange(a, "steps", d.Steps, 1, 1 << 24),
            Warmup = InRange(a, "warmup", d.Warmup, 0, 1 << 24),
            Threads = InRange(a, "threads", d.Threads, 0, 1024),
            AdainMode = Choice(a, "adain-mode", d.AdainMode, AdainModes),
            Kernels = Choice(a, "kernels", d.Kernels, KernelChoices),
            Device = DeviceName(a.Optional("device") ?? d.Device),
            Precision = Choice(a, "precision", d.Precision, PrecisionChoices),
            MemoryFormat = Choice(a, "memory-format", d.MemoryFormat, MemoryFormatChoices),
            Seed = InRange(a, "seed", d.Seed, 0, long.MaxValue),
            Peak = a.Flag("peak"),
        };
    }

    public bool IsCuda => Device.StartsWith("cuda", StringComparison.Ordinal);

    public ModelOptions ToModelOptions() => new()
    {
        Resolution = Resolution,
        Channels = Channels,
        BaseChannels = BaseChannels,
        NoiseDim = NoiseDim,
        PosteriorDim = PosteriorDim,
        AdainMode = AdainMode == "affine" ? P2Gan.AdainMode.Affine : P2Gan.AdainMode.Statistics,
        IntraOpThreads = Threads,
        Seed = (ulong)Seed,
        Device = Device,
        Precision = Precision == "bf16" ? P2Gan.Precision.BFloat16Autocast : P2Gan.Precision.Float32,
        MemoryFormat = MemoryFormat == "channels_last" ? P2Gan.MemoryFormat.ChannelsLast : P2Gan.MemoryFormat.Contiguous,
        Kernels = Kernels == "reference" ? P2Gan.Kernels.Reference : P2Gan.Kernels.Fast,
    };

    /// <summary>The same settings as p2gan-bench-native's command line.</summary>
    public IReadOnlyList<string> ToDriverArguments()
    {
        var args = new List<string>
        {
            "--batch", Num(Batch), "--resolution", Num(Resolution), "--channels", Num(Channels),
            "--base-channels", Num(BaseChannels), "--noise-dim", Num(NoiseDim), "--posterior-dim", Num(PosteriorDim),
            "--steps", Num(Steps), "--warmup", Num(Warmup), "--threads", Num(Threads),
            "--adain-mode", AdainMode, "--kernels", Kernels, "--device", Device, "--precision", Precision,
            "--memory-format", MemoryFormat, "--seed", Num(Seed),
        };
        if (Peak) args.Add("--peak");
        return args;
    }

    /// <summary>The "config" object of the JSON output (the driver writes the same keys).</summary>
    public Dictionary<string, object?> ToJsonConfig() => new()
    {
        ["batch"] = Batch,
        ["resolution"] = Resolution,
        ["channels"] = Channels,
        ["base_channels"] = BaseChannels,
        ["noise_dim"] = NoiseDim,
        ["posterior_dim"] = PosteriorDim,
        ["steps"] = Steps,
        ["warmup"] = Warmup,
        ["threads"] = Threads,
        ["adain_mode"] = AdainMode,
        ["kernels"] = Kernels,
        ["device"] = Device,
        ["precision"] = Precision,
        ["memory_format"] = MemoryFormat,
        ["seed"] = Seed,
    };

    private static string Num(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static T InRange<T>(CommandArguments a, string name, T defaultValue, T min, T max) where T : IParsable<T>, IComparable<T>
    {
        T value = a.Parse(name, defaultValue);
        return value.CompareTo(min) >= 0 && value.CompareTo(max) <= 0
            ? value
            : throw new UsageException($"invalid value {value} for --{name}: must be in [{min}, {max}].");
    }

    private static string Choice(CommandArguments a, string name, string defaultValue, string[] choices)
    {
        string value = a.Optional(name) ?? defaultValue;
        return choices.Contains(value, StringComparer.Ordinal)
            ? value
            : throw new UsageException($"invalid value '{value}' for --{name}: {string.Join(" | ", choices)}.");
    }

    private static string DeviceName(string value)
    {
        bool ok = value is "cpu" or "cuda" ||
                  (value.StartsWith("cuda:", StringComparison.Ordinal) && value.Length is > 5 and < 9 && value[5..].All(char.IsAsciiDigit));
        return ok ? value : throw new UsageException($"invalid value '{value}' for --device: cpu | cuda | cuda:N.");
    }
}
