using System.Text.Json;

namespace P2Gan.Trainer.Commands;

/// <summary>'p2gan bench': times the real train step (a D update then a G update, exactly as in
/// training) on synthetic images and prints one JSON object (docs/benchmarks.md). With
/// --native-only the same loop runs in p2gan-bench-native, with no .NET in it.</summary>
internal sealed class BenchCommand : ICommand
{
    private static readonly string[] Flags = ["native-only", "peak"];

    public string Name => "bench";
    public string Summary => "time the train step on synthetic data (images/s, phases, GFLOP/s); prints one JSON object";

    public void PrintHelp(TextWriter output)
    {
        var d = new BenchSettings();
        output.WriteLine("Usage: p2gan bench [options]");
        output.WriteLine();
        output.WriteLine("Runs the train step on uniform [-1, 1] images from a fixed seed and prints one JSON object:");
        output.WriteLine("train_images_per_second (batch / median step time), step_ms, sample_images_per_second,");
        output.WriteLine("phases_ms, threads, libtorch_version, blas, flops_per_step, achieved_gflops, rss_mb, config.");
        output.WriteLine();
        output.WriteLine("Options (default):");
        output.WriteLine($"  --batch N            ({d.Batch}) images per step");
        output.WriteLine($"  --steps N            ({d.Steps}) measured steps");
        output.WriteLine($"  --warmup N           ({d.Warmup}) steps run before measuring");
        foreach (SettingInfo s in ModelOptions.Settings.Concat(RuntimeOptions.Settings))
        {
            object section = ModelOptions.Settings.Contains(s) ? d.Model : d.Runtime;
            string constraint = s.Constraint.Length > 0 ? $"; {s.Constraint}" : "";
            output.WriteLine($"  --{BenchSettings.Kebab(s.Name),-18} ({SettingsBinding.Format(section, s.Name)}{constraint}) {s.Description}");
        }
        output.WriteLine("  --peak               (off) also run the float32 GEMM peak probe: peak_gflops, fraction_of_peak");
        output.WriteLine("  --native-only        (off) run the loop in p2gan-bench-native (C ABI only, no .NET) and");
        output.WriteLine($"                       print its JSON; looked for beside libp2gan, or at ${NativeBenchDriver.OverrideVariable}");
        output.WriteLine();
        output.WriteLine("--precision also takes bf16 (CUDA only). --native-only takes the settings of its own command line only.");
        output.WriteLine("host is \"dotnet\" or \"native\"; compare the two as a ratio in one run (bench/compare.sh).");
    }

    public async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var a = CommandArguments.Parse(Name, args, BenchSettings.Valued, Flags);
        BenchSettings settings = BenchSettings.From(a);
        if (a.Flag("native-only"))
        {
            Console.WriteLine(await NativeBenchDriver.RunAsync(settings, cancellationToken));
        }
        else
        {
            Dictionary<string, object?> result = ManagedBench.Run(settings, cancellationToken);
            Console.WriteLine(JsonSerializer.Serialize(result, JsonDefaults.Options));
        }
        return ExitCodes.Success;
    }
}
