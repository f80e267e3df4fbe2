using P2Gan.Datasets;
using P2Gan.Sampling;
using P2Gan.Tests.Support;
using P2Gan.Training;

namespace P2Gan.Tests.Model;

/// <summary>The aggregate posterior as a value of its own: kept in a run's checkpoints, read back, and
/// refused when a file makes it inconsistent (issue #13).</summary>
[TestFixture]
public sealed class AggregateCodesTests : NativeRunTest
{
    private static SyntheticShapesDataset Images(int count = 24) => new(count, TinyModel.Resolution, 1);

    private TrainingConfig Tiny(string name, int steps, ModelOptions? model = null) => TinyModel.Run(Temp.File(name), steps, model);

    [Test]
    public void ASamplerFromStoredStatisticsDrawsWhatTheFittedOneDraws()
    {
        using var model = P2GanModel.Create(TinyModel.Options());
        var fitted = CodeSampler.Create(model, CodeSource.Aggregate, Images());
        AggregateCodes a = fitted.Aggregate!;
        Assert.That(a.Step, Is.EqualTo(model.Step));
        Assert.That(a.Images, Is.EqualTo(24));
        var stored = CodeSampler.Create(model, new AggregateCodes(a.Mean, a.Std, a.Step, a.Images));
        Assert.That(stored.Sample(5, seed: 9), Is.EqualTo(fitted.Sample(5, seed: 9)));
        Assert.That(stored.Source, Is.EqualTo(CodeSource.Aggregate));
    }

    [Test]
    public void StatisticsCannotBeChangedAfterASamplerTookThem()
    {
        using var model = P2GanModel.Create(TinyModel.Options());
        int d = model.Options.PosteriorDim;
        float[] mean = new float[d], std = Enumerable.Repeat(1f, d).ToArray();
        var aggregate = new AggregateCodes(mean, std, 0, 10);
        var sampler = CodeSampler.Create(model, aggregate);
        float[] before = sampler.Sample(4, seed: 3);
        mean[0] = 100f; // the caller's array is copied
        Assert.That(() => ((IList<float>)aggregate.Mean)[0] = 100f, Throws.InstanceOf<NotSupportedException>());
        Assert.That(aggregate.Mean[0], Is.Zero);
        Assert.That(sampler.Sample(4, seed: 3), Is.EqualTo(before));
    }

    [Test]
    public void StatisticsThatCannotDriveTheModelAreRefused()
    {
        using var model = P2GanModel.Create(TinyModel.Options());
        int d = model.Options.PosteriorDim;
        float[] ones = Enumerable.Repeat(1f, d).ToArray();
        var wrongDims = new AggregateCodes(ones[..(d - 1)], ones[..(d - 1)], 0, 10);
        Assert.That(() => CodeSampler.Create(model, wrongDims),
            Throws.ArgumentException.With.Message.Contain($"{d - 1} dimensions").And.Message.Contain($"have {d}"));
        float[] negative = (float[])ones.Clone();
        negative[3] = -0.5f;
        Assert.That(() => new AggregateCodes(ones, negative, 0, 10), Throws.ArgumentException.With.Message.Contain("dimension 3"));
        float[] nan = (float[])ones.Clone();
        nan[0] = float.NaN;
        Assert.That(() => new AggregateCodes(nan, ones, 0, 10), Throws.ArgumentException.With.Message.Contain("dimension 0"));
        Assert.That(() => new AggregateCodes(ones, ones[..2], 0, 10), Throws.ArgumentException);
        Assert.That(() => AggregateCodes.Fit(model, Images(1)), Throws.ArgumentException.With.Message.Contain("at least 2"));

        ModelOptions hinge = TinyModel.Options();
        hinge.Method = Method.Hinge;
        using var baseline = P2GanModel.Create(hinge);
        Assert.That(() => CodeSampler.Create(baseline, new AggregateCodes(ones, ones, 0, 10)),
            Throws.ArgumentException.With.Message.Contain("Hinge baseline"));
    }

