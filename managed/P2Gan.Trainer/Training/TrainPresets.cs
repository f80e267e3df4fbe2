namespace P2Gan.Trainer.Training;

/// <summary>The values a preset gives to every option left unset. All preset numbers live here.</summary>
public sealed record TrainPreset(
    string Name,
    int Steps,
    int BatchSize,
    int Resolution,
    int BaseChannels,
    int NoiseDim,
    int PosteriorDim,
    float LearningRateD,
    float LearningRateG,
    bool EvalAtEnd);

/// <summary>Named presets of 'p2gan train'.</summary>
public static class TrainPresets
{
    public const string PaperName = "paper";
    public const string CpuSmallName = "cpu-small";

    // "paper": the paper's setting (32x32, c = 64, n = d = 128, batch 32, Adam 2e-4).
    public const int PaperSteps = 100_000;
    public const int PaperBatchSize = 32;
    public const int PaperResolution = 32;
    public const int PaperBaseChannels = 64;
    public const int PaperNoiseDim = 128;
    public const int PaperPosteriorDim = 128;
    public const float PaperLearningRate = 2e-4f;

    // "cpu-small": sized so a run finishes on a 2-core CPU; to be tuned after measuring.
    public const int CpuSmallSteps = 3000;
    public const int CpuSmallBatchSize = 64;
    public const int CpuSmallResolution = 32;
    public const int CpuSmallBaseChannels = 16;
    public const int CpuSmallNoiseDim = 64;
    public const int CpuSmallPosteriorDim = 64;
    public const float CpuSmallLearningRate = 2e-4f;

    public static readonly TrainPreset Paper = new(PaperName, PaperSteps, PaperBatchSize, PaperResolution,
        PaperBaseChannels, PaperNoiseDim, PaperPosteriorDim, PaperLearningRate, PaperLearningRate,
        EvalAtEnd: false);

    public static readonly TrainPreset CpuSmall = new(CpuSmallName, CpuSmallSteps, CpuSmallBatchSize, CpuSmallResolution,
        CpuSmallBaseChannels, CpuSmallNoiseDim, CpuSmallPosteriorDim, CpuSmallLearningRate, CpuSmallLearningRate,
        // The default run reports its FMNIST-FID; the classifier is trained once (~2-3 min) and cached.
        EvalAtEnd: true);

    public static IReadOnlyList<TrainPreset> All { get; } = [CpuSmall, Paper];

    public static TrainPreset Get(string name) =>
        All.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException(
            $"unknown preset '{name}'; known presets: {string.Join(", ", All.Select(p => p.Name))}.");
}
