using P2Gan.Datasets;
using P2Gan.Tests.Support;
using SixLabors.ImageSharp.PixelFormats;

namespace P2Gan.Tests.Datasets;

/// <summary>Each reader on small files written in the real format, and its errors at Open.</summary>
public class DatasetReaderTests
{
    private static float[] Image(IImageDataset d, int index)
    {
        var values = new float[d.Channels * d.Resolution * d.Resolution];
        d.CopyImage(index, values);
        return values;
    }

    [TestCase(false)]
    [TestCase(true)]
    public void IdxReadsRawAndGzipAndRepeatsGreyForRgb(bool gzip)
    {
        using var dir = new TempDirectory();
        byte[] pixels = SyntheticImages.ShapeBytes(5, 28, 28);
        IdxTestFiles.WriteImages(dir.File("train-images-idx3-ubyte" + (gzip ? ".gz" : "")), pixels, 5, 28, 28, gzip);

        var grey = DatasetFactory.Open($"fashion-mnist:{dir.Path}", new DatasetOptions { Resolution = 28 });
        Assert.That((grey.Count, grey.Channels, grey.Resolution), Is.EqualTo((5, 1, 28)));
        Assert.That(Image(grey, 2)[14 * 28 + 14], Is.EqualTo(pixels[2 * 784 + 14 * 28 + 14] / 127.5f - 1f).Within(1e-6));

        var rgb = DatasetFactory.Open($"mnist:{dir.Path}", new DatasetOptions { Resolution = 28, Channels = 3 });
        float[] image = Image(rgb, 2);
        Assert.That(rgb.Channels, Is.EqualTo(3));
        Assert.That(image.AsSpan(784, 784).ToArray(), Is.EqualTo(image.AsSpan(0, 784).ToArray()));
        Assert.That(image.AsSpan(1568, 784).ToArray(), Is.EqualTo(image.AsSpan(0, 784).ToArray()));
    }

    [Test]
    public void IdxTestSplitReadsT10k()
    {
        using var dir = new TempDirectory();
        IdxTestFiles.WriteImages(dir.File("t10k-images-idx3-ubyte"), SyntheticImages.ShapeBytes(3, 28, 28), 3, 28, 28, gzip: false);
        var test = DatasetFactory.Open($"fashion-mnist:{dir.Path}", new DatasetOptions { Resolution = 32, Split = DatasetSplit.Test });
        Assert.That(test.Count, Is.EqualTo(3));
        Assert.Throws<FileNotFoundException>(() => DatasetFactory.Open($"fashion-mnist:{dir.Path}", new DatasetOptions()));
    }

    [TestCase(false)]
    [TestCase(true)]
    public void TruncatedIdxFailsAtOpenNamingTheFile(bool gzip)
    {
        using var dir = new TempDirectory();
        string path = dir.File("train-images-idx3-ubyte" + (gzip ? ".gz" : ""));
        byte[] pixels = SyntheticImages.ShapeBytes(5, 28, 28);
        IdxTestFiles.WriteImages(path, pixels[..(pixels.Length - 100)], 5, 28, 28, gzip);
        var e = Assert.Throws<InvalidDataException>(() => DatasetFactory.Open($"fashion-mnist:{dir.Path}", new DatasetOptions()));
        Assert.That(e!.Message, Does.Contain(path).And.Contain("truncated"));
    }

    [Test]
    public void CifarReadsPlanesAndConvertsChannels()
    {
        using var dir = new TempDirectory();
        DatasetTestFiles.WriteCifarFolder(dir.Path, perBatch: 4);
        var train = DatasetFactory.Open($"cifar10:{dir.Path}", new DatasetOptions { Resolution = 32 });
        Assert.That((train.Count, train.Channels, train.Resolution), Is.EqualTo((20, 3, 32)));
        float[] image = Image(train, 6); // R = 6, G = 12, B = 249
        Assert.That(image[0], Is.EqualTo(6 / 127.5f - 1f).Within(1e-6));
        Assert.That(image[1024 + 500], Is.EqualTo(12 / 127.5f - 1f).Within(1e-6));
        Assert.That(image[2048 + 1023], Is.EqualTo(249 / 127.5f - 1f).Within(1e-6));

        var grey = DatasetFactory.Open($"cifar10:{dir.Path}", new DatasetOptions { Resolution = 32, Channels = 1 });
        Assert.That(Image(grey, 6)[77], Is.EqualTo((0.299f * 6 + 0.587f * 12 + 0.114f * 249) / 127.5f - 1f).Within(1e-5));

        var test = DatasetFactory.Open($"cifar10:{dir.Path}", new DatasetOptions { Resolution = 32, Split = DatasetSplit.Test });
        Assert.That(test.Count, Is.EqualTo(3));
        Assert.That(Image(test, 0)[0], Is.EqualTo(200 / 127.5f - 1f).Within(1e-6));
    }

