using P2Gan.Tests.Support;
using P2Gan.Trainer;

namespace P2Gan.Tests.Trainer;

/// <summary>sample, interpolate, encode and export on the checkpoint of a tiny synthetic run with EMA.</summary>
[TestFixture]
[NonParallelizable] // swaps Console.Out/Error
public sealed class CommandsEndToEndTests
{
    private TempDirectory? _temp;
    private string _checkpoint = null!;

    [OneTimeSetUp]
    public async Task TrainOnce()
    {
        NativeRequirement.Require();
        _temp = new TempDirectory();
        string runDir = _temp.File("run");
        (int code, string error, string output) = await TrainerCli.Run(TrainerCli.TinyTrain(runDir, "--steps", "2", "--ema-decay", "0.9"));
        Assert.That(code, Is.EqualTo(0), error + output);
        _checkpoint = Path.Combine(runDir, "checkpoints", "final.ckpt");
    }

    [OneTimeTearDown]
    public void TearDown() => _temp?.Dispose();

    private static async Task Ok(params string[] args)
    {
        (int code, string error, string output) = await TrainerCli.Run(args);
        Assert.That(code, Is.EqualTo(ExitCodes.Success), error + output);
    }

    [Test]
    public async Task SampleWritesAGridOrOneFilePerImage_WithAndWithoutEma()
    {
        string grid = _temp!.File("grid.png");
        await Ok("sample", "--checkpoint", _checkpoint, "--out", grid, "--count", "6", "--seed", "5");
        using (var image = SixLabors.ImageSharp.Image.Load(grid)) Assert.That(image.Width, Is.EqualTo(3 * 34 + 2)); // 3 columns of 32 + padding

        string dir = _temp!.File("each");
        await Ok("sample", "--checkpoint", _checkpoint, "--out-dir", dir, "--count", "3", "--ema");
        string[] files = Directory.GetFiles(dir, "*.png").Order().ToArray();
        Assert.That(files.Select(Path.GetFileName), Is.EqualTo(new[] { "sample_0000.png", "sample_0001.png", "sample_0002.png" }));
        using (var one = SixLabors.ImageSharp.Image.Load(files[0])) Assert.That((one.Width, one.Height), Is.EqualTo((32, 32)));
    }

    [Test]
    public async Task InterpolateBetweenSeedsAndBetweenImages()
    {
        string seeds = _temp!.File("seeds.png");
        await Ok("interpolate", "--checkpoint", _checkpoint, "--out", seeds, "--seed-a", "1", "--seed-b", "2", "--steps", "5");
        using (var row = SixLabors.ImageSharp.Image.Load(seeds)) Assert.That((row.Width, row.Height), Is.EqualTo((5 * 34 + 2, 36)));

        string images = _temp!.File("ends");
        await Ok("sample", "--checkpoint", _checkpoint, "--out-dir", images, "--count", "2");
        string between = _temp!.File("images.png");
        await Ok("interpolate", "--checkpoint", _checkpoint, "--out", between, "--ema",
            "--image-a", Path.Combine(images, "sample_0000.png"), "--image-b", Path.Combine(images, "sample_0001.png"));
        Assert.That(File.Exists(between));
    }

    [Test]
    public async Task EncodeWritesMuAndSigmaForAFolderAndForNpy()
    {
        string images = _temp!.File("to-encode");
        await Ok("sample", "--checkpoint", _checkpoint, "--out-dir", images, "--count", "3");
        string outDir = _temp!.File("posteriors");
        await Ok("encode", "--checkpoint", _checkpoint, "--images", images, "--out", outDir);
        NpyArray mu = NpyFile.Read(Path.Combine(outDir, "mu.npy"));
        NpyArray sigma = NpyFile.Read(Path.Combine(outDir, "sigma.npy"));
        Assert.That(mu.Shape, Is.EqualTo(new TensorShape(3, 8)));
        Assert.That(sigma.Shape, Is.EqualTo(new TensorShape(3, 8)));
        Assert.That(sigma.Data.All(s => s > 0), "sigma is positive");
        Assert.That(File.ReadAllLines(Path.Combine(outDir, "names.txt")), Has.Length.EqualTo(3));

        string npy = _temp!.File("real.npy");
        NpyFile.Write(npy, SyntheticImages.Shapes(2, 32), TensorShape.Nchw(2, 1, 32, 32));
        string npyOut = _temp!.File("posteriors-npy");
        await Ok("encode", "--checkpoint", _checkpoint, "--images", npy, "--out", npyOut);
        Assert.That(NpyFile.Read(Path.Combine(npyOut, "mu.npy")).Shape, Is.EqualTo(new TensorShape(2, 8)));
    }

    [Test]
    public async Task ExportWritesSafetensors()
    {
        string path = _temp!.File("model.safetensors");
        await Ok("export", "--checkpoint", _checkpoint, "--out", path);
        Assert.That(new FileInfo(path).Length, Is.GreaterThan(1000));
    }

    [TestCase("sample", "--count", "0", "count")]
    [TestCase("sample", "--colour", "red", "colour")]
    [TestCase("interpolate", "--steps", "1", "steps")]
    [TestCase("encode", "--images", "/no/such/folder", "images")]
    public async Task BadOptionsAreUsageErrorsNamingTheOption(string command, string key, string value, string named)
    {
        string[] args = command switch
        {
            "encode" => [command, "--checkpoint", _checkpoint, "--out", _temp!.File("x"), key, value],
            "interpolate" => [command, "--checkpoint", _checkpoint, "--out", _temp!.File("x.png"), "--seed-a", "1", "--seed-b", "2", key, value],
            _ => [command, "--checkpoint", _checkpoint, "--out", _temp!.File("x.png"), key, value],
        };
        (int code, string error, _) = await TrainerCli.Run(args);
        Assert.That(code, Is.EqualTo(ExitCodes.Usage), error);
        Assert.That(error, Does.Contain(named));
    }
}
