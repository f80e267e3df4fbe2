using System.Text.Json;
using P2Gan.Datasets;
using P2Gan.Tests.Support;
using P2Gan.Trainer;

namespace P2Gan.Tests.Trainer;

/// <summary>The p2gan tool in-process: train on a tiny IDX dataset, then forward, sample, export.</summary>
[TestFixture]
[NonParallelizable] // swaps Console.Error and environment variables
public sealed class TrainerEndToEndTests
{
    private TempDirectory? _temp;
    private string _datasetDir = null!;

    [SetUp]
    public void SetUp()
    {
        NativeRequirement.Require();
        _temp = new TempDirectory();
        _datasetDir = Directory.CreateDirectory(_temp!.File("fashion")).FullName;
        IdxTestFiles.WriteImages(Path.Combine(_datasetDir, FashionMnistDataset.TrainImagesFileName + ".gz"),
            SyntheticImages.ShapeBytes(16, 28, 28), 16, 28, 28, gzip: true);
    }

    [TearDown]
    public void TearDown() => _temp?.Dispose(); // null when SetUp ignored the test

    private string[] TinyTrainArgs(string runDir, params string[] extra) =>
    [
        "train", "--dataset", $"fashion-mnist:{_datasetDir}", "--batch-size", "8", "--base-channels", "4",
        "--noise-dim", "8", "--posterior-dim", "8", "--run-dir", runDir, "--log-every", "1", "--sample-every", "2",
        "--seed", "3", "--threads", "1",
        // This dataset has no labels and no test split: no evaluation (the preset's EvalAtEnd would train a classifier).
        "--eval-at-end", "false", .. extra,
    ];

    private static async Task<(int Code, string Error)> Run(params string[] args)
    {
        TextWriter original = Console.Error;
        var error = new StringWriter();
        Console.SetError(error);
        try
        {
            int code = await TrainerApp.RunAsync(args);
            return (code, error.ToString());
        }
        finally
        {
            Console.SetError(original);
        }
    }

