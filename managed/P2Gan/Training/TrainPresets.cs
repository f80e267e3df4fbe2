namespace P2Gan.Training;

/// <summary>
/// What a preset gives to every option left unset: the trainer's own values and a whole
/// model section (<see cref="ModelOptions"/>, the native defaults with the preset's changes).
/// </summary>
public sealed record TrainPreset(string Name, int Steps, int BatchSize, bool EvalAtEnd, ModelOptions Model)
{
    /// <summary>The model settings this preset changes from the native defaults, as "Name value" pairs.</summary>
    public IEnumerable<(string Name, string Value)> ModelChanges()
    {
        var defaults = new ModelOptions();
        foreach (SettingInfo s in ModelOptions.Settings)
        {
            string value = SettingsBinding.Format(Model, s.Name);
            if (value != SettingsBinding.Format(defaults, s.Name)) yield return (s.Name, value);
        }
    }
}

/// <summary>Named presets of 'p2gan train'. All preset numbers live here.</summary>
public static class TrainPresets
{
    public const string PaperName = "paper";
    public const string CpuSmallName = "cpu-small";

    /// <summary>The trainer's seed when none is given (the native default is 0).</summary>
    public const ulong DefaultSeed = 1;

    // "paper": the paper's setting (32x32, c = 64, n = d = 128, batch 32, Adam 2e-4): the native defaults.
    public static readonly TrainPreset Paper = new(PaperName, Steps: 100_000, BatchSize: 32, EvalAtEnd: false,
        new ModelOptions { Seed = DefaultSeed });

    // "cpu-small": sized so a run finishes on a 2-core CPU.
    public static readonly TrainPreset CpuSmall = new(CpuSmallName, Steps: 3000, BatchSize: 64,
        // The default run reports its FMNIST-FID; the classifier is trained once (~2-3 min) and cached.
        EvalAtEnd: true,
        new ModelOptions { BaseChannels = 16, NoiseDim = 64, PosteriorDim = 64, Seed = DefaultSeed });

    public static IReadOnlyList<TrainPreset> All { get; } = [CpuSmall, Paper];

    public static TrainPreset Get(string name) =>
        All.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException(
            $"unknown preset '{name}'; known presets: {string.Join(", ", All.Select(p => p.Name))}.");
}
