using P2Gan.Trainer.Cli;
using System.Text.Json;

namespace P2Gan.Trainer.Commands;

/// <summary>'p2gan bench': times the real train step (a D update then a G update, exactly as in
/// training) on synthetic images and prints one JSON object (docs/benchmarks.md). With
/// --native-only the same loop runs in p2gan-bench-native, with no .NET in it.</summary>
internal sealed class BenchCommand : ICommand
{
    public string Name => "bench";
    public string Summary => "time the train step on synthetic data (images/s, phases, GFLOP/s); prints one JSON object";

    public IReadOnlyList<CliOption> Options { get; } = [.. BenchSettings.Options, .. LoggingOptions.Options];

    public string? Details => "Runs the train step on uniform [-1, 1] images from a fixed seed and prints one JSON object: " +
        "train_images_per_second (batch / median step time), step_ms, sample_images_per_second, phases_ms, threads, " +
        "libtorch_version, blas, flops_per_step, achieved_gflops, rss_mb, config. --precision also takes bf16 (CUDA only). " +
        "--native-only takes the settings of its own command line only. host is \"dotnet\" or \"native\"; compare the two " +
        "as a ratio in one run (bench/compare.sh).";

    public async Task<int> RunAsync(CommandArguments a, CancellationToken cancellationToken)
    {
        BenchSettings settings = BenchSettings.From(a);
        using CommandLogging logging = CommandLogging.Start(a);
        if (a.Flag("native-only"))
        {
            Console.WriteLine(await NativeBenchDriver.RunAsync(settings, cancellationToken));
        }
        else
        {
            Dictionary<string, object?> result = ManagedBench.Run(settings, cancellationToken);
            Console.WriteLine(JsonSerializer.Serialize(result, TrainingJson.Options));
        }
        return ExitCodes.Success;
    }
}
