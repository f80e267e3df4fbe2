using System.Text.Json;
using P2Gan.Tests.Evaluation;
using P2Gan.Tests.Support;
using P2Gan.Datasets;
using P2Gan.Sampling;
using P2Gan.Trainer.Training;

namespace P2Gan.Tests.Trainer;

/// <summary>
/// Evaluation during 'p2gan train' on a tiny labelled IDX dataset (64 train / 32 test images),
/// so the cached classifier trains in about a second, into the test's own cache folder.
/// </summary>
[TestFixture]
[NonParallelizable] // swaps Console.Out/Error
public sealed class TrainingEvaluationTests : NativeRunTest
{
    private string[] TinyEvalTrain(string runDir, params string[] extra) =>
    [
        "train", "--dataset", $"fashion-mnist:{TinyFashionMnist.Write(Temp.File("fmnist"))}", "--batch-size", "4",
        "--base-channels", "4", "--noise-dim", "8", "--posterior-dim", "8", "--threads", "1", "--run-dir", runDir, "--seed", "3",
        "--log-every", "1", "--sample-every", "100", "--checkpoint-every", "1", "--keep-checkpoints", "1",
        "--eval-every", "2", "--eval-samples", "16", "--eval-cache-dir", Temp.File("cache"), .. extra,
    ];

    [Test]
    public async Task EvalLinesAppearAtEvalEveryAndBestCheckpointSurvivesRotation()
    {
        string runDir = Temp.File("run");
        (int code, string error, string output) = await TrainerCli.Run(TinyEvalTrain(runDir, "--steps", "4"));
        Assert.That(code, Is.EqualTo(0), error + output);

        List<(long Step, double Fid)> evals = EvalLines(runDir);
        Assert.That(evals.Select(e => e.Step), Is.EqualTo(new long[] { 2, 4 }), "an eval line every EvalEvery steps, the end included once");
        Assert.That(evals.All(e => double.IsFinite(e.Fid) && e.Fid >= 0));

        string checkpoints = Path.Combine(runDir, "checkpoints");
        // KeepCheckpoints 1 rotated the step files away; best.ckpt stays.
        Assert.That(Directory.GetFiles(checkpoints, "step_*.ckpt"), Has.Length.EqualTo(1));
        TrainingState best = TrainingState.Read(Path.Combine(checkpoints, CheckpointStore.BestName));
        (long bestStep, double bestFid) = evals.MinBy(e => e.Fid);
        Assert.That(best.Step, Is.EqualTo(bestStep));
        Assert.That(best.BestMetricValue, Is.EqualTo(bestFid));
        Assert.That(TrainingState.Read(Path.Combine(checkpoints, CheckpointStore.FinalName)).BestMetricValue, Is.EqualTo(bestFid));
        Assert.That(output, Does.Contain("Summary:").And.Contain("FMNIST-FID"));
    }

    [Test]
    public async Task ResumedRunKeepsComparingAgainstTheBestValue()
    {
        string runDir = Temp.File("run");
        (int code, string error, string output) = await TrainerCli.Run(TinyEvalTrain(runDir, "--steps", "4"));
        Assert.That(code, Is.EqualTo(0), error + output);
        double bestBefore = TrainingState.Read(Path.Combine(runDir, "checkpoints", CheckpointStore.FinalName)).BestMetricValue!.Value;

        (code, error, output) = await TrainerCli.Run("train", "--resume", runDir, "--steps", "8");
        Assert.That(code, Is.EqualTo(0), error + output);

        List<(long Step, double Fid)> evals = EvalLines(runDir);
        Assert.That(evals.Select(e => e.Step), Is.EqualTo(new long[] { 2, 4, 6, 8 }));
        // best.ckpt is the minimum over both processes: the resumed one started from bestBefore,
        // not from scratch (else a worse step-6 or step-8 value could have replaced it).
        (long bestStep, double bestFid) = evals.MinBy(e => e.Fid);
        TrainingState best = TrainingState.Read(Path.Combine(runDir, "checkpoints", CheckpointStore.BestName));
        Assert.That(best.Step, Is.EqualTo(bestStep));
        Assert.That(best.BestMetricValue, Is.EqualTo(bestFid));
        Assert.That(bestFid, Is.LessThanOrEqualTo(bestBefore));
    }

