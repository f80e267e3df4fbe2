using System.Text.Json;
using P2Gan.Datasets;
using P2Gan.Tests.Support;
using P2Gan.Tests.Trainer;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace P2Gan.Tests.Evaluation;

/// <summary>
/// 'p2gan eval' with the same images on both sides: a folder of PNGs written from the dataset at its
/// own 28x28 against the dataset split. Both sides must reach the feature network at the same size and
/// pass through the same network resize, so FID is ~0 in either resize mode and either network (the
/// issue measured 173 when the folder was read at 299x299 and the dataset took the network's resize).
/// Also: bad inputs are reported before the classifier is trained.
/// </summary>
[TestFixture]
[NonParallelizable] // swaps Console.Out / Console.Error
public sealed class IdenticalImagesFidTests
{
    private const int Count = 8;

    [TestCase("pytorch-fid")]
    [TestCase("clean")]
    public async Task APngFolderOfTheSplitHasFidZeroAgainstTheSplitWithTheClassifier(string resize)
    {
        NativeRequirement.Require();
        using var temp = new TempDirectory();
        string data = TinyFashionMnist.Write(temp.File("fmnist"));
        string images = WritePngs(data, temp.File("png"));
        (int code, string error, _) = await TrainerCli.Run("train-classifier", "--dataset", $"fashion-mnist:{data}",
            "--epochs", "1", "--seed", "1", "--classifier-dir", temp.File("cache"), "--out", temp.File("classifier.p2cls"));
        Assert.That(code, Is.EqualTo(0), error);

        (double fid, float[] fake, float[] real) = await Eval(temp, data, images, resize, "--classifier", temp.File("classifier.p2cls"));
        TestContext.Out.WriteLine($"classifier, {resize}: FID {fid:G6}");
        Assert.That(fid, Is.LessThan(1e-3));
        Assert.That(fake, Is.EqualTo(real).Within(1e-5), "the same images give the same features");
    }

    [Test]
    public async Task APngFolderOfTheSplitHasFidZeroAgainstTheSplitWithInceptionInBothResizeModes()
    {
        NativeRequirement.Require();
        using var temp = new TempDirectory();
        string data = TinyFashionMnist.Write(temp.File("fmnist"));
        string images = WritePngs(data, temp.File("png"));
        string weights = RandomInceptionWeights.File;

        var features = new Dictionary<string, float[]>();
        foreach (string resize in new[] { "pytorch-fid", "clean" })
        {
            (double fid, float[] fake, float[] real) = await Eval(temp, data, images, resize, "--features", "inception", "--inception", weights);
            TestContext.Out.WriteLine($"inception (random weights), {resize}: FID {fid:G6}");
            Assert.That(fid, Is.LessThan(1e-3), resize);
            Assert.That(fake, Is.EqualTo(real).Within(1e-4), resize);
            features[resize] = fake;
        }
        // The option reaches the network: the two resizes give different features.
        Assert.That(features["clean"], Is.Not.EqualTo(features["pytorch-fid"]).Within(1e-3));
    }

