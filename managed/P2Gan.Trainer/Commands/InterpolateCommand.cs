using P2Gan.Imaging;

namespace P2Gan.Trainer.Commands;

/// <summary>'p2gan interpolate': a row of images along the line between two (noise, code) pairs.</summary>
internal sealed class InterpolateCommand : ICommand
{
    private const int DefaultSteps = 8;
    private const ulong DefaultSeed = 0;

    public string Name => "interpolate";
    public string Summary => "a PNG row interpolating between two seeds or between two images' posterior codes";

    public void PrintHelp(TextWriter output)
    {
        output.WriteLine("Usage: p2gan interpolate --checkpoint FILE --out row.png (--seed-a A --seed-b B | --image-a IMG --image-b IMG) [options]");
        output.WriteLine();
        output.WriteLine("Options (default):");
        output.WriteLine("  --checkpoint FILE   (required) model checkpoint");
        output.WriteLine("  --out FILE.png      (required) the images in one row, ends included");
        output.WriteLine("  --seed-a S          (seed mode) noise and prior code P_c of the first end drawn from S");
        output.WriteLine("  --seed-b S          (seed mode) the same for the second end");
        output.WriteLine("  --image-a FILE      (image mode) code of the first end: posterior mean of this image");
        output.WriteLine("                      (.png/.jpg/... resized to the model, or .npy [1, C, R, R] in [-1, 1])");
        output.WriteLine("  --image-b FILE      (image mode) the same for the second end");
        output.WriteLine($"  --seed S            ({DefaultSeed}) image mode: the noise, shared by both ends");
        output.WriteLine($"  --steps N           ({DefaultSteps}) images in the row, at least 2");
        output.WriteLine("  --ema               (off) use the EMA generator (the checkpoint must have one)");
        output.WriteLine("  --device NAME       (the checkpoint's) device override");
    }

    public Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var a = CommandArguments.Parse(Name, args,
            ["checkpoint", "out", "seed-a", "seed-b", "image-a", "image-b", "seed", "steps", "device"], ["ema"]);
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
