namespace P2Gan.Tests.Support;

/// <summary>The smallest useful model: 32x32x1, c = 4, n = d = 8.</summary>
internal static class TinyModel
{
    public const int Resolution = 32;
    public const int Dim = 8;

    public static ModelOptions Options(ulong seed = 1)
    {
        NativeRequirement.Require();
        return new ModelOptions
        {
            Resolution = Resolution,
            Channels = 1,
            BaseChannels = 4,
            NoiseDim = Dim,
            PosteriorDim = Dim,
            Seed = seed,
        };
    }

    public static TensorShape Batch(int b) => TensorShape.Nchw(b, 1, Resolution, Resolution);

    /// <summary>A run of the tiny model on 24 synthetic images, batch 4, a checkpoint and a grid every 2 steps,
    /// no evaluation: the SDK's training loop at its cheapest.</summary>
    public static P2Gan.Training.TrainingConfig Run(string runDir, int steps, ModelOptions? model = null) =>
        P2Gan.Training.TrainingConfig.FromPreset(P2Gan.Training.TrainPresets.CpuSmallName, "synthetic:24", runDir) with
        {
            Steps = steps,
            BatchSize = 4,
            LogEvery = 2,
            SampleEvery = 2,
            CheckpointEvery = 2,
            EvalAtEnd = false,
            Model = model ?? Options(seed: 5),
        };
}