    [Test]
    public async Task ABadCheckpointImageFolderOrDatasetIsReportedBeforeTheClassifierIsTrained()
    {
        NativeRequirement.Require();
        using var temp = new TempDirectory();
        string data = TinyFashionMnist.Write(temp.File("fmnist"));
        string images = WritePngs(data, temp.File("png"));
        string cache = temp.File("cache");
        string[] classifier = ["--classifier-dir", cache, "--classifier-epochs", "1", "--stats-dir", temp.File("stats")];

        (int code, string error, _) = await TrainerCli.Run(TrainerCli.TinyTrain(temp.File("run"), "--steps", "1"));
        Assert.That(code, Is.EqualTo(0), error);
        byte[] checkpoint = File.ReadAllBytes(Path.Combine(temp.File("run"), "checkpoints", "final.ckpt"));
        string truncated = temp.File("truncated.ckpt");
        File.WriteAllBytes(truncated, checkpoint[..(checkpoint.Length / 2)]);
        (code, error, _) = await TrainerCli.Run(["eval", "--checkpoint", truncated, "--dataset", $"fashion-mnist:{data}", .. classifier]);
        Assert.That(code, Is.EqualTo(1), error);
        Assert.That(error, Does.Contain("truncated.ckpt"));

        (code, error, _) = await TrainerCli.Run(["eval", "--checkpoint", temp.File("missing.ckpt"), "--dataset", $"fashion-mnist:{data}", .. classifier]);
        Assert.That(code, Is.EqualTo(1), error);

        (code, error, _) = await TrainerCli.Run(["eval", "--images", temp.File("no-such-folder"), "--dataset", $"fashion-mnist:{data}", .. classifier]);
        Assert.That(code, Is.EqualTo(1), error);
        Assert.That(error, Does.Contain("no-such-folder"));

        // The training split (which the classifier learns) is fine, the evaluated test split is truncated.
        string broken = TinyFashionMnist.Write(temp.File("broken"));
        string testImages = Path.Combine(broken, FashionMnistDataset.TestImagesFileName + ".gz");
        byte[] bytes = File.ReadAllBytes(testImages);
        File.WriteAllBytes(testImages, bytes[..(bytes.Length / 2)]);
        (code, error, _) = await TrainerCli.Run(["eval", "--images", images, "--dataset", $"fashion-mnist:{broken}", .. classifier]);
        Assert.That(code, Is.EqualTo(1), error);

        (code, error, _) = await TrainerCli.Run(["eval", "--images", images, "--dataset", "fashion-mnist", .. classifier]);
        Assert.That(code, Is.EqualTo(2), error);
        (code, error, _) = await TrainerCli.Run(["eval", "--images", images, "--dataset", $"fashion-mnist:{data}", "--resize", "lanczos", .. classifier]);
        Assert.That(code, Is.EqualTo(2), error);
        Assert.That(error, Does.Contain("pytorch-fid").And.Contain("clean"));

        Assert.That(Directory.Exists(cache) ? Directory.GetFiles(cache, "*", SearchOption.AllDirectories) : [], Is.Empty,
            "no classifier was trained for inputs that cannot be evaluated");
    }

    /// <summary>The first <see cref="Count"/> test images as 8-bit grey PNGs at their own 28x28, in split order.</summary>
    private static string WritePngs(string data, string folder)
    {
        Directory.CreateDirectory(folder);
        FashionMnistDataset split = FashionMnistDataset.Load(data, 28, DatasetSplit.Test);
        var image = new float[28 * 28];
        for (int i = 0; i < Count; i++)
        {
            split.CopyImage(i, image);
            using var png = new Image<L8>(28, 28);
            for (int y = 0; y < 28; y++)
            {
                for (int x = 0; x < 28; x++)
                {
                    png[x, y] = new L8((byte)Math.Clamp(Math.Round((image[y * 28 + x] + 1) * 127.5), 0, 255));
                }
            }
            png.SaveAsPng(Path.Combine(folder, $"{i:D4}.png"));
        }
        return folder;
    }

    private static async Task<(double Fid, float[] Fake, float[] Real)> Eval(TempDirectory temp, string data, string images, string resize,
        params string[] features)
    {
        string json = temp.File($"eval-{resize}.json"), npy = temp.File($"features-{resize}.npy");
        (int code, string error, _) = await TrainerCli.Run(["eval", "--images", images, "--dataset", $"fashion-mnist:{data}",
            "--split", "test", "--count", Count.ToString(System.Globalization.CultureInfo.InvariantCulture), "--resize", resize,
            "--stats-dir", temp.File("stats"), "--out", json, "--features-out", npy, .. features]);
        Assert.That(code, Is.EqualTo(0), error);
        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        Assert.That(doc.RootElement.GetProperty("Resize").GetString(), Is.EqualTo(resize));
        Assert.That(doc.RootElement.GetProperty("CountReal").GetInt32(), Is.EqualTo(Count));
        return (doc.RootElement.GetProperty("Fid").GetDouble(), NpyFile.Read(npy).Data.ToArray(),
            NpyFile.Read(Path.ChangeExtension(npy, null) + ".real.npy").Data.ToArray());
    }
}
