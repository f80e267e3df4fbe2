using P2Gan.Tests.Support;
using P2Gan.Trainer.Training;

namespace P2Gan.Tests.Trainer;

/// <summary>File handling of checkpoints/ (the files need not be real checkpoints for these).</summary>
[TestFixture]
public sealed class CheckpointStoreTests
{
    [Test]
    public void RotationKeepsTheNewestKAndNeverFinal()
    {
        using var temp = new TempDirectory();
        var store = new CheckpointStore(temp.Path);
        foreach (long step in new long[] { 0, 5, 10, 15, 20 }) File.WriteAllText(store.StepPath(step), "x");
        File.WriteAllText(store.FinalPath, "x");

        IReadOnlyList<string> deleted = store.Rotate(keep: 2);

        Assert.That(deleted.Select(Path.GetFileName), Is.EqualTo(new[] { "step_000000.ckpt", "step_000005.ckpt", "step_000010.ckpt" }));
        Assert.That(store.StepCheckpoints().Select(c => c.Step), Is.EqualTo(new long[] { 15, 20 }));
        Assert.That(File.Exists(store.FinalPath));
    }

    [Test]
    public void KeepZeroKeepsAll()
    {
        using var temp = new TempDirectory();
        var store = new CheckpointStore(temp.Path);
        foreach (long step in new long[] { 1, 2, 3 }) File.WriteAllText(store.StepPath(step), "x");
        Assert.That(store.Rotate(keep: 0), Is.Empty);
        Assert.That(store.StepCheckpoints(), Has.Count.EqualTo(3));
    }

    [Test]
    public void StepsSortNumericallyAndTemporariesAreIgnoredThenDeleted()
    {
        using var temp = new TempDirectory();
        var store = new CheckpointStore(temp.Path);
        File.WriteAllText(store.StepPath(999_999), "x");
        File.WriteAllText(store.StepPath(1_000_000), "x"); // seven digits still sorts after six
        File.WriteAllText(store.StepPath(1_000_001) + ".tmp", "half written");
        Assert.That(store.StepCheckpoints().Select(c => c.Step), Is.EqualTo(new long[] { 999_999, 1_000_000 }));
        Assert.That(store.DeleteLeftoverTemporaries(), Is.EqualTo(1));
        Assert.That(Directory.GetFiles(temp.Path, "*.tmp"), Is.Empty);
    }
}
