using P2Gan.Trainer.Cli;
using System.Diagnostics;
using System.Text.Json;
using P2Gan.Datasets;

namespace P2Gan.Trainer.Commands;

/// <summary>'p2gan bench-data': how fast the data loader delivers batches of a dataset, with no
/// model in the loop; the figure to compare with the train step's images per second.</summary>
internal sealed class BenchDataCommand : ICommand
{
    public string Name => "bench-data";
    public string Summary => "measure the data loader's images per second for a dataset; prints one JSON object";

    public IReadOnlyList<CliOption> Options { get; } =
    [
        CliOption.Value("Dataset", "SPEC", $"{DatasetSpec.Syntax} (required)."),
        CliOption.Value("BatchSize", "N", "Images per batch.", "64"),
        CliOption.Value("Resolution", "N", "Side of the converted images.", "32"),
        CliOption.Value("Channels", "N", "1 or 3; 0 = the dataset's.", "0"),
        CliOption.Value("Batches", "N", "Batches to time.", "200"),
        CliOption.Value("DecodeThreads", "N", "Threads filling a batch; 0 = one per processor.", "1"),
        CliOption.Value("PrefetchBatches", "N", "Batches queued ahead.", "4") with { LegacyNames = ["Prefetch"] },
        CliOption.Value("Seed", "N", "Shuffle seed.", "1"),
        CliOption.Flag("HorizontalFlip", "Random horizontal flips.") with { LegacyNames = ["Flip"] },
    ];

    public string? Details => "Prints open_seconds (index/load time) and images_per_second over the timed batches, counted from the " +
        "first request, so the prefetch queue starts empty.";

    public Task<int> RunAsync(CommandArguments a, CancellationToken cancellationToken)
    {
        string spec = a.Required("Dataset");
        int batchSize = a.Parse("BatchSize", 64);
        int batches = a.Parse("Batches", 200);
        if (batches <= 0) throw new UsageException($"invalid value {batches} for --batches: must be > 0.");
        var datasetOptions = new DatasetOptions { Resolution = a.Parse("Resolution", 32), Channels = a.Parse("Channels", 0) };
        var loaderOptions = new DataLoaderOptions
        {
            DecodeThreads = a.Parse("DecodeThreads", 1),
            PrefetchBatches = a.Parse("PrefetchBatches", 4),
            HorizontalFlip = a.Flag("HorizontalFlip"),
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
        Console.WriteLine(JsonSerializer.Serialize(result, TrainingJson.Options));
        return Task.FromResult(ExitCodes.Success);
    }
}
