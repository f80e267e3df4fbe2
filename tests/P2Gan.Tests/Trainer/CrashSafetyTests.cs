using System.Runtime.InteropServices;
using System.Text.Json;
using P2Gan.Tests.Support;
using P2Gan.Trainer.Training;

namespace P2Gan.Tests.Trainer;

/// <summary>
/// The real artifacts/bin/p2gan as a child process: SIGKILL at random moments (with a checkpoint
/// written after every step, a kill often lands inside a write) must leave a run that --resume
/// completes; SIGTERM must stop it cleanly with a checkpoint and exit code 0.
/// </summary>
[TestFixture]
[NonParallelizable] // timing-sensitive child processes
[Platform(Exclude = "Win")] // POSIX signals
public sealed class CrashSafetyTests : NativeRunTest
{
    private const int Steps = 100; // about 4 s of training for the tiny model with a checkpoint per step
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    private string[] Args(string runDir) =>
        TrainerCli.TinyTrain(runDir, "--steps", $"{Steps}", "--checkpoint-every", "1", "--keep-checkpoints", "2",
            "--log-every", "1", "--sample-every", "25");

    [Test]
    public void RunKilledRepeatedlyWithSigkillResumesToCompletion()
    {
        string runDir = Temp.File("run");
        var random = new Random(12345);
        int kills = 0;
        for (int attempt = 0; attempt < 4; attempt++)
        {
            bool started = Directory.Exists(Path.Combine(runDir, "checkpoints")) &&
                           new CheckpointStore(Path.Combine(runDir, "checkpoints")).Any();
            using var child = TrainerCli.Start(started ? ["train", "--resume", runDir] : Args(runDir));
            // Startup takes about a second; the delays reach from before the first step into the run.
            Thread.Sleep(random.Next(800, 2500));
            if (child.Process.HasExited) break; // finished early: nothing left to kill
            child.Process.Kill(); // SIGKILL on Linux
            child.Process.WaitForExit();
            kills++;
        }
        Assert.That(kills, Is.GreaterThan(0), "no run was killed: the delays are too long for this machine");

        using (var last = TrainerCli.Start(Directory.Exists(Path.Combine(runDir, "checkpoints")) &&
                                          new CheckpointStore(Path.Combine(runDir, "checkpoints")).Any()
                   ? ["train", "--resume", runDir] : Args(runDir)))
        {
            Assert.That(last.WaitForExit(Timeout), Is.EqualTo(0), last.Output);
        }

        string final = Path.Combine(runDir, "checkpoints", "final.ckpt");
        using (P2GanModel model = P2GanModel.Load(final)) Assert.That(model.Step, Is.EqualTo(Steps));
        Assert.That(Directory.GetFiles(Path.Combine(runDir, "checkpoints"), "*.tmp"), Is.Empty, "leftover temporaries were not cleaned");
        long[] steps = File.ReadAllLines(Path.Combine(runDir, "metrics.jsonl"))
            .Select(l => JsonDocument.Parse(l).RootElement.GetProperty("step").GetInt64()).ToArray();
        Assert.That(steps, Is.EqualTo(Enumerable.Range(1, Steps).Select(i => (long)i)), "metrics.jsonl has every step once, in order");
    }

    [Test]
    public void SigtermStopsAfterTheCurrentStepWithACheckpointAndExitCodeZero()
    {
        string runDir = Temp.File("run");
        using var child = TrainerCli.Start(TrainerCli.TinyTrain(runDir, "--steps", "100000", "--checkpoint-every", "1000",
            "--log-every", "1", "--sample-every", "1000"));
        string metrics = Path.Combine(runDir, "metrics.jsonl");
        var deadline = DateTime.UtcNow + Timeout;
        while (!(File.Exists(metrics) && new FileInfo(metrics).Length > 0))
        {
            Assert.That(child.Process.HasExited, Is.False, child.Output);
            Assert.That(DateTime.UtcNow, Is.LessThan(deadline), "no step was logged in time");
            Thread.Sleep(50);
        }

        Assert.That(Kill(child.Process.Id, Sigterm), Is.EqualTo(0));
        Assert.That(child.WaitForExit(Timeout), Is.EqualTo(0), child.Output);

        var store = new CheckpointStore(Path.Combine(runDir, "checkpoints"));
        var newest = store.Newest();
        Assert.That(newest, Is.Not.Null);
        Assert.That(newest!.Value.State.Step, Is.GreaterThan(0), "the stop wrote a checkpoint at the step it reached");
        Assert.That(File.Exists(store.FinalPath), Is.False, "an interrupted run is not final");
        Assert.That(child.Output, Does.Contain("--resume"));
    }

    private const int Sigterm = 15;

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
