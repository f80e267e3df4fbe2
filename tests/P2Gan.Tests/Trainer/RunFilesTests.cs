using P2Gan.Tests.Support;
using P2Gan.Trainer.Training;

namespace P2Gan.Tests.Trainer;

/// <summary>The sample-grid image choice, the loss plot, and resuming past damaged checkpoint files.</summary>
[TestFixture]
[NonParallelizable] // swaps Console.Out/Error
public sealed class RunFilesTests
{
    [Test]
    public void GridImagesAreDistinctAndFixedByTheSeed()
    {
        int[] a = FixedSampleGrid.ChooseIndices(1000, 7);
        Assert.That(a, Has.Length.EqualTo(FixedSampleGrid.Half));
        Assert.That(a.Distinct().Count(), Is.EqualTo(a.Length));
        Assert.That(FixedSampleGrid.ChooseIndices(1000, 7), Is.EqualTo(a));
        Assert.That(FixedSampleGrid.ChooseIndices(1000, 8), Is.Not.EqualTo(a));
        Assert.That(FixedSampleGrid.ChooseIndices(5, 7), Is.EqualTo(Enumerable.Range(0, FixedSampleGrid.Half).Select(i => i % 5)));
    }

    [Test]
    public void LossPlotIsWrittenAlsoWithNonFiniteOrNoPoints()
    {
        using var temp = new TempDirectory();
        string path = temp.File("losses.png");
        LossPlot.Save(path, []);
        LossPlot.Save(path, [new LossPoint(1, 1.3f, 0.1f), new LossPoint(2, float.NaN, 5f), new LossPoint(3, 0.9f, 2.5f)]);
        using var image = SixLabors.ImageSharp.Image.Load<SixLabors.ImageSharp.PixelFormats.Rgb24>(path);
        Assert.That((image.Width, image.Height), Is.EqualTo((LossPlot.Width, LossPlot.Height)));
        bool hasD = false, hasG = false;
        image.ProcessPixelRows(rows =>
        {
            for (int y = 0; y < rows.Height; y++)
                foreach (var p in rows.GetRowSpan(y))
                {
                    hasD |= p == LossPlot.DColor;
                    hasG |= p == LossPlot.GColor;
                }
        });
        Assert.That(hasD && hasG, "both curves drawn");
        Assert.That(File.Exists(path + ".tmp"), Is.False);
    }

    [Test]
    public async Task ResumeSkipsADamagedCheckpointAndDeletesTemporaries()
    {
        NativeRequirement.Require();
        using var temp = new TempDirectory();
        string run = temp.File("run");
        (int code, string error, string output) = await TrainerCli.Run(TrainerCli.TinyTrain(run, "--steps", "2", "--checkpoint-every", "1"));
        Assert.That(code, Is.EqualTo(0), error + output);
        string checkpoints = Path.Combine(run, "checkpoints");
        File.Delete(Path.Combine(checkpoints, "final.ckpt"));
        // What a dying disk (not a killed write: those never carry the .ckpt name) could leave,
        // and what a killed write does leave.
        File.WriteAllText(Path.Combine(checkpoints, "step_000009.ckpt"), "not a checkpoint");
        File.WriteAllText(Path.Combine(checkpoints, "step_000010.ckpt.tmp"), "half written");

        (code, error, output) = await TrainerCli.Run("train", "--resume", run, "--steps", "3");
        Assert.That(code, Is.EqualTo(0), error + output);
        Assert.That(TrainingState.Read(Path.Combine(checkpoints, "final.ckpt")).Step, Is.EqualTo(3));
        Assert.That(Directory.GetFiles(checkpoints, "*.tmp"), Is.Empty);
    }
}
