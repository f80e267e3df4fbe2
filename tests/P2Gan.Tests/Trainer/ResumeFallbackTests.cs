using P2Gan.Tests.Support;
using P2Gan.Trainer.Training;

namespace P2Gan.Tests.Trainer;

/// <summary>
/// --resume RUN_DIR whose newest checkpoints are truncated: the run continues from the newest
/// checkpoint that loads, warns naming the bad files and keeps them (issue 11).
/// </summary>
[TestFixture]
[NonParallelizable] // swaps Console.Out/Error
public sealed class ResumeFallbackTests : NativeRunTest
{
    [Test]
    public async Task ResumeSkipsTruncatedNewestCheckpointsKeepsThemAndLaterResumesStillWork()
    {
        string run = Temp.File("run");
        (int code, string error, string output) = await TrainerCli.Run(TrainerCli.TinyTrain(run,
            "--steps", "5", "--checkpoint-every", "2", "--keep-checkpoints", "2", "--log-every", "1", "--sample-every", "100"));
        Assert.That(code, Is.EqualTo(0), error + output);
        string checkpoints = Path.Combine(run, "checkpoints");
        string step4 = Path.Combine(checkpoints, "step_000004.ckpt"), final = Path.Combine(checkpoints, "final.ckpt");
        Assert.That(File.Exists(Path.Combine(checkpoints, "step_000002.ckpt")) && File.Exists(step4) && File.Exists(final));
        long step4Half = Truncate(step4), finalHalf = Truncate(final);

        // Resumed to step 3: from step_2, the newest checkpoint that loads.
        (code, error, output) = await TrainerCli.Run("train", "--resume", run, "--steps", "3");
        Assert.That(code, Is.EqualTo(0), error + output);
        Assert.That(output + error, Does.Contain(step4).And.Contain(final), "the warnings name the bad files");
        Assert.That(output + error, Does.Contain("step_000002.ckpt"), "resumed from the previous checkpoint");
        Assert.That(new FileInfo(step4).Length, Is.EqualTo(step4Half), "the bad step checkpoint is kept as it is");
        Assert.That(new FileInfo(final + ".corrupt").Length, Is.EqualTo(finalHalf), "the bad final.ckpt was kept apart, not overwritten");
        Assert.That(File.Exists(step4 + ".abandoned"), Is.False);
        using (P2GanModel model = P2GanModel.Load(final)) Assert.That(model.Step, Is.EqualTo(3));

        // A later resume skips the bad step_4 again (newer than final's step 3) and, writing step_4 anew,
        // keeps the bad one apart; rotation (KeepCheckpoints 2) never deletes it.
        (code, error, output) = await TrainerCli.Run("train", "--resume", run, "--steps", "7");
        Assert.That(code, Is.EqualTo(0), error + output);
        Assert.That(output + error, Does.Contain(step4));
        Assert.That(new FileInfo(step4 + ".corrupt").Length, Is.EqualTo(step4Half));
        using (P2GanModel model = P2GanModel.Load(step4)) Assert.That(model.Step, Is.EqualTo(4));
        using (P2GanModel model = P2GanModel.Load(final)) Assert.That(model.Step, Is.EqualTo(7));
    }

    [Test]
    public void ACheckpointWhoseHostStateReadsButWhoseModelDoesNotLoadIsSkipped()
    {
        // Format 1 (the previous release) stores the host state before the archive: a file cut in its
        // archive still reads its state; only loading the model finds the damage.
        string legacy = Path.Combine(RepoPaths.Root, "tests", "P2Gan.Tests", "Data", "legacy-abi2");
        string checkpoints = Path.Combine(Temp.File("run"), "checkpoints");
        Directory.CreateDirectory(checkpoints);
        File.Copy(Path.Combine(legacy, "run", "checkpoints", "step_000002.ckpt"), Path.Combine(checkpoints, "step_000002.ckpt"));
        string bad = Path.Combine(checkpoints, "final.ckpt");
        File.Copy(Path.Combine(legacy, "final.ckpt"), bad);
        long half = Truncate(bad);
        Assert.That(TrainingState.Read(bad).Step, Is.EqualTo(3), "the host state of the cut file still reads");

        ResumeTarget target = ResumeTarget.Find(Path.GetDirectoryName(checkpoints)!);

        Assert.That(Path.GetFileName(target.CheckpointPath), Is.EqualTo("step_000002.ckpt"));
        Assert.That(target.State.Step, Is.EqualTo(2));
        Assert.That(target.Unusable, Is.EqualTo(new[] { bad }));
        Assert.That(target.Warnings, Has.Some.Contains(bad).And.Some.Contains("does not load"));
        Assert.That(new FileInfo(bad).Length, Is.EqualTo(half), "kept as it is");
    }

    /// <summary>Cuts the file to half its size; returns the new size.</summary>
    private static long Truncate(string path)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Write);
        file.SetLength(file.Length / 2);
        return file.Length;
    }
}
