using P2Gan.Tests.Support;

namespace P2Gan.Tests.Trainer;

/// <summary>One trainer per run folder: RUN_DIR/.lock held open with FileShare.None (issue 11).</summary>
[TestFixture]
[NonParallelizable] // swaps Console.Out/Error; child processes
public sealed class RunLockTests : NativeRunTest
{
    [Test]
    public async Task ASecondTrainerOnAHeldRunFolderIsRefusedAndRunsOnceItIsReleased()
    {
        string run = Temp.File("run");
        Directory.CreateDirectory(run);
        string[] args = TrainerCli.TinyTrain(run, "--steps", "2", "--log-every", "1", "--sample-every", "100");
        using (new FileStream(Path.Combine(run, ".lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None))
        {
            (int code, string error, string output) = await TrainerCli.Run(args);
            Assert.That(code, Is.EqualTo(P2Gan.Trainer.ExitCodes.Failure), error + output);
            Assert.That(error, Does.Contain(Path.GetFullPath(run)).And.Contain("another trainer"));
            Assert.That(Directory.Exists(Path.Combine(run, "checkpoints")), Is.False, "nothing was written");
        }
        (int after, string error2, string output2) = await TrainerCli.Run(args);
        Assert.That(after, Is.EqualTo(0), error2 + output2);
    }

    [Test]
    [Platform(Exclude = "Win")] // SIGKILL
    public async Task TheLockHoldsBetweenProcessesAndAKilledTrainerLeavesNoStaleLock()
    {
        string run = Temp.File("run");
        using (var child = TrainerCli.Start(TrainerCli.TinyTrain(run, "--steps", "100000", "--checkpoint-every", "5",
                   "--log-every", "1", "--sample-every", "100000")))
        {
            string metrics = Path.Combine(run, "metrics.jsonl");
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
            while (!(File.Exists(metrics) && new FileInfo(metrics).Length > 0))
            {
                Assert.That(child.Process.HasExited, Is.False, child.Output);
                Assert.That(DateTime.UtcNow, Is.LessThan(deadline), "no step was logged in time");
                Thread.Sleep(50);
            }
            (int code, string error, _) = await TrainerCli.Run("train", "--resume", run, "--steps", "3");
            Assert.That(code, Is.EqualTo(P2Gan.Trainer.ExitCodes.Failure), error);
            Assert.That(error, Does.Contain("another trainer"));

            child.Process.Kill(); // SIGKILL: no clean-up code runs
            child.Process.WaitForExit();
        }
        (int resumed, string error2, string output2) = await TrainerCli.Run("train", "--resume", run, "--steps", "3");
        Assert.That(resumed, Is.EqualTo(0), error2 + output2);
    }
}