    [Test]
    public void CifarResizesSolidImagesToTheSameColour()
    {
        using var dir = new TempDirectory();
        DatasetTestFiles.WriteCifarFolder(dir.Path, perBatch: 2);
        var small = DatasetFactory.Open($"cifar10:{dir.Path}", new DatasetOptions { Resolution = 16 });
        float[] image = Image(small, 3);
        Assert.That(image, Has.Length.EqualTo(3 * 16 * 16));
        Assert.That(image.Take(256), Is.All.EqualTo(3 / 127.5f - 1f).Within(1.5f / 127.5f));
        Assert.That(image.Skip(512), Is.All.EqualTo(252 / 127.5f - 1f).Within(1.5f / 127.5f));
    }

    [Test]
    public void TruncatedOrMissingCifarFailsAtOpenNamingTheFile()
    {
        using var dir = new TempDirectory();
        DatasetTestFiles.WriteCifarFolder(dir.Path, perBatch: 2);
        string third = dir.File("data_batch_3.bin");
        byte[] bytes = File.ReadAllBytes(third);
        File.WriteAllBytes(third, bytes[..(bytes.Length - 10)]);
        var truncated = Assert.Throws<InvalidDataException>(() => DatasetFactory.Open($"cifar10:{dir.Path}", new DatasetOptions()));
        Assert.That(truncated!.Message, Does.Contain(third).And.Contain("truncated"));

        File.Delete(third);
        var missing = Assert.Throws<FileNotFoundException>(() => DatasetFactory.Open($"cifar10:{dir.Path}", new DatasetOptions()));
        Assert.That(missing!.Message, Does.Contain(third));
    }

    [Test]
    public void FolderReadsPngJpegBmpRecursivelyInOrdinalOrder()
    {
        using var dir = new TempDirectory();
        DatasetTestFiles.SaveSolid(dir.File("b.png"), 10, 10, new Rgb24(255, 0, 0));
        DatasetTestFiles.SaveSolid(Path.Combine(dir.Path, "sub", "a.JPG"), 12, 8, new Rgb24(0, 255, 0));
        DatasetTestFiles.SaveSolid(dir.File("C.bmp"), 8, 8, new Rgb24(0, 0, 255));
        DatasetTestFiles.SaveSolid(dir.File("d.gif"), 8, 8, new Rgb24(255, 255, 255));
        File.WriteAllText(dir.File("notes.txt"), "not an image");

        var folder = (ImageFileDataset)DatasetFactory.Open($"folder:{dir.Path}", new DatasetOptions { Resolution = 8 });
        Assert.That(folder.Count, Is.EqualTo(4));
        Assert.That(Enumerable.Range(0, 4).Select(i => Path.GetFileName(folder.FilePath(i))), Is.EqualTo(new[] { "C.bmp", "b.png", "d.gif", "a.JPG" }));
        float[] blue = Image(folder, 0), red = Image(folder, 1), green = Image(folder, 3);
        Assert.That((blue[0], blue[64], blue[128]), Is.EqualTo((-1f, -1f, 1f)));
        Assert.That((red[10], red[64 + 10], red[128 + 10]), Is.EqualTo((1f, -1f, -1f)));
        Assert.That(green[64 + 20], Is.EqualTo(1f).Within(0.02f), "JPEG at quality 100 is nearly exact");
        Assert.That(folder.SkippedImages, Is.Zero);
    }

    [Test]
    public void FolderConvertsToGreyWithLumaAndResizesToRange()
    {
        using var dir = new TempDirectory();
        DatasetTestFiles.SaveSolid(dir.File("x.png"), 64, 48, new Rgb24(200, 100, 50));
        var grey = DatasetFactory.Open($"folder:{dir.Path}", new DatasetOptions { Resolution = 16, Channels = 1 });
        float[] image = Image(grey, 0);
        Assert.That(image, Has.Length.EqualTo(256));
        float expected = (0.299f * 200 + 0.587f * 100 + 0.114f * 50) / 127.5f - 1f;
        Assert.That(image, Is.All.EqualTo(expected).Within(1e-3));
        Assert.That(image, Is.All.InRange(-1f, 1f));
    }

    [Test]
    public void CelebATakesTheCentral140SquareOf178x218()
    {
        using var dir = new TempDirectory();
        string images = Path.Combine(dir.Path, "img_align_celeba");
        // White inside the 140x140 centre crop (x 19..158, y 39..178), black outside it.
        using (var image = DatasetTestFiles.Solid(178, 218, new Rgb24(0, 0, 0)))
        {
            for (int y = 39; y < 179; y++)
            for (int x = 19; x < 159; x++)
                image[x, y] = new Rgb24(255, 255, 255);
            DatasetTestFiles.Save(image, Path.Combine(images, "000001.png"));
            DatasetTestFiles.Save(image, Path.Combine(images, "000002.jpg"));
        }
        foreach (string location in new[] { dir.Path, images })
        {
            var celebA = DatasetFactory.Open($"celeba:{location}", new DatasetOptions { Resolution = 28 });
            Assert.That((celebA.Count, celebA.Channels), Is.EqualTo((2, 3)));
            Assert.That(Image(celebA, 0), Is.All.EqualTo(1f).Within(1e-3), "PNG: only the white crop remains");
            Assert.That(Image(celebA, 1).Min(), Is.GreaterThan(0.8f), "JPEG: the same up to compression");
        }
        // A plain folder takes the largest centred square (178x178), which includes black rows.
        var folder = DatasetFactory.Open($"folder:{images}", new DatasetOptions { Resolution = 28 });
        Assert.That(Image(folder, 0).Min(), Is.LessThan(-0.9f));
    }

