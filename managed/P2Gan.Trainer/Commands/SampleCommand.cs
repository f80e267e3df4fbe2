using P2Gan.Imaging;

namespace P2Gan.Trainer.Commands;

/// <summary>'p2gan sample': images drawn from a checkpoint, as one PNG grid or one PNG per image.</summary>
internal sealed class SampleCommand : ICommand
{
    private const int DefaultCount = 64;
    private const ulong DefaultSeed = 0;

    public string Name => "sample";
    public string Summary => "draw images from a checkpoint: one PNG grid (--out) or one PNG each (--out-dir)";

    public void PrintHelp(TextWriter output)
    {
        output.WriteLine("Usage: p2gan sample --checkpoint FILE (--out grid.png | --out-dir DIR) [--count N] [--seed S] [--ema] [--device NAME]");
        output.WriteLine();
        output.WriteLine("Options (default):");
        output.WriteLine("  --checkpoint FILE   (required) model checkpoint");
        output.WriteLine("  --out FILE.png      (one of --out, --out-dir) grid to write, about square");
        output.WriteLine("  --out-dir DIR       (one of --out, --out-dir) folder for sample_0000.png, sample_0001.png, ...");
        output.WriteLine($"  --count N           ({DefaultCount}) number of images");
        output.WriteLine($"  --seed S            ({DefaultSeed}) sampling seed: noise and codes from the prior P_c");
        output.WriteLine("  --ema               (off) use the EMA generator (the checkpoint must have one)");
        output.WriteLine("  --device NAME       (the checkpoint's) device override");
    }

    public Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var a = CommandArguments.Parse(Name, args, ["checkpoint", "out", "out-dir", "count", "seed", "device"], ["ema"]);
        int count = a.Positive("count", DefaultCount);
        ulong seed = a.Parse("seed", DefaultSeed);
        string? outPath = a.Optional("out"), outDir = a.Optional("out-dir");
        if ((outPath is null) == (outDir is null)) throw new UsageException("'sample' needs exactly one of --out FILE.png and --out-dir DIR.");
        string checkpoint = a.Required("checkpoint");
        bool ema = a.Flag("ema");

        using P2GanModel model = P2GanModel.Load(checkpoint, a.Optional("device"));
        if (ema && model.Options.EmaDecay <= 0) throw new UsageException($"invalid --ema: {checkpoint} was trained without an EMA generator (EmaDecay 0).");
        float[] images = model.Sample(count, seed, useEma: ema);
        if (outPath is not null)
        {
            int columns = (int)Math.Ceiling(Math.Sqrt(count));
            ImageGrid.SavePng(outPath, images,
                TensorShape.Nchw(count, model.Options.Channels, model.Options.Resolution, model.Options.Resolution), columns);
            Console.WriteLine($"Wrote a grid of {count} samples to {Path.GetFullPath(outPath)}");
        }
        else
        {
            PngFiles.SaveEach(outDir!, "sample", images, model.Options, count);
            Console.WriteLine($"Wrote {count} samples to {Path.GetFullPath(outDir!)}");
        }
        return Task.FromResult(ExitCodes.Success);
    }
}
