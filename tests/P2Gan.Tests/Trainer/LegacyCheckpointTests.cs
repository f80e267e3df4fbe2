using P2Gan.Tests.Support;

namespace P2Gan.Tests.Trainer;

/// <summary>
/// Checkpoints written by the previous release (ABI 2, checkpoint format 1, flat host state)
/// load and resume in this build: tests/P2Gan.Tests/Data/legacy-abi2 (its README says how
/// they were made).
/// </summary>
[TestFixture]
[NonParallelizable] // the trainer swaps Console streams
public sealed class LegacyCheckpointTests
{
    private static string Data => Path.Combine(RepoPaths.Root, "tests", "P2Gan.Tests", "Data", "legacy-abi2");

    [Test]
    public void ItsSettingsReadBack()
    {
        NativeRequirement.Require();
        ModelOptions o = P2GanModel.ReadCheckpointOptions(Path.Combine(Data, "final.ckpt"));
        Assert.That((o.Channels, o.BaseChannels, o.NoiseDim, o.PosteriorDim, o.Seed), Is.EqualTo((1, 2, 4, 4, 3UL)));
        // The decay in force at step 2 of the EMA warm-up: min(0.9, (1 + 2) / (10 + 2)).
        Assert.That(o.EmaDecay, Is.EqualTo(0.25f));
        Assert.That(o.LambdaZ, Is.EqualTo(10f), "a field the old trainer could not set has its default");
    }

    [Test]
    public async Task AResumedRunOfThePreviousReleaseContinuesExactlyAsThatReleaseDid()
    {
        NativeRequirement.Require();
        using var temp = new TempDirectory();
        string runDir = temp.File("run");
        Directory.CreateDirectory(Path.Combine(runDir, "checkpoints"));
        File.Copy(Path.Combine(Data, "run", "checkpoints", "step_000002.ckpt"), Path.Combine(runDir, "checkpoints", "step_000002.ckpt"));

        (int code, string error, _) = await TrainerCli.Run("train", "--resume", runDir, "--steps", "3");
        Assert.That(code, Is.EqualTo(0), error);

        using P2GanModel resumed = P2GanModel.Load(Path.Combine(runDir, "checkpoints", "final.ckpt"));
        using P2GanModel expected = P2GanModel.Load(Path.Combine(Data, "final.ckpt"));
        Assert.That(resumed.Step, Is.EqualTo(3));
        Assert.That(expected.Step, Is.EqualTo(3));
        foreach (bool ema in new[] { false, true })
        {
            float[] a = resumed.Sample(4, seed: 9, useEma: ema);
            float[] b = expected.Sample(4, seed: 9, useEma: ema);
            Assert.That(a, Is.EqualTo(b).Within(1e-6f), ema ? "EMA generator" : "generator");
        }
    }
}
