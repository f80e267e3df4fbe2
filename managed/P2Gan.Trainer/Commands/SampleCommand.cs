using P2Gan.Imaging;

namespace P2Gan.Trainer.Commands;

/// <summary>'p2gan sample': a PNG grid of images drawn from a checkpoint.</summary>
internal sealed class SampleCommand : ICommand
{
    private const int DefaultCount = 64;
    private const ulong DefaultSeed = 0;

    public string Name => "sample";
    public string Summary => "write a PNG grid of samples from a checkpoint";

    public void PrintHelp(TextWriter output)
    {
        output.WriteLine("Usage: p2gan sample --checkpoint FILE --out grid.png [--count N] [--seed S] [--ema] [--device NAME]");
        output.WriteLine();
        output.WriteLine("Options (default):");
        output.WriteLine("  --checkpoint FILE   (required) model checkpoint");
        output.WriteLine("  --out FILE.png      (required) grid to write");
        output.WriteLine($"  --count N           ({DefaultCount}) number of images; the grid is about square");
        output.WriteLine($"  --seed S            ({DefaultSeed}) sampling seed");
        output.WriteLine("  --ema               (off) use the EMA generator (the checkpoint must have one)");
        output.WriteLine("  --device NAME       (the checkpoint's) device override");
    }

    public Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var a = CommandArguments.Parse(Name, args, ["checkpoint", "out", "count", "seed", "device"], ["ema"]);
        int count = a.Parse("count", DefaultCount);
        if (count <= 0) throw new ArgumentException($"invalid value {count} for --count: must be > 0.");
        ulong seed = a.Parse("seed", DefaultSeed);
        string outPath = a.Required("out");

        using P2GanModel model = P2GanModel.Load(a.Required("checkpoint"), a.Optional("device"));
        float[] images = model.Sample(count, seed, useEma: a.Flag("ema"));
        int columns = (int)Math.Ceiling(Math.Sqrt(count));
        ImageGrid.SavePng(outPath, images,
            TensorShape.Nchw(count, model.Options.Channels, model.Options.Resolution, model.Options.Resolution), columns);
        Console.WriteLine($"Wrote {count} samples to {Path.GetFullPath(outPath)}");
        return Task.FromResult(ExitCodes.Success);
    }
}
