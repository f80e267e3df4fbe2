using P2Gan.Tests.Support;
using P2Gan.Trainer.Training;

namespace P2Gan.Tests.Trainer;

/// <summary>
/// A run of 2k steps and a run of k steps resumed for k more end with bit-identical weights
/// (compared as exported safetensors bytes, which hold D, G, and G_ema when on). The synthetic
/// dataset has 20 images and batches of 4, so the runs cross epoch boundaries.
/// </summary>
[TestFixture]
[NonParallelizable] // swaps Console.Out/Error
public sealed class ExactResumeTests : NativeRunTest
{
    private const int K = 4;

    private static readonly string[] Quiet = ["--log-every", "1", "--sample-every", "3", "--checkpoint-every", "2"];

    [Test]
    public async Task RunOfKStepsResumedForKMoreEqualsARunOf2KSteps()
    {
        string straight = Temp.File("straight"), split = Temp.File("split");
        await Train(TrainerCli.TinyTrain(straight, [.. Quiet, "--steps", $"{2 * K}"]));
        await Train(TrainerCli.TinyTrain(split, [.. Quiet, "--steps", $"{K}"]));
        await Train("train", "--resume", split, "--steps", $"{2 * K}");

        AssertSameWeights(Final(straight), Final(split));
        Assert.That(TrainingState.Read(Final(split)).Step, Is.EqualTo(2 * K));
        // The resumed run's metrics continue the first process's: one line per step, no repeats.
        Assert.That(MetricSteps(split), Is.EqualTo(Enumerable.Range(1, 2 * K).Select(i => (long)i)));
    }

    [Test]
    public async Task ResumeFromAMidRunCheckpointWithLinearDecayAndEmaWarmupIsExact()
    {
        string[] schedule = ["--learning-rate-schedule", "Linear", "--ema-decay", "0.99", "--n-dis", "2", "--pretrain-steps", "1"];
        string straight = Temp.File("straight");
        await Train(TrainerCli.TinyTrain(straight, [.. Quiet, .. schedule, "--steps", $"{2 * K}", "--keep-checkpoints", "0"]));

        // A copy of the run, continued from its step-K checkpoint: it re-runs steps K+1..2K.
        string copy = Temp.File("copy");
        CopyDirectory(straight, copy);
        byte[] before = Export(Final(copy));
        await Train("train", "--resume", Path.Combine(copy, "checkpoints", $"step_{K:D6}.ckpt"));

        AssertSameWeights(Final(straight), Final(copy));
        Assert.That(Export(Final(copy)), Is.EqualTo(before));
        // The later files of the rewound trajectory were set aside, not mistaken for newer states.
        Assert.That(File.Exists(Final(copy) + ".abandoned"));
        Assert.That(File.Exists(Path.Combine(copy, "checkpoints", $"step_{K + 2:D6}.ckpt.abandoned")));
    }

    [Test]
    public async Task ResumeRefusesChangedModelSettingsAndMissingRuns()
    {
        string run = Temp.File("run");
        await Train(TrainerCli.TinyTrain(run, "--steps", "1"));

        (int code, string error, _) = await TrainerCli.Run("train", "--resume", run, "--seed", "9");
        Assert.That(code, Is.EqualTo(P2Gan.Trainer.ExitCodes.Usage));
        Assert.That(error, Does.Contain("--seed").And.Contain("--resume"));

        (code, error, _) = await TrainerCli.Run("train", "--resume", Temp.File("nothing-here"));
        Assert.That(code, Is.EqualTo(P2Gan.Trainer.ExitCodes.Usage));
        Assert.That(error, Does.Contain("nothing-here"));

        // A new run into a folder that holds checkpoints would mix two runs.
        (code, error, _) = await TrainerCli.Run(TrainerCli.TinyTrain(run, "--steps", "1"));
        Assert.That(code, Is.EqualTo(P2Gan.Trainer.ExitCodes.Usage));
        Assert.That(error, Does.Contain("--resume"));
    }

    private static async Task Train(params string[] args)
    {
        (int code, string error, string output) = await TrainerCli.Run(args);
        Assert.That(code, Is.EqualTo(0), error + output);
    }

    private static string Final(string runDir) => Path.Combine(runDir, "checkpoints", "final.ckpt");

    private void AssertSameWeights(string a, string b)
    {
        byte[] bytesA = Export(a), bytesB = Export(b);
        Assert.That(bytesA.Length, Is.GreaterThan(1000));
        Assert.That(bytesB.SequenceEqual(bytesA), Is.True, "exported weights differ");
    }

    private byte[] Export(string checkpoint)
    {
        string path = Temp.File(Guid.NewGuid().ToString("N") + ".safetensors");
        using (P2GanModel model = P2GanModel.Load(checkpoint)) model.ExportSafetensors(path);
        return File.ReadAllBytes(path);
    }

    private static IEnumerable<long> MetricSteps(string runDir) =>
        File.ReadAllLines(Path.Combine(runDir, "metrics.jsonl"))
            .Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement.GetProperty("step").GetInt64());

    private static void CopyDirectory(string from, string to)
    {
        foreach (string dir in Directory.GetDirectories(from, "*", SearchOption.AllDirectories))
            Directory.CreateDirectory(dir.Replace(from, to));
        Directory.CreateDirectory(to);
        foreach (string file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
            File.Copy(file, file.Replace(from, to));
    }
}
