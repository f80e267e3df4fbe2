using P2Gan.Tests.Datasets;
using P2Gan.Tests.Support;
using SixLabors.ImageSharp.PixelFormats;

namespace P2Gan.Tests.Trainer;

/// <summary>Every dataset kind trains from its real on-disk format, written here by the test.</summary>
public sealed class DatasetKindsTrainTests
{
    private static readonly string[] TinyModel =
    [
        "--batch-size", "4", "--base-channels", "4", "--noise-dim", "8", "--posterior-dim", "8", "--threads", "1",
        "--steps", "2", "--sample-every", "2", "--eval-at-end", "false", "--seed", "5",
    ];

    [TestCase("cifar10")]
    [TestCase("folder")]
    [TestCase("celeba")]
    [TestCase("fashion-mnist")]
    public async Task TrainsTwoStepsFromTheRealFormat(string kind)
    {
        NativeRequirement.Require();
        using var temp = new TempDirectory();
        string data = temp.File("data");
        Directory.CreateDirectory(data);
        WriteDataset(kind, data);
        string runDir = temp.File("run");

        var (code, error, _) = await TrainerCli.Run(["train", "--dataset", $"{kind}:{data}", "--run-dir", runDir, .. TinyModel]);

        Assert.That(code, Is.EqualTo(0), error);
        Assert.That(File.Exists(Path.Combine(runDir, "checkpoints", "final.ckpt")), Is.True);
        Assert.That(Directory.GetFiles(Path.Combine(runDir, "samples"), "*.png"), Is.Not.Empty);
        using var model = P2GanModel.Load(Path.Combine(runDir, "checkpoints", "final.ckpt"));
        Assert.That(model.Step, Is.EqualTo(2));
        Assert.That(model.Options.Channels, Is.EqualTo(kind == "fashion-mnist" ? 1 : 3));
    }

    private static void WriteDataset(string kind, string folder)
    {
        switch (kind)
        {
            case "cifar10":
                DatasetTestFiles.WriteCifarFolder(folder, perBatch: 2);
                break;
            case "folder":
                for (int i = 0; i < 8; i++)
                {
                    DatasetTestFiles.SaveSolid(Path.Combine(folder, $"img{i}.png"), 40 + i, 36, new Rgb24((byte)(30 * i), 90, 200));
                }
                break;
            case "celeba":
                string images = Path.Combine(folder, "img_align_celeba");
                Directory.CreateDirectory(images);
                for (int i = 0; i < 8; i++)
                {
                    DatasetTestFiles.SaveSolid(Path.Combine(images, $"{i + 1:D6}.jpg"), 178, 218, new Rgb24(200, (byte)(20 * i), 40));
                }
                break;
            case "fashion-mnist":
                var pixels = new byte[8 * 28 * 28];
                for (int i = 0; i < pixels.Length; i++) pixels[i] = (byte)(i * 7 % 251);
                IdxTestFiles.WriteImages(Path.Combine(folder, "train-images-idx3-ubyte.gz"), pixels, 8, 28, 28, gzip: true);
                break;
        }
    }
}
