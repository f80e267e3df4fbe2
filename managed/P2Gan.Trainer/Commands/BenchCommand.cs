using P2Gan.Distributed;
using P2Gan.Trainer.Cli;
using P2Gan.Trainer.Training;
using System.Text.Json;

namespace P2Gan.Trainer.Commands;

/// <summary>'p2gan bench': times the real train step (a D update then a G update, exactly as in
/// training) on synthetic images and prints one JSON object (docs/benchmarks.md). With
/// --native-only the same loop runs in p2gan-bench-native, with no .NET in it.</summary>
internal sealed class BenchCommand : ICommand
{
    public string Name => "bench";
    public string Summary => "time the train step on synthetic data (images/s, phases, GFLOP/s); prints one JSON object";

    public IReadOnlyList<CliOption> Options { get; } = [.. BenchSettings.Options, .. LaunchOptions.Options, .. LoggingOptions.Options];

    public string? Details => "Runs the train step on uniform [-1, 1] images from a fixed seed and prints one JSON object: " +
        "train_images_per_second (batch / median step time), step_ms, sample_images_per_second, phases_ms, threads, " +
        "libtorch_version, blas, flops_per_step, achieved_gflops, rss_mb, config. --precision also takes bf16 (CUDA only). " +
        "--native-only takes the settings of its own command line only. host is \"dotnet\" or \"native\"; compare the two " +
        "as a ratio in one run (bench/compare.sh). With --nproc-per-node N (or under torchrun) every rank runs --batch images per " +
        "step data-parallel and rank 0 adds \"distributed\": each rank's images/s, the total, and the time and bytes of the " +
        "step's collective calls; bench/distributed.sh turns that into a scaling efficiency.";

    public async Task<int> RunAsync(CommandArguments a, CancellationToken cancellationToken)
    {
        BenchSettings settings = BenchSettings.From(a);
        bool isRank = ProcessGroup.EnvironmentDescribesGroup;
        int processes = LaunchOptions.Processes(a);
        if ((isRank || processes > 1) && a.Flag("native-only"))
        {
            throw new UsageException("--native-only runs one process: it cannot be combined with --nproc-per-node or torchrun.");
        }
        if (!isRank && processes > 1) return await LocalLauncher.RunAsync(processes, Console.Error, cancellationToken);
        using CommandLogging logging = CommandLogging.Start(a);
        if (isRank)
        {
            using ProcessGroup group = ProcessGroup.FromEnvironment(LaunchOptions.Timeout(a));
            Dictionary<string, object?> ranked = ManagedBench.Run(settings with { Runtime = RankThreads.Apply(settings.Runtime) }, cancellationToken, group);
            if (group.IsMain) Console.WriteLine(JsonSerializer.Serialize(ranked, TrainingJson.Options));
        }
        else if (a.Flag("native-only"))
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
