using System.Globalization;
using P2Gan.Trainer.Cli;
using P2Gan.Imaging;

namespace P2Gan.Trainer.Commands;

/// <summary>'p2gan sample': images drawn from a checkpoint, as one PNG grid or one PNG per image.</summary>
internal sealed class SampleCommand : ICommand
{
    private const int DefaultCount = 64;
    private const ulong DefaultSeed = 0;

    public string Name => "sample";
    public string Summary => "draw images from a checkpoint: one PNG grid (--out) or one PNG each (--out-dir)";

    public IReadOnlyList<CliOption> Options { get; } =
    [
        CliOption.Value("Checkpoint", "FILE", "Model checkpoint (required)."),
        CliOption.Value("Out", "FILE.png", "Grid to write, about square (one of --out, --out-dir)."),
        CliOption.Value("OutDir", "DIR", "Folder for sample_0000.png, sample_0001.png, ... (one of --out, --out-dir)."),
        CliOption.Value("Count", "N", "Number of images.", DefaultCount.ToString(CultureInfo.InvariantCulture)),
        CliOption.Value("Seed", "S", "Sampling seed (noise and codes).", DefaultSeed.ToString(CultureInfo.InvariantCulture)),
        CheckpointCodes.Option,
        CliOption.Value("Dataset", "SPEC", "Whose train split gives the codes of --codes posterior, or of an aggregate the checkpoint does not store.", "the run's dataset"),
        CliOption.Flag("Ema", "Use the EMA generator (the checkpoint must have one)."),
        CliOption.Value("Device", "NAME", "Device override.", "the checkpoint's"),
    ];

    public Task<int> RunAsync(CommandArguments a, CancellationToken cancellationToken)
    {
        int count = a.Positive("count", DefaultCount);
        ulong seed = a.Parse("seed", DefaultSeed);
        string? outPath = a.Optional("out"), outDir = a.Optional("out-dir");
        if ((outPath is null) == (outDir is null)) throw new UsageException("'sample' needs exactly one of --out FILE.png and --out-dir DIR.");
        string checkpoint = a.Required("checkpoint");
        bool ema = a.Flag("ema");
        Sampling.CodeSource? requestedCodes = CheckpointCodes.Parse(a);

        using P2GanModel model = P2GanModel.Load(checkpoint, a.Optional("device"));
        if (ema && model.Options.EmaDecay <= 0) throw new UsageException($"invalid --ema: {checkpoint} was trained without an EMA generator (EmaDecay 0).");
        using CheckpointCodes codes = CheckpointCodes.Open(model, checkpoint, requestedCodes, a.Optional("dataset"), TrainClassifierCommand.DefaultDataset);
        float[] images = codes.Sampler.Sample(count, seed, ema);
        if (outPath is not null)
        {
            int columns = (int)Math.Ceiling(Math.Sqrt(count));
            ImageGrid.SavePng(outPath, images,
                TensorShape.Nchw(count, model.Options.Channels, model.Options.Resolution, model.Options.Resolution), columns);
            Console.WriteLine($"Wrote a grid of {count} samples to {Path.GetFullPath(outPath)} (codes: {codes.Origin})");
        }
        else
        {
            PngFiles.SaveEach(outDir!, "sample", images, model.Options, count);
            Console.WriteLine($"Wrote {count} samples to {Path.GetFullPath(outDir!)} (codes: {codes.Origin})");
        }
        return Task.FromResult(ExitCodes.Success);
    }
}