    [Test]
    public async Task ACheckpointWithoutAnEvaluationHoldsNoneAndDefaultsToItsRunsSource()
    {
        TrainingConfig config = Tiny("run", steps: 2);
        using (var session = TrainingSession.Start(config)) await session.RunAsync();
        string final = Path.Combine(config.RunDir, "checkpoints", CheckpointStore.FinalName);
        Assert.That(AggregateCodes.ReadFromCheckpoint(final), Is.Null);
        Assert.That(CodeSampler.DefaultSourceOf(final), Is.EqualTo(CodeSource.Aggregate), "the run's EvalCodes");
        TrainingConfig prior = Tiny("prior", steps: 2) with { EvalCodes = CodeSource.Prior };
        using (var session = TrainingSession.Start(prior)) await session.RunAsync();
        Assert.That(CodeSampler.DefaultSourceOf(Path.Combine(prior.RunDir, "checkpoints", CheckpointStore.FinalName)), Is.EqualTo(CodeSource.Prior));

        ModelOptions lsgan = TinyModel.Options(seed: 5);
        lsgan.Method = Method.Lsgan;
        TrainingConfig baseline = Tiny("baseline", steps: 2, lsgan);
        using (var session = TrainingSession.Start(baseline)) await session.RunAsync();
        Assert.That(CodeSampler.DefaultSourceOf(Path.Combine(baseline.RunDir, "checkpoints", CheckpointStore.FinalName)),
            Is.EqualTo(CodeSource.Prior), "a baseline has no posterior, whatever EvalCodes says");

        // A checkpoint an app saved itself holds no training state at all.
        using var model = P2GanModel.Create(TinyModel.Options());
        string bare = Temp.File("bare.ckpt");
        model.Save(bare);
        Assert.That(CodeSampler.DefaultSourceOf(bare), Is.EqualTo(CodeSource.Prior));
        Assert.That(AggregateCodes.ReadFromCheckpoint(bare), Is.Null);
    }

    [Test]
    public async Task AStoredAggregateOfAnotherStepOrWithANegativeStdIsRefusedNamingTheFile()
    {
        TrainingConfig config = Tiny("run", steps: 2);
        using (var session = TrainingSession.Start(config)) await session.RunAsync();
        string final = Path.Combine(config.RunDir, "checkpoints", CheckpointStore.FinalName);
        TrainingState state = TrainingState.Read(final);
        int d = TinyModel.Options().PosteriorDim;
        float[] ones = Enumerable.Repeat(1f, d).ToArray();
        using var model = P2GanModel.Load(final);

        string otherStep = Temp.File("other-step.ckpt");
        model.Save(otherStep, (state with { AggregateCodes = new AggregateCodes(ones, ones, state.Step + 7, 10) }).ToJson());
        Assert.That(() => AggregateCodes.ReadFromCheckpoint(otherStep),
            Throws.TypeOf<InvalidDataException>().With.Message.Contain("other-step.ckpt").And.Message.Contain($"step {state.Step + 7}"));

        string good = Temp.File("good.ckpt");
        model.Save(good, (state with { AggregateCodes = new AggregateCodes(ones, ones, state.Step, 10) }).ToJson());
        string negative = Temp.File("negative.ckpt");
        model.Save(negative, (state with { AggregateCodes = new AggregateCodes(ones, ones, state.Step, 10) }).ToJson()
            .Replace("\"Std\":[1,", "\"Std\":[-1,", StringComparison.Ordinal));
        Assert.That(AggregateCodes.ReadFromCheckpoint(good)!.Std, Is.EqualTo(ones), "the stored statistics read back exactly");
        Assert.That(() => AggregateCodes.ReadFromCheckpoint(negative),
            Throws.TypeOf<InvalidDataException>().With.Message.Contain("negative.ckpt").And.Message.Contain("dimension 0"));
    }
}