    [Test]
    public async Task EvaluatedCheckpointsKeepTheAggregateThatSampleAndEvalThenUse()
    {
        string runDir = Temp.File("run");
        (int code, string error, string output) = await TrainerCli.Run(TinyEvalTrain(runDir, "--steps", "4"));
        Assert.That(code, Is.EqualTo(0), error + output);
        string final = Path.Combine(runDir, "checkpoints", CheckpointStore.FinalName);
        TrainingState state = TrainingState.Read(final);
        AggregateCodes stored = state.AggregateCodes!;
        Assert.That(stored, Is.Not.Null);
        Assert.That((stored.Step, stored.Images), Is.EqualTo((4L, 64)), "fitted at the final evaluation on the 64 training images");
        TrainingState best = TrainingState.Read(Path.Combine(runDir, "checkpoints", CheckpointStore.BestName));
        Assert.That(best.AggregateCodes!.Step, Is.EqualTo(best.Step));

        // The stored statistics are those of the encoded training set, refitted from the checkpoint.
        string bare = Temp.File("bare.ckpt"); // the same model without training state, so without the aggregate
        using (var model = P2GanModel.Load(final))
        {
            model.Save(bare);
            IImageDataset train = DatasetFactory.Open(state.Config.Dataset,
                new DatasetOptions { Resolution = model.Options.Resolution, Channels = model.Options.Channels, Split = DatasetSplit.Train });
            AggregateCodes refit = AggregateCodes.Fit(model, train);
            Assert.That(stored.Mean, Is.EqualTo(refit.Mean));
            Assert.That(stored.Std, Is.EqualTo(refit.Std));
        }

        // 'sample' takes them by default, without images; refitting on the same split draws the same images.
        string fromCheckpoint = Temp.File("stored.png"), refitted = Temp.File("refit.png"), prior = Temp.File("prior.png");
        (code, error, output) = await TrainerCli.Run("sample", "--checkpoint", final, "--out", fromCheckpoint, "--count", "9");
        Assert.That(code, Is.EqualTo(0), error + output);
        Assert.That(output, Does.Contain("the aggregate stored in the checkpoint (64 images at step 4)"));
        (code, error, output) = await TrainerCli.Run("sample", "--checkpoint", bare, "--out", refitted, "--count", "9",
            "--codes", "aggregate", "--dataset", state.Config.Dataset);
        Assert.That(code, Is.EqualTo(0), error + output);
        Assert.That(output, Does.Contain("the aggregate fitted on"));
        Assert.That(File.ReadAllBytes(refitted), Is.EqualTo(File.ReadAllBytes(fromCheckpoint)));
        (code, error, output) = await TrainerCli.Run("sample", "--checkpoint", final, "--out", prior, "--count", "9", "--codes", "prior");
        Assert.That(code, Is.EqualTo(0), error + output);
        Assert.That(File.ReadAllBytes(prior), Is.Not.EqualTo(File.ReadAllBytes(fromCheckpoint)));

        // 'eval' too: its default scores the checkpoint as the run reported it.
        (code, error, output) = await TrainerCli.Run("eval", "--checkpoint", final, "--dataset", state.Config.Dataset, "--count", "16",
            "--classifier-dir", Path.Combine(Temp.File("cache"), "classifiers"), "--stats-dir", Temp.File("stats"), "--seed", "3");
        Assert.That(code, Is.EqualTo(0), error + output);
        Assert.That(error + output, Does.Contain("Codes: the aggregate stored in the checkpoint"));
        (code, error, output) = await TrainerCli.Run("sample", "--checkpoint", final, "--out", prior, "--codes", "sometimes");
        Assert.That(code, Is.EqualTo(2));
        Assert.That(error, Does.Contain("invalid --codes 'sometimes'"));
    }

    [Test]
    public async Task RunOnADatasetWithoutFeaturesSkipsEvaluationWithOneWarning()
    {
        string runDir = Temp.File("run");
        (int code, string error, string output) = await TrainerCli.Run(TrainerCli.TinyTrain(runDir,
            "--steps", "4", "--eval-every", "2", "--eval-at-end", "true", "--eval-cache-dir", Temp.File("cache")));
        Assert.That(code, Is.EqualTo(0), error + output);
        Assert.That(EvalLines(runDir), Is.Empty);
        Assert.That(System.Text.RegularExpressions.Regex.Matches(output, "Evaluation skipped"), Has.Count.EqualTo(1));
        Assert.That(File.Exists(Path.Combine(runDir, "checkpoints", CheckpointStore.BestName)), Is.False);
    }

    private static List<(long Step, double Fid)> EvalLines(string runDir)
    {
        var found = new List<(long, double)>();
        foreach (string line in File.ReadLines(Path.Combine(runDir, "metrics.jsonl")))
        {
            using var doc = JsonDocument.Parse(line);
            if (!doc.RootElement.TryGetProperty("eval", out JsonElement eval)) continue;
            Assert.That(eval.TryGetProperty("kid_mean", out _) && eval.TryGetProperty("precision", out _) && eval.TryGetProperty("recall", out _));
            Assert.That(doc.RootElement.GetProperty("eval_seconds").GetDouble(), Is.GreaterThanOrEqualTo(0));
            found.Add((doc.RootElement.GetProperty("step").GetInt64(), eval.GetProperty("fmnist_fid").GetDouble()));
        }
        return found;
    }
}