    [Test]
    public async Task TrainWritesConfigMetricsSamplesAndCheckpoint_ThenForwardWritesOutputs()
    {
        string runDir = _temp!.File("run");
        (int code, string error) = await Run(TinyTrainArgs(runDir, "--steps", "4"));
        Assert.That(code, Is.EqualTo(0), error);

        Assert.That(File.Exists(Path.Combine(runDir, "config.json")));
        using (var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(runDir, "config.json"))))
        {
            Assert.That(config.RootElement.GetProperty("Steps").GetInt32(), Is.EqualTo(4));
            Assert.That(config.RootElement.GetProperty("Preset").GetString(), Is.EqualTo("cpu-small"));
        }
        string[] lines = File.ReadAllLines(Path.Combine(runDir, "metrics.jsonl"));
        Assert.That(lines, Has.Length.EqualTo(4));
        using (var first = JsonDocument.Parse(lines[0]))
        {
            foreach (string key in new[] { "step", "loss_d", "loss_adv", "loss_z", "loss_g", "real_mu_mean", "real_sigma_mean",
                         "fake_mu_mean", "fake_sigma_mean", "images_per_second", "elapsed_seconds", "lr_d", "lr_g", "ema_decay", "g_updated" })
            {
                Assert.That(first.RootElement.TryGetProperty(key, out _), Is.True, key);
            }
            Assert.That(first.RootElement.GetProperty("step").GetInt64(), Is.EqualTo(1));
        }
        Assert.That(File.Exists(Path.Combine(runDir, "samples", "step_000002.png")));
        Assert.That(File.Exists(Path.Combine(runDir, "samples", "step_000004.png")));
        string checkpoint = Path.Combine(runDir, "checkpoints", "final.ckpt");
        Assert.That(File.Exists(checkpoint));

        // forward on small .npy inputs
        const int b = 2;
        string inputs = Directory.CreateDirectory(_temp!.File("inputs")).FullName;
        NpyFile.Write(Path.Combine(inputs, "real.npy"), SyntheticImages.Shapes(b, 32), TensorShape.Nchw(b, 1, 32, 32));
        NpyFile.Write(Path.Combine(inputs, "noise.npy"), SyntheticImages.Gaussian(b * 8, 1), new TensorShape(b, 8));
        NpyFile.Write(Path.Combine(inputs, "e.npy"), SyntheticImages.Gaussian(b * 8, 2), new TensorShape(b, 8));
        string outDir = _temp!.File("forward");
        (code, error) = await Run("forward", "--checkpoint", checkpoint, "--real", Path.Combine(inputs, "real.npy"),
            "--noise", Path.Combine(inputs, "noise.npy"), "--posterior-noise", Path.Combine(inputs, "e.npy"), "--out", outDir);
        Assert.That(code, Is.EqualTo(0), error);
        foreach (string name in new[] { "mu_real", "sigma_real", "codes", "mu_fake", "sigma_fake" })
        {
            Assert.That(NpyFile.Read(Path.Combine(outDir, name + ".npy")).Shape, Is.EqualTo(new TensorShape(b, 8)), name);
        }
        Assert.That(NpyFile.Read(Path.Combine(outDir, "fake.npy")).Shape, Is.EqualTo(TensorShape.Nchw(b, 1, 32, 32)));
        using (var losses = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "losses.json"))))
        {
            foreach (string key in new[] { "L_D", "L_adv", "L_z", "L_G" })
            {
                Assert.That(float.IsFinite(losses.RootElement.GetProperty(key).GetSingle()), key);
            }
        }

        // sample and export from the same checkpoint
        string grid = _temp!.File("grid.png");
        (code, error) = await Run("sample", "--checkpoint", checkpoint, "--count", "9", "--seed", "4", "--out", grid);
        Assert.That(code, Is.EqualTo(0), error);
        Assert.That(File.Exists(grid));
        string safetensors = _temp!.File("model.safetensors");
        (code, error) = await Run("export", "--checkpoint", checkpoint, "--out", safetensors);
        Assert.That(code, Is.EqualTo(0), error);
        Assert.That(File.Exists(safetensors));
    }

    [Test]
    public async Task CommandLineBeatsEnvironmentWhichBeatsTheConfigFile()
    {
        string configFile = _temp!.File("train.json");
        File.WriteAllText(configFile, """{ "Steps": 5, "NDis": 2 }""");
        Environment.SetEnvironmentVariable("P2GAN_Steps", "3");
        try
        {
            string runA = _temp!.File("a");
            (int code, string error) = await Run(TinyTrainArgs(runA, "--config", configFile));
            Assert.That(code, Is.EqualTo(0), error);
            Assert.That(File.ReadAllLines(Path.Combine(runA, "metrics.jsonl")), Has.Length.EqualTo(3), "environment beats file");

            string runB = _temp!.File("b");
            (code, error) = await Run(TinyTrainArgs(runB, "--config", configFile, "--steps", "2"));
            Assert.That(code, Is.EqualTo(0), error);
            Assert.That(File.ReadAllLines(Path.Combine(runB, "metrics.jsonl")), Has.Length.EqualTo(2), "command line beats environment");
            using var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(runB, "config.json")));
            Assert.That(config.RootElement.GetProperty("NDis").GetInt32(), Is.EqualTo(2), "file value kept");
        }
        finally
        {
            Environment.SetEnvironmentVariable("P2GAN_Steps", null);
        }
    }

    [Test]
    public async Task MethodSettingsFromTheCommandLineReachTheExportedMetadata()
    {
        string runDir = _temp!.File("lambda");
        (int code, string error) = await Run(TinyTrainArgs(runDir, "--steps", "2", "--lambda-z", "5", "--sigma-b", "2",
            "--distance-estimator", "Sampled", "--beta1", "0.5"));
        Assert.That(code, Is.EqualTo(0), error);
        string export = _temp.File("lambda.safetensors");
        (code, error) = await Run("export", "--checkpoint", Path.Combine(runDir, "checkpoints", "final.ckpt"), "--out", export);
        Assert.That(code, Is.EqualTo(0), error);
        // safetensors: u64 header length, then the JSON header with __metadata__.
        byte[] bytes = File.ReadAllBytes(export);
        long length = BitConverter.ToInt64(bytes, 0);
        using JsonDocument header = JsonDocument.Parse(bytes.AsMemory(8, (int)length));
        string[] settings = header.RootElement.GetProperty("__metadata__").GetProperty("p2gan_params").GetString()!.Split('\n');
        Assert.That(settings, Does.Contain("lambda_z=5").And.Contain("sigma_b=2").And.Contain("distance_estimator=1").And.Contain("beta1=0.5"));
    }

    [Test]
    public async Task UnknownPresetFailsWithOneLineNamingIt()
    {
        (int code, string error) = await Run(TinyTrainArgs(_temp!.File("x"), "--preset", "gigantic"));
        Assert.That(code, Is.EqualTo(ExitCodes.Usage));
        Assert.That(error, Does.Contain("gigantic"));
        Assert.That(error.Trim().Split('\n'), Has.Length.EqualTo(1));
    }

    [TestCase("--steps", "many", "--steps")]
    [TestCase("--stpes", "4", "--stpes; did you mean --steps?")]
    [TestCase("--adain-mode", "Fancy", "--adain-mode")]
    [TestCase("--learning-rate-schedule", "Cosine", "--learning-rate-schedule")]
    [TestCase("--keep-checkpoints", "-1", "--keep-checkpoints")]
    [TestCase("--eval-every", "-1", "--eval-every")]
    [TestCase("--eval-samples", "1", "--eval-samples")]
    [TestCase("--best-metric", "is_mean", "--best-metric")]
    [TestCase("--eval-resize", "lanczos", "--eval-resize")]
    [TestCase("--non-finite-learning-rate-factor", "1.5", "--non-finite-learning-rate-factor")]
    [TestCase("--dataset", "imagenet:/x", "imagenet")]
    public async Task InvalidOptionFailsNamingIt(string key, string value, string expected)
    {
        (int code, string error) = await Run(TinyTrainArgs(_temp!.File("x"), key, value));
        Assert.That(code, Is.EqualTo(ExitCodes.Usage), error);
        Assert.That(error, Does.Contain(expected));
    }
}
