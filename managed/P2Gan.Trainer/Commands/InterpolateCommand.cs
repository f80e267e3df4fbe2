using System.Globalization;
using P2Gan.Trainer.Cli;
using P2Gan.Imaging;

namespace P2Gan.Trainer.Commands;

/// <summary>'p2gan interpolate': a row of images along the line between two (noise, code) pairs.</summary>
internal sealed class InterpolateCommand : ICommand
{
    private const int DefaultSteps = 8;
    private const ulong DefaultSeed = 0;

    public string Name => "interpolate";
    public string Summary => "a PNG row interpolating between two seeds or between two images' posterior codes";

    public IReadOnlyList<CliOption> Options { get; } =
    [
        CliOption.Value("Checkpoint", "FILE", "Model checkpoint (required)."),
        CliOption.Value("Out", "FILE.png", "The images in one row, ends included (required)."),
        CliOption.Value("SeedA", "S", "Seed mode: noise and prior code P_c of the first end drawn from S."),
        CliOption.Value("SeedB", "S", "Seed mode: the same for the second end."),
        CliOption.Value("ImageA", "FILE", "Image mode: code of the first end, the posterior mean of this image " +
            "(.png/.jpg/... resized to the model, or .npy [1, C, R, R] in [-1, 1])."),
        CliOption.Value("ImageB", "FILE", "Image mode: the same for the second end."),
        CliOption.Value("Seed", "S", "Image mode: the noise, shared by both ends.", DefaultSeed.ToString(CultureInfo.InvariantCulture)),
        CliOption.Value("Steps", "N", "Images in the row, at least 2.", DefaultSteps.ToString(CultureInfo.InvariantCulture)),
        CliOption.Flag("Ema", "Use the EMA generator (the checkpoint must have one)."),
        CliOption.Value("Device", "NAME", "Device override.", "the checkpoint's"),
    ];

    public string? Details => "Give --seed-a and --seed-b, or --image-a and --image-b.";

    public Task<int> RunAsync(CommandArguments a, CancellationToken cancellationToken)
    {
        string outPath = a.Required("out");
        int steps = a.Parse("steps", DefaultSteps);
        if (steps < 2) throw new UsageException($"invalid value {steps} for --steps: must be >= 2.");
        bool seeds = a.Optional("seed-a") is not null || a.Optional("seed-b") is not null;
        bool images = a.Optional("image-a") is not null || a.Optional("image-b") is not null;
        if (seeds == images) throw new UsageException("'interpolate' needs either --seed-a and --seed-b, or --image-a and --image-b.");
        string checkpoint = a.Required("checkpoint");
        bool ema = a.Flag("ema");

        using P2GanModel model = P2GanModel.Load(checkpoint, a.Optional("device"));
        ModelOptions o = model.Options;
        if (ema && o.EmaDecay <= 0) throw new UsageException($"invalid --ema: {checkpoint} was trained without an EMA generator (EmaDecay 0).");
        float[] noiseA, noiseB, codeA, codeB;
        if (seeds)
        {
            ulong seedA = a.Parse<ulong>("seed-a", 0), seedB = a.Parse<ulong>("seed-b", 0);
            if (a.Optional("seed-a") is null || a.Optional("seed-b") is null) throw new UsageException("'interpolate' needs both --seed-a and --seed-b.");
            // The noise and the code of one end come from one seed, in separate streams.
            (noiseA, codeA) = (GaussianNoise.Draw(o.NoiseDim, seedA), GaussianNoise.PriorCodes(o, 1, ~seedA));
            (noiseB, codeB) = (GaussianNoise.Draw(o.NoiseDim, seedB), GaussianNoise.PriorCodes(o, 1, ~seedB));
        }
        else
        {
            codeA = PosteriorMean(model, a.Required("image-a"), "image-a");
            codeB = PosteriorMean(model, a.Required("image-b"), "image-b");
            noiseA = noiseB = GaussianNoise.Draw(o.NoiseDim, a.Parse("seed", DefaultSeed));
        }
        float[] row = model.Interpolate(noiseA, noiseB, codeA, codeB, steps, ema);
        ImageGrid.SavePng(outPath, row, TensorShape.Nchw(steps, o.Channels, o.Resolution, o.Resolution), steps);
        Console.WriteLine($"Wrote {steps} interpolated images to {Path.GetFullPath(outPath)}");
        return Task.FromResult(ExitCodes.Success);
    }

    /// <summary>The posterior mean mu(x) of the one image in <paramref name="path"/>: the code of
    /// that image without the sampling noise of z = mu + sigma e'.</summary>
    private static float[] PosteriorMean(P2GanModel model, string path, string option)
    {
        var inputs = ImageInputs.Load(path, model.Options, option);
        if (inputs.Count != 1) throw new UsageException($"invalid --{option} '{path}': holds {inputs.Count} images; give one.");
        return model.Encode(inputs.Data, inputs.Shape).Mu;
    }
}