    [Test]
    public void CorruptImagesAreReplacedByTheNextDecodableOneAndCounted()
    {
        using var dir = new TempDirectory();
        DatasetTestFiles.SaveSolid(dir.File("0.png"), 8, 8, new Rgb24(10, 10, 10));
        DatasetTestFiles.WriteCorruptPng(dir.File("1.png"));
        using (var good = DatasetTestFiles.Solid(8, 8, new Rgb24(200, 200, 200)))
        {
            DatasetTestFiles.Save(good, dir.File("2.png"));
            byte[] whole = File.ReadAllBytes(dir.File("2.png"));
            File.WriteAllBytes(dir.File("1b.png"), whole[..(whole.Length / 2)]); // truncated
        }
        var logger = new ListLogger();
        var folder = DatasetFactory.Open($"folder:{dir.Path}", new DatasetOptions { Resolution = 8, Logger = logger });
        Assert.That(folder.Count, Is.EqualTo(4)); // 0, 1, 1b, 2
        float[] expected = Image(folder, 3);
        Assert.That(Image(folder, 1), Is.EqualTo(expected), "1.png -> next decodable, 2.png");
        Assert.That(Image(folder, 2), Is.EqualTo(expected), "1b.png -> 2.png");
        Assert.That(Image(folder, 1), Is.EqualTo(expected), "same answer the second time");
        Assert.That(((IReportsSkippedImages)folder).SkippedImages, Is.EqualTo(2));
        Assert.That(logger.Warnings, Has.Count.EqualTo(2), "logged once per bad file");
        Assert.That(logger.Warnings[0], Does.Contain("1.png"));

        using var loader = new DataLoader(folder, 4, 1);
        loader.NextBatch();
        Assert.That(loader.SkippedImages, Is.EqualTo(2));
    }

    [Test]
    public void StrictModeFailsOnTheFirstCorruptImageThroughTheLoader()
    {
        using var dir = new TempDirectory();
        DatasetTestFiles.SaveSolid(dir.File("0.png"), 8, 8, new Rgb24(10, 10, 10));
        DatasetTestFiles.WriteCorruptPng(dir.File("1.png"));
        var folder = DatasetFactory.Open($"folder:{dir.Path}", new DatasetOptions { Resolution = 8, Strict = true });
        using var loader = new DataLoader(folder, 2, 1);
        var e = Assert.Throws<InvalidDataException>(() => loader.NextBatch());
        Assert.That(e!.Message, Does.Contain("1.png"));
    }

    [Test]
    public void ImagesOfAbsurdSizeAreRefusedBeforeDecoding()
    {
        using var dir = new TempDirectory();
        DatasetTestFiles.SaveSolid(dir.File("big.png"), 40, 40, new Rgb24(1, 2, 3));
        var folder = DatasetFactory.Open($"folder:{dir.Path}", new DatasetOptions { Resolution = 8, Strict = true, MaxImagePixels = 1000 });
        var e = Assert.Throws<InvalidDataException>(() => Image(folder, 0));
        Assert.That(e!.Message, Does.Contain("big.png").And.Contain("40x40").And.Contain("refused"));
    }

    [Test]
    public void EmptyOrMissingFoldersFailAtOpen()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("readme.txt"), "no images here");
        var empty = Assert.Throws<InvalidDataException>(() => DatasetFactory.Open($"folder:{dir.Path}", new DatasetOptions()));
        Assert.That(empty!.Message, Does.Contain(dir.Path).And.Contain("no image files"));

        string missing = Path.Combine(dir.Path, "nope");
        foreach (string kind in new[] { "folder", "celeba", "cifar10", "fashion-mnist", "mnist" })
        {
            var e = Assert.Throws<DirectoryNotFoundException>(() => DatasetFactory.Open($"{kind}:{missing}", new DatasetOptions()), kind);
            Assert.That(e!.Message, Does.Contain(missing), kind);
        }
    }

    [Test]
    public void SyntheticImagesAreDeterministicAndInRange()
    {
        var a = DatasetFactory.Open("synthetic:20", new DatasetOptions { Resolution = 16 });
        var b = DatasetFactory.Open("synthetic:20", new DatasetOptions { Resolution = 16 });
        Assert.That((a.Count, a.Channels, a.Resolution), Is.EqualTo((20, 3, 16)));
        for (int i = 0; i < 20; i++)
        {
            Assert.That(Image(a, i), Is.EqualTo(Image(b, i)));
            Assert.That(Image(a, i), Is.All.InRange(-1f, 1f));
        }
        Assert.That(Image(a, 0), Is.Not.EqualTo(Image(a, 1)));
        var grey = DatasetFactory.Open("synthetic:20", new DatasetOptions { Resolution = 16, Channels = 1 });
        Assert.That(grey.Channels, Is.EqualTo(1));
    }
}
