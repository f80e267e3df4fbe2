using P2Gan.Tests.Support;

namespace P2Gan.Tests.Training;

/// <summary>The SDK's training API, used as an app would: progress, cancellation, resume, the folder lock.</summary>
[TestFixture]
public sealed class TrainingSessionTests : NativeRunTest
{
    private TrainingConfig Tiny(string name, int steps) => TinyModel.Run(Temp.File(name), steps);

    /// <summary>Reports synchronously, so that a test can cancel at an exact step.</summary>
    private sealed class Recorder(Action<TrainingProgress>? onStep = null) : IProgress<TrainingProgress>
    {
        public List<TrainingProgress> Steps { get; } = [];

        public void Report(TrainingProgress value)
        {
            Steps.Add(value);
            onStep?.Invoke(value);
        }
    }

    [Test]
    public async Task RunAsyncReportsEveryStepAndWritesTheRunFolder()
    {
        TrainingConfig config = Tiny("run", steps: 4);
        using var session = TrainingSession.Start(config);
        var artifacts = new List<TrainingArtifactEventArgs>();
        session.ArtifactWritten += (_, e) => artifacts.Add(e);
        var progress = new Recorder();

        TrainingResult result = await session.RunAsync(progress);

        Assert.That(result.Outcome, Is.EqualTo(TrainingOutcome.Completed));
        Assert.That(result.Step, Is.EqualTo(4));
        Assert.That(result.Checkpoint, Is.EqualTo(Path.Combine(session.RunDir, "checkpoints", "final.ckpt")));
        Assert.That(progress.Steps.Select(p => p.Metrics.Step), Is.EqualTo(new long[] { 1, 2, 3, 4 }));
        Assert.That(progress.Steps.Where(p => p.IsLogStep).Select(p => p.Metrics.Step), Is.EqualTo(new long[] { 2, 4 }));
        Assert.That(progress.Steps.All(p => p.TotalSteps == 4 && p.LearningRateD == config.Model.LearningRateD));
        Assert.That(session.History.Steps.Select(s => s.Step), Is.EqualTo(new long[] { 1, 2, 3, 4 }));
        Assert.That(artifacts.Where(a => a.Kind == TrainingArtifactKind.Samples).Select(a => a.Step), Is.EqualTo(new long[] { 2, 4 }));
        Assert.That(artifacts.Where(a => a.Kind == TrainingArtifactKind.Checkpoint).Select(a => a.Step), Is.EqualTo(new long[] { 0, 2, 4 }));
        Assert.That(artifacts.All(a => File.Exists(a.Path)));
        Assert.That(File.ReadLines(Path.Combine(session.RunDir, "metrics.jsonl")).Count(), Is.EqualTo(2));
        Assert.That(TrainingState.Read(result.Checkpoint).Config.Model.Seed, Is.EqualTo(5UL));
        // The model stays open for the app after the run.
        Assert.That(session.Model.Step, Is.EqualTo(4));
        Assert.That(session.Model.Sample(2, seed: 1), Has.Length.EqualTo(2 * TinyModel.Resolution * TinyModel.Resolution));
        Assert.ThrowsAsync<InvalidOperationException>(() => session.RunAsync());
    }

    [Test]
    public async Task ABaselineTrainsWritesPriorGridsAndResumesFromItsCheckpoint()
    {
        ModelOptions model = TinyModel.Options(seed: 5);
        model.Method = Method.NonSaturating;
        TrainingConfig config = Tiny("baseline", steps: 2) with { Model = model };
        using (var session = TrainingSession.Start(config))
        {
            Assert.That((await session.RunAsync()).Outcome, Is.EqualTo(TrainingOutcome.Completed));
        }
        using var resumed = TrainingSession.Resume(config.RunDir, c => c with { Steps = 4 });
        Assert.That(resumed.Model.Options.Method, Is.EqualTo(Method.NonSaturating));
        TrainingResult result = await resumed.RunAsync();
        Assert.That(result.Step, Is.EqualTo(4));
        Assert.That(File.Exists(Path.Combine(config.RunDir, "samples", "step_000004.png")));
    }

