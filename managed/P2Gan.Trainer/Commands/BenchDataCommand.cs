using System.Diagnostics;
using System.Text.Json;
using P2Gan.Datasets;

namespace P2Gan.Trainer.Commands;

/// <summary>'p2gan bench-data': how fast the data loader delivers batches of a dataset, with no
/// model in the loop; the figure to compare with the train step's images per second.</summary>
internal sealed class BenchDataCommand : ICommand
{
    private static readonly string[] Valued = ["Dataset", "BatchSize", "Resolution", "Channels", "Batches", "DecodeThreads", "Prefetch", "Seed"];
    private static readonly string[] Flags = ["Flip"];

    public string Name => "bench-data";
    public string Summary => "measure the data loader's images per second for a dataset; prints one JSON object";

    public void PrintHelp(TextWriter output)
    {
        output.WriteLine("Usage: p2gan bench-data --Dataset SPEC [options]");
        output.WriteLine();
        output.WriteLine("Options (default):");
        output.WriteLine($"  --Dataset SPEC        (required) {DatasetSpec.Syntax}");
        output.WriteLine("  --BatchSize N         (64) images per batch");
        output.WriteLine("  --Resolution N        (32) side of the converted images");
        output.WriteLine("  --Channels N          (0 = the dataset's) 1 or 3");
        output.WriteLine("  --Batches N           (200) batches to time");
        output.WriteLine("  --DecodeThreads N     (1; 0 = one per processor) threads filling a batch");
        output.WriteLine("  --Prefetch N          (4) batches queued ahead");
        output.WriteLine("  --Seed N              (1) shuffle seed");
        output.WriteLine("  --Flip                random horizontal flips");
        output.WriteLine();
        output.WriteLine("Prints open_seconds (index/load time) and images_per_second over the timed batches,");
        output.WriteLine("counted from the first request, so the prefetch queue starts empty.");
    }

    public Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var a = CommandArguments.Parse(Name, args, Valued, Flags);
        string spec = a.Required("Dataset");
        int batchSize = a.Parse("BatchSize", 64);
        int batches = a.Parse("Batches", 200);
        if (batches <= 0) throw new ArgumentException($"invalid value {batches} for --Batches: must be > 0.");
        var datasetOptions = new DatasetOptions { Resolution = a.Parse("Resolution", 32), Channels = a.Parse("Channels", 0) };
        var loaderOptions = new DataLoaderOptions
        {
            DecodeThreads = a.Parse("DecodeThreads", 1),
            PrefetchBatches = a.Parse("Prefetch", 4),
            HorizontalFlip = a.Flag("Flip"),
        };

        var open = Stopwatch.StartNew();
        IImageDataset dataset = DatasetFactory.Open(spec, datasetOptions);
        double openSeconds = open.Elapsed.TotalSeconds;

        using var loader = new DataLoader(dataset, batchSize, a.Parse("Seed", 1UL), LoaderPosition.Start, loaderOptions);
        var batch = new float[loader.BatchElementCount];
        var timer = Stopwatch.StartNew();
        for (int i = 0; i < batches; i++) loader.NextBatch(batch, cancellationToken);
        double seconds = timer.Elapsed.TotalSeconds;

        var result = new Dictionary<string, object>
        {
            ["dataset"] = dataset.Description,
            ["images"] = dataset.Count,
            ["resolution"] = dataset.Resolution,
            ["channels"] = dataset.Channels,
            ["batch_size"] = batchSize,
            ["batches"] = batches,
            ["decode_threads"] = loaderOptions.DecodeThreads,
            ["open_seconds"] = Math.Round(openSeconds, 3),
            ["seconds"] = Math.Round(seconds, 3),
            ["images_per_second"] = Math.Round(batches * (double)batchSize / seconds, 1),
            ["skipped_images"] = loader.SkippedImages,
            ["end_position"] = loader.Position.ToString(),
        };
        Console.WriteLine(JsonSerializer.Serialize(result, JsonDefaults.Options));
        return Task.FromResult(ExitCodes.Success);
    }
}
