using System.Text.Json;
using P2Gan.Tests.Support;
using P2Gan.Trainer;
using P2Gan.Trainer.Commands;

namespace P2Gan.Tests.Trainer;

/// <summary>'p2gan bench' in .NET and with --native-only: one JSON object with every key and
/// sane values for a tiny configuration; bad options are usage errors.</summary>
[TestFixture]
[NonParallelizable] // swaps Console.Out/Error
public sealed class BenchCommandTests : NativeRunTest
{
    private static readonly string[] Tiny =
        ["--batch", "2", "--base-channels", "4", "--noise-dim", "8", "--posterior-dim", "8", "--channels", "1",
         "--steps", "2", "--warmup", "1", "--threads", "1", "--seed", "3"];

    private static async Task<JsonElement> Bench(params string[] extra)
    {
        (int code, string error, string output) = await TrainerCli.Run(["bench", .. Tiny, .. extra]);
        Assert.That(code, Is.EqualTo(ExitCodes.Success), error + output);
        string[] lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines, Has.Length.EqualTo(1), "one JSON object on one line:\n" + output);
        using var document = JsonDocument.Parse(lines[0]);
        return document.RootElement.Clone();
    }

    private static void AssertSchema(JsonElement j, string host)
    {
        Assert.Multiple(() =>
        {
            Assert.That(j.GetProperty("host").GetString(), Is.EqualTo(host));
            Assert.That(j.GetProperty("train_images_per_second").GetDouble(), Is.GreaterThan(0));
            JsonElement stepMs = j.GetProperty("step_ms");
            double min = stepMs.GetProperty("min").GetDouble(), median = stepMs.GetProperty("median").GetDouble();
            Assert.That(min, Is.GreaterThan(0));
            Assert.That(median, Is.InRange(min, stepMs.GetProperty("max").GetDouble()));
            Assert.That(j.GetProperty("train_images_per_second").GetDouble(), Is.EqualTo(2 / (median / 1e3)).Within(1e-6).Percent);
            Assert.That(j.GetProperty("sample_images_per_second").GetDouble(), Is.GreaterThan(0));
            JsonElement phases = j.GetProperty("phases_ms");
            foreach (string phase in new[] { "transfer", "d_forward", "d_backward", "g_forward", "g_backward", "optimizer" })
            {
                Assert.That(phases.GetProperty(phase).GetDouble(), Is.GreaterThanOrEqualTo(0), phase);
            }
            Assert.That(phases.GetProperty("d_forward").GetDouble(), Is.LessThan(median));
            Assert.That(j.GetProperty("phases_from").GetString(), Is.EqualTo("timed_steps"));
            JsonElement threads = j.GetProperty("threads");
            Assert.That(threads.GetProperty("intra_op").GetInt32(), Is.EqualTo(1));
            Assert.That(threads.GetProperty("cores").GetInt32(), Is.GreaterThanOrEqualTo(1));
            Assert.That(threads.GetProperty("blas").ValueKind, Is.AnyOf(JsonValueKind.Null, JsonValueKind.Number));
            Assert.That(j.GetProperty("libtorch_version").GetString(), Does.Match(@"^\d+\.\d+"));
            Assert.That(j.GetProperty("blas").GetString(), Is.Not.Empty);
            Assert.That(j.GetProperty("mkldnn").ValueKind, Is.AnyOf(JsonValueKind.True, JsonValueKind.False));
            // 2 images of 32x32x1, c = 4, n = d = 8: 2 * 11,695,104 FLOPs (docs/benchmarks.md).
            Assert.That(j.GetProperty("flops_per_step").GetDouble(), Is.EqualTo(2 * 11695104.0));
            Assert.That(j.GetProperty("achieved_gflops").GetDouble(),
                Is.EqualTo(2 * 11695104.0 / (median / 1e3) / 1e9).Within(1e-6).Percent);
            JsonElement rss = j.GetProperty("rss_mb");
            Assert.That(rss.GetProperty("after_warmup").GetDouble(), Is.GreaterThan(1));
            Assert.That(rss.GetProperty("last").GetDouble(), Is.GreaterThan(1));
            Assert.That(rss.GetProperty("at_step_100").ValueKind, Is.EqualTo(JsonValueKind.Null), "3 steps only");
            Assert.That(rss.GetProperty("at_step_1000").ValueKind, Is.EqualTo(JsonValueKind.Null));
            JsonElement config = j.GetProperty("config");
            Assert.That(config.GetProperty("batch").GetInt32(), Is.EqualTo(2));
            Assert.That(config.GetProperty("resolution").GetInt32(), Is.EqualTo(32));
            Assert.That(config.GetProperty("base_channels").GetInt32(), Is.EqualTo(4));
            Assert.That(config.GetProperty("steps").GetInt32(), Is.EqualTo(2));
            Assert.That(config.GetProperty("warmup").GetInt32(), Is.EqualTo(1));
            Assert.That(config.GetProperty("adain_mode").GetString(), Is.EqualTo("statistics"));
            Assert.That(config.GetProperty("device").GetString(), Is.EqualTo("cpu"));
            Assert.That(config.GetProperty("seed").GetInt64(), Is.EqualTo(3));
        });
    }

    private static IEnumerable<string> Keys(JsonElement e, string prefix = "") =>
        e.EnumerateObject().SelectMany(p => p.Value.ValueKind == JsonValueKind.Object
            ? Keys(p.Value, prefix + p.Name + ".")
            : [prefix + p.Name]);

    [Test]
    public async Task DotnetHostPrintsEveryKeyWithSaneValues()
    {
        AssertSchema(await Bench(), "dotnet");
    }

    [Test]
    public async Task NativeOnlyRunsTheDriverWithTheSameSchema()
    {
        JsonElement native = await Bench("--native-only");
        AssertSchema(native, "native");
        JsonElement dotnet = await Bench();
        Assert.That(Keys(native).Order(), Is.EqualTo(Keys(dotnet).Order()), "the same keys from both hosts");
    }

    [Test]
    public async Task AffineModeAndPeakProbe()
    {
        JsonElement j = await Bench("--adain-mode", "affine", "--peak");
        Assert.That(j.GetProperty("config").GetProperty("adain_mode").GetString(), Is.EqualTo("affine"));
        Assert.That(j.GetProperty("peak_gflops").GetDouble(), Is.GreaterThan(0));
        Assert.That(j.GetProperty("fraction_of_peak").GetDouble(), Is.GreaterThan(0));
    }

    [TestCase("--batch", "0")]
    [TestCase("--steps", "-1")]
    [TestCase("--warmup", "x")]
    [TestCase("--adain-mode", "fancy")]
    [TestCase("--device", "tpu")]
    [TestCase("--precision", "fp8")]
    [TestCase("--resolution", "33")]   // refused by the core's own validation
    [TestCase("--frobnicate", "1")]
    public async Task BadOptionsAreUsageErrors(string option, string value)
    {
        foreach (string[] extra in new[] { Array.Empty<string>(), ["--native-only"] })
        {
            (int code, string error, _) = await TrainerCli.Run(["bench", .. Tiny, option, value, .. extra]);
            Assert.That(code, Is.EqualTo(ExitCodes.Usage), $"{option} {value} {string.Join(' ', extra)}: {error}");
            Assert.That(error, Does.Contain(option.TrimStart('-')).Or.Contain("resolution"), error);
        }
    }

    [Test]
    public void DriverIsFoundBesideTheLoadedLibrary()
    {
        string path = NativeBenchDriver.Find();
        Assert.That(Path.GetFileName(path), Is.EqualTo(NativeBenchDriver.FileName));
    }

    [TestCase("--bogus")]
    [TestCase("--batch", "0")]
    [TestCase("--batch")]
    [TestCase("--kernels", "slow")]
    [TestCase("--memory-format", "nhwc")]
    public void DriverItselfRefusesBadOptionsWithExitCode2(params string[] args)
    {
        var info = new System.Diagnostics.ProcessStartInfo(NativeBenchDriver.Find())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string a in args) info.ArgumentList.Add(a);
        using var process = System.Diagnostics.Process.Start(info)!;
        string output = process.StandardOutput.ReadToEnd();
        string error = process.StandardError.ReadToEnd();
        Assert.That(process.WaitForExit(60_000), Is.True);
        Assert.Multiple(() =>
        {
            Assert.That(process.ExitCode, Is.EqualTo(2), error);
            Assert.That(output, Is.Empty);
            Assert.That(error, Does.Contain("p2gan-bench-native: error:").And.Contain(args[0].TrimStart('-')));
        });
    }

    [Test]
    public async Task MissingDriverIsAClearError()
    {
        string missing = Path.Combine(Temp.File("nowhere"), NativeBenchDriver.FileName);
        string? previous = Environment.GetEnvironmentVariable(NativeBenchDriver.OverrideVariable);
        Environment.SetEnvironmentVariable(NativeBenchDriver.OverrideVariable, missing);
        try
        {
            (int code, string error, _) = await TrainerCli.Run(["bench", .. Tiny, "--native-only"]);
            Assert.That(code, Is.EqualTo(ExitCodes.Failure));
            Assert.That(error, Does.Contain("p2gan-bench-native not found").And.Contain(missing));
        }
        finally
        {
            Environment.SetEnvironmentVariable(NativeBenchDriver.OverrideVariable, previous);
        }
    }

    [Test]
    public async Task HelpListsTheOptions()
    {
        (int code, _, string output) = await TrainerCli.Run("bench", "--help");
        Assert.That(code, Is.EqualTo(ExitCodes.Success));
        foreach (string option in new[] { "--batch", "--resolution", "--channels", "--base-channels", "--steps", "--warmup",
                     "--threads", "--adain-mode", "--native-only", "--kernels", "--device", "--precision", "--memory-format", "--seed", "[default: " })
        {
            Assert.That(output, Does.Contain(option), option);
        }
    }

    [Test]
    public void SyntheticImagesAreUniformInRange()
    {
        float[] images = ManagedBench.SyntheticImages(10000, 3);
        Assert.That(images, Has.All.InRange(-1f, 1f));
        Assert.That(images.Average(), Is.EqualTo(0).Within(0.05));
        Assert.That(ManagedBench.SyntheticImages(5, 3), Is.EqualTo(images[..5]));
        Assert.That(ManagedBench.Median([3, 1, 2]), Is.EqualTo(2));
        Assert.That(ManagedBench.Median([4, 1, 2, 3]), Is.EqualTo(2.5));
    }
}
