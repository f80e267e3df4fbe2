using System.Text.Json;
using P2Gan.Tests.Support;
using P2Gan.Tests.Trainer;

namespace P2Gan.Tests.Evaluation;

/// <summary>'p2gan train-classifier' and 'p2gan eval' end to end on tiny data, a tiny checkpoint
/// and a classifier trained in a second.</summary>
[TestFixture]
[NonParallelizable] // swaps Console.Out / Console.Error
public sealed class EvalCommandTests
{
    [Test]
    public async Task TrainClassifierThenEvalACheckpointWritesJsonAndFeatures()
    {
        NativeRequirement.Require();
        using var temp = new TempDirectory();
        string data = TinyFashionMnist.Write(temp.File("fmnist"));
        string cache = temp.File("cache");
        string runDir = temp.File("run");

        (int code, string error, string output) = await TrainerCli.Run(TrainerCli.TinyTrain(runDir, "--steps", "2"));
        Assert.That(code, Is.EqualTo(0), error);
        string checkpoint = Path.Combine(runDir, "checkpoints", "final.ckpt");
        Assert.That(File.Exists(checkpoint), output);

        (code, error, output) = await TrainerCli.Run("train-classifier", "--dataset", $"fashion-mnist:{data}",
            "--epochs", "1", "--seed", "1", "--classifier-dir", cache, "--out", temp.File("classifier.p2cls"));
        Assert.That(code, Is.EqualTo(0), error);
        Assert.That(output, Does.Contain("test accuracy"));
        Assert.That(File.Exists(temp.File("classifier.p2cls")));
        Assert.That(Directory.GetFiles(cache), Has.Length.EqualTo(1));

        // The same recipe again: reused, not retrained.
        (code, error, output) = await TrainerCli.Run("train-classifier", "--dataset", $"fashion-mnist:{data}",
            "--epochs", "1", "--seed", "1", "--classifier-dir", cache);
        Assert.That(code, Is.EqualTo(0), error);
        Assert.That(output, Does.Contain("cached"), "the result, on stdout");
        Assert.That(error, Does.Contain("reusing"), "progress is logged, to stderr");

        string json = temp.File("eval.json"), npy = temp.File("features.npy");
        (code, error, output) = await TrainerCli.Run("eval", "--checkpoint", checkpoint, "--dataset", $"fashion-mnist:{data}",
            "--count", "24", "--classifier", temp.File("classifier.p2cls"), "--stats-dir", temp.File("stats"), "--out", json, "--features-out", npy);
        Assert.That(code, Is.EqualTo(0), error);
        Assert.That(output, Does.Contain("FMNIST-FID").And.Contain("precision").And.Contain("recall"));

        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        JsonElement root = doc.RootElement;
        Assert.That(root.GetProperty("CountFake").GetInt32(), Is.EqualTo(24));
        Assert.That(root.GetProperty("CountReal").GetInt32(), Is.EqualTo(24));
        Assert.That(root.GetProperty("Split").GetString(), Is.EqualTo("test"));
        Assert.That(root.GetProperty("Features").GetString(), Is.EqualTo("fmnist"));
        foreach (string metric in new[] { "Fid", "KidMean", "Precision", "Recall", "IsMean" })
        {
            Assert.That(double.IsFinite(root.GetProperty(metric).GetDouble()), metric);
        }
        Assert.That(root.GetProperty("Fid").GetDouble(), Is.GreaterThanOrEqualTo(0));

        NpyArray features = NpyFile.Read(npy);
        Assert.That(features.Shape, Is.EqualTo(new TensorShape(24, 128)));
        Assert.That(NpyFile.Read(temp.File("features.real.npy")).Shape, Is.EqualTo(new TensorShape(24, 128)));
        Assert.That(root.GetProperty("RealStatisticsCached").GetBoolean(), Is.False);

        // Again: the real statistics come from the cache, the numbers are the same.
        double fid = root.GetProperty("Fid").GetDouble();
        (code, error, _) = await TrainerCli.Run("eval", "--checkpoint", checkpoint, "--dataset", $"fashion-mnist:{data}",
            "--count", "24", "--classifier", temp.File("classifier.p2cls"), "--stats-dir", temp.File("stats"), "--out", json);
        Assert.That(code, Is.EqualTo(0), error);
        using var again = JsonDocument.Parse(File.ReadAllText(json));
        Assert.That(again.RootElement.GetProperty("RealStatisticsCached").GetBoolean(), Is.True);
        Assert.That(again.RootElement.GetProperty("Fid").GetDouble(), Is.EqualTo(fid));
    }

    [Test]
    public async Task EvalOfAFolderUsesTheCachedClassifier()
    {
        NativeRequirement.Require();
        using var temp = new TempDirectory();
        string data = TinyFashionMnist.Write(temp.File("fmnist"));
        string images = temp.File("images");
        (int code, string error, _) = await TrainerCli.Run("sample", "--checkpoint", await TinyCheckpoint(temp), "--count", "12",
            "--out-dir", images);
        Assert.That(code, Is.EqualTo(0), error);

        (code, error, string output) = await TrainerCli.Run("eval", "--images", images, "--dataset", $"fashion-mnist:{data}",
            "--split", "train", "--classifier-epochs", "1", "--classifier-train-limit", "32", "--classifier-dir", temp.File("cache"),
            "--stats-dir", temp.File("stats"), "--out", temp.File("eval.json"));
        Assert.That(code, Is.EqualTo(0), error);
        using var doc = JsonDocument.Parse(File.ReadAllText(temp.File("eval.json")));
        Assert.That(doc.RootElement.GetProperty("CountFake").GetInt32(), Is.EqualTo(12));
        Assert.That(doc.RootElement.GetProperty("Split").GetString(), Is.EqualTo("train"));
        Assert.That(Directory.GetFiles(temp.File("cache")), Has.Length.EqualTo(1));
    }

    [Test]
    public async Task EvalRefusesBadUsage()
    {
        (int code, string error, _) = await TrainerCli.Run("eval", "--dataset", "fashion-mnist:/nowhere");
        Assert.That(code, Is.Not.EqualTo(0));
        Assert.That(error, Does.Contain("--checkpoint"));
        (code, error, _) = await TrainerCli.Run("eval", "--images", "/nowhere", "--features", "vgg");
        Assert.That(code, Is.Not.EqualTo(0));
        Assert.That(error, Does.Contain("--features"));
        (code, error, _) = await TrainerCli.Run("eval", "--checkpoint", "x.ckpt", "--codes", "dream");
        Assert.That(code, Is.EqualTo(P2Gan.Trainer.ExitCodes.Usage));
        Assert.That(error, Does.Contain("invalid --codes 'dream'"));
        (code, error, _) = await TrainerCli.Run("eval", "--images", "/nowhere", "--codes", "aggregate");
        Assert.That(code, Is.EqualTo(P2Gan.Trainer.ExitCodes.Usage));
        Assert.That(error, Does.Contain("--codes needs --checkpoint"));
    }

    private static async Task<string> TinyCheckpoint(TempDirectory temp)
    {
        string runDir = temp.File("run");
        (int code, string error, _) = await TrainerCli.Run(TrainerCli.TinyTrain(runDir, "--steps", "2"));
        Assert.That(code, Is.EqualTo(0), error);
        return Path.Combine(runDir, "checkpoints", "final.ckpt");
    }
}
