using P2Gan.Tests.Support;

namespace P2Gan.Tests.Trainer;

/// <summary>
/// <c>p2gan train</c> across processes (issue #12, docs/distributed.md), through the built tool:
/// its own launcher (--nproc-per-node), ranks started the way torchrun starts them, a rank killed
/// mid-run, and exact resume of a 2-rank run. Loopback only; every process is bounded in time.
/// </summary>
[TestFixture]
[NonParallelizable] // several processes on a 2-core machine
public sealed class DistributedTrainTests : NativeRunTest
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(3);
    private static readonly string[] Quiet = ["--log-every", "1", "--sample-every", "100", "--checkpoint-every", "2"];

    [Test]
    public void TwoLocalRanksTrainWhatOneProcessTrainsAndOnlyRankZeroWrites()
    {
        string one = Temp.File("one"), two = Temp.File("two");
        Train(TrainerCli.TinyTrain(one, [.. Quiet, "--steps", "5"]));
        string output = Train(TrainerCli.TinyTrain(two, [.. Quiet, "--steps", "5", "--nproc-per-node", "2"]));

        double difference = SafetensorsFloats.MaxDifference(Weights(Final(one)), Weights(Final(two)));
        TestContext.Out.WriteLine($"max |2 ranks - 1 process| of the exported weights after 5 steps: {difference:G3}");
        Assert.That(difference, Is.LessThanOrEqualTo(1e-5));
        Assert.That(output, Does.Contain("Rank 0 of 2: batch 2 of the global 4"));
        // The same files as a single process's run, each written once: one metrics line per step.
        Assert.That(Files(two), Is.EqualTo(Files(one)));
        Assert.That(MetricSteps(two), Is.EqualTo(new long[] { 1, 2, 3, 4, 5 }));
    }

    [Test]
    public void RanksStartedAsTorchrunStartsThemTrainTogether()
    {
        string run = Temp.File("torchrun");
        var ranks = StartRanks(run, P2Gan.Trainer.Training.LocalLauncher.FreeLoopbackPort(), [.. Quiet, "--steps", "3"]);
        foreach (ChildProcess rank in ranks)
        {
            using (rank) Assert.That(rank.WaitForExit(Limit), Is.EqualTo(0), rank.Output);
        }
        Assert.That(MetricSteps(run), Is.EqualTo(new long[] { 1, 2, 3 }));
    }

    [Test]
    public void AKilledRankMakesTheOtherFailWithinTheTimeoutAndTheRunResumes()
    {
        string run = Temp.File("killed");
        var ranks = StartRanks(run, P2Gan.Trainer.Training.LocalLauncher.FreeLoopbackPort(), [.. Quiet, "--steps", "100000", "--dist-timeout", "10"]);
        using ChildProcess rank0 = ranks[0], rank1 = ranks[1];
        string checkpoint = Path.Combine(run, "checkpoints", "step_000004.ckpt");
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (!File.Exists(checkpoint) && waited.Elapsed < Limit && !rank0.Process.HasExited) Thread.Sleep(50);
        Assert.That(File.Exists(checkpoint), Is.True, rank0.Output);
        rank1.Process.Kill();

        var failed = System.Diagnostics.Stopwatch.StartNew();
        int code = rank0.WaitForExit(Limit);
        Assert.That(code, Is.EqualTo(P2Gan.Trainer.ExitCodes.Failure), rank0.Output);
        Assert.That(failed.Elapsed, Is.LessThan(TimeSpan.FromSeconds(60)));
        Assert.That(rank0.Output, Does.Contain("rank 1 died, hung or timed out"), rank0.Output);

        // The folder keeps its checkpoints: the run continues (and finishes) from the newest.
        string output = Train("train", "--resume", run, "--steps", "8", "--nproc-per-node", "2");
        Assert.That(output, Does.Contain("Resuming"));
        Assert.That(File.Exists(Final(run)), Is.True, output);
    }

    [Test]
    public void SigtermToTheLauncherStopsEveryRankAtOneStepAfterRankZerosCheckpoint()
    {
        if (OperatingSystem.IsWindows()) Assert.Ignore("POSIX signals");
        string run = Temp.File("stopped");
        using ChildProcess launcher = TrainerCli.Start(TrainerCli.TinyTrain(run, [.. Quiet, "--steps", "100000", "--nproc-per-node", "2"]));
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (!File.Exists(Path.Combine(run, "checkpoints", "step_000002.ckpt")) && waited.Elapsed < Limit && !launcher.Process.HasExited) Thread.Sleep(50);
        using (var kill = System.Diagnostics.Process.Start("kill", $"-TERM {launcher.Process.Id}")) kill.WaitForExit();

        Assert.That(launcher.WaitForExit(Limit), Is.EqualTo(0), launcher.Output);
        Assert.That(launcher.Output, Does.Contain("[rank 1] Stop requested: stopping at step"));
        long stoppedAt = MetricSteps(run).Max();
        Assert.That(File.Exists(Path.Combine(run, "checkpoints", $"step_{stoppedAt:D6}.ckpt")), Is.True, launcher.Output);
        Assert.That(launcher.Output, Does.Contain($"stopping at step {stoppedAt}"));
    }

    [Test]
    public void ATwoRankRunResumedWithTwoRanksIsExact()
    {
        string straight = Temp.File("straight"), split = Temp.File("split");
        Train(TrainerCli.TinyTrain(straight, [.. Quiet, "--steps", "6", "--nproc-per-node", "2"]));
        Train(TrainerCli.TinyTrain(split, [.. Quiet, "--steps", "3", "--nproc-per-node", "2"]));
        Train("train", "--resume", split, "--steps", "6", "--nproc-per-node", "2");

        Assert.That(Export(Final(split)), Is.EqualTo(Export(Final(straight))), "exported weights differ");
        Assert.That(MetricSteps(split), Is.EqualTo(Enumerable.Range(1, 6).Select(i => (long)i)));
    }

    [Test]
    public void ATwoRankRunContinuesInOneProcessCloseToARunThatNeverChanged()
    {
        string alone = Temp.File("alone"), changed = Temp.File("changed");
        Train(TrainerCli.TinyTrain(alone, [.. Quiet, "--steps", "6"]));
        Train(TrainerCli.TinyTrain(changed, [.. Quiet, "--steps", "3", "--nproc-per-node", "2"]));
        string output = Train("train", "--resume", changed, "--steps", "6");

        // Not bit-exact (the reductions add in another order), but the same run: the same global batches and draws.
        double difference = SafetensorsFloats.MaxDifference(Weights(Final(alone)), Weights(Final(changed)));
        TestContext.Out.WriteLine($"max |2 ranks then 1 process - 1 process| after 6 steps: {difference:G3}");
        Assert.That(difference, Is.LessThanOrEqualTo(1e-4));
        Assert.That(MetricSteps(changed), Is.EqualTo(Enumerable.Range(1, 6).Select(i => (long)i)), output);
    }

    [Test]
    public void AGlobalBatchThatDoesNotSplitOverTheRanksIsRefused()
    {
        using ChildProcess p = TrainerCli.Start(TrainerCli.TinyTrain(Temp.File("odd"), "--steps", "1", "--batch-size", "3",
            "--nproc-per-node", "2", "--dist-timeout", "20"));
        Assert.That(p.WaitForExit(Limit), Is.Not.EqualTo(0));
        Assert.That(p.Output, Does.Contain("BatchSize 3").And.Contain("split evenly over the 2 ranks"));
    }

    private static List<ChildProcess> StartRanks(string runDir, int port, string[] extra) =>
        Enumerable.Range(0, 2).Select(rank => TrainerCli.Start(new Dictionary<string, string>
        {
            ["RANK"] = $"{rank}", ["LOCAL_RANK"] = $"{rank}", ["WORLD_SIZE"] = "2", ["LOCAL_WORLD_SIZE"] = "2",
            ["MASTER_ADDR"] = "127.0.0.1", ["MASTER_PORT"] = $"{port}",
        }, TrainerCli.TinyTrain(runDir, extra))).ToList();

    private static string Train(params string[] args)
    {
        using ChildProcess p = TrainerCli.Start(args);
        int code = p.WaitForExit(Limit);
        Assert.That(code, Is.EqualTo(0), p.Output);
        return p.Output;
    }

    private static string Final(string runDir) => Path.Combine(runDir, "checkpoints", "final.ckpt");

    private Dictionary<string, float[]> Weights(string checkpoint)
    {
        string path = Temp.File(Guid.NewGuid().ToString("N") + ".safetensors");
        using (P2GanModel model = P2GanModel.Load(checkpoint)) model.ExportSafetensors(path);
        return SafetensorsFloats.Read(path);
    }

    private byte[] Export(string checkpoint)
    {
        string path = Temp.File(Guid.NewGuid().ToString("N") + ".safetensors");
        using (P2GanModel model = P2GanModel.Load(checkpoint)) model.ExportSafetensors(path);
        return File.ReadAllBytes(path);
    }

    private static string[] Files(string runDir) =>
        Directory.GetFiles(runDir, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(runDir, f)).Order().ToArray();

    private static IEnumerable<long> MetricSteps(string runDir) =>
        File.ReadAllLines(Path.Combine(runDir, "metrics.jsonl"))
            .Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement)
            .Where(e => !e.TryGetProperty("eval", out _))
            .Select(e => e.GetProperty("step").GetInt64());
}