    [Test]
    public async Task CancellationStopsWithACheckpointAndResumingItEqualsAStraightRun()
    {
        float[] straight;
        using (var session = TrainingSession.Start(Tiny("straight", steps: 6)))
        {
            Assert.That((await session.RunAsync()).Outcome, Is.EqualTo(TrainingOutcome.Completed));
            straight = session.Model.Sample(4, seed: 3);
        }

        string runDir = Temp.File("split");
        using var cancel = new CancellationTokenSource();
        using (var session = TrainingSession.Start(Tiny("split", steps: 6)))
        {
            TrainingResult stopped = await session.RunAsync(
                new Recorder(p => { if (p.Metrics.Step == 3) cancel.Cancel(); }), cancel.Token);
            Assert.That(stopped.Outcome, Is.EqualTo(TrainingOutcome.Stopped));
            Assert.That(stopped.Step, Is.EqualTo(3));
            Assert.That(Path.GetFileName(stopped.Checkpoint), Is.EqualTo("step_000003.ckpt"));
        }
        using (var session = TrainingSession.Resume(runDir))
        {
            Assert.That(session.Model.Step, Is.EqualTo(3));
            TrainingResult done = await session.RunAsync();
            Assert.That(done.Outcome, Is.EqualTo(TrainingOutcome.Completed));
            Assert.That(session.Model.Sample(4, seed: 3), Is.EqualTo(straight), "a stopped and resumed run must equal a straight one bit for bit");
        }
    }

    [Test]
    public async Task ResumeAllowsCadenceAndLengthChangesOnly()
    {
        using (var session = TrainingSession.Start(Tiny("run", steps: 2))) await session.RunAsync();
        string runDir = Temp.File("run");

        var seed = Assert.Throws<ArgumentException>(() =>
            TrainingSession.Resume(runDir, c => c with { Model = WithSeed(c.Model, 9) }).Dispose());
        Assert.That(seed!.Message, Does.StartWith("Seed cannot change on resume"));
        var batch = Assert.Throws<ArgumentException>(() => TrainingSession.Resume(runDir, c => c with { BatchSize = 2 }).Dispose());
        Assert.That(batch!.Message, Does.StartWith("BatchSize cannot change"));

        using var longer = TrainingSession.Resume(runDir, c => c with { Steps = 3, LogEvery = 1 });
        Assert.That((await longer.RunAsync()).Step, Is.EqualTo(3));
    }

    [Test]
    public void ASecondSessionOnTheSameFolderIsRefusedUntilTheFirstIsDisposed()
    {
        TrainingConfig config = Tiny("run", steps: 1);
        using (TrainingSession.Start(config))
        {
            Assert.Throws<RunFolderInUseException>(() => TrainingSession.Start(config with { RunDir = Temp.File("run") }));
        }
        // Released: the folder is free again (and holds no checkpoint, since that session never ran).
        using (var again = TrainingSession.Start(config)) again.Run();
        // Now it holds a run: a new one there is refused.
        var e = Assert.Throws<ArgumentException>(() => TrainingSession.Start(config));
        Assert.That(e!.Message, Does.Contain("already holds checkpoints"));
    }

    [Test]
    public void InvalidSettingsAndMismatchedDatasetsAreRefusedBeforeTraining()
    {
        var steps = Assert.Throws<ArgumentException>(() => TrainingSession.Start(Tiny("a", steps: 1) with { LogEvery = 0 }));
        Assert.That(steps!.Message, Does.Contain("LogEvery"));
        var rgb = new P2Gan.Datasets.SyntheticShapesDataset(8, TinyModel.Resolution, 3);
        var mismatch = Assert.Throws<ArgumentException>(() => TrainingSession.Start(Tiny("b", steps: 1), rgb));
        Assert.That(mismatch!.Message, Does.Contain("32x32x3"));
        Assert.That(Directory.Exists(Path.Combine(Temp.File("a"), "checkpoints")), Is.False, "nothing written for invalid settings");
    }

    private static ModelOptions WithSeed(ModelOptions options, ulong seed)
    {
        ModelOptions copy = options.Clone();
        copy.Seed = seed;
        return copy;
    }
}
