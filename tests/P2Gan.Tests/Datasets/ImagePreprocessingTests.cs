using P2Gan.Datasets;
using P2Gan.Tests.Support;

namespace P2Gan.Tests.Datasets;

[TestFixture]
public sealed class ImagePreprocessingTests
{
    [Test]
    public void PaddingTo32KeepsPixelsAndFillsTheBorderWithBackground()
    {
        byte[] pixels = SyntheticImages.ShapeBytes(2, 28, 28);
        float[] result = ImagePreprocessing.ToNchw(new IdxImages(pixels, 2, 28, 28), 32);
        Assert.That(result, Has.Length.EqualTo(2 * 32 * 32));
        Assert.That(result[0], Is.EqualTo(-1f));
        Assert.That(result[32 * 32 - 1], Is.EqualTo(-1f));
        // pixel (y=14, x=14) of image 1 lands at (16, 16)
        Assert.That(result[32 * 32 + 16 * 32 + 16], Is.EqualTo(ImagePreprocessing.ToSigned(pixels[28 * 28 + 14 * 28 + 14])));
        Assert.That(result.All(v => v >= -1f && v <= 1f), Is.True);
    }

    [Test]
    public void ByteRangeMapsToMinusOneToOne()
    {
        Assert.That(ImagePreprocessing.ToSigned(0), Is.EqualTo(-1f));
        Assert.That(ImagePreprocessing.ToSigned(255), Is.EqualTo(1f));
    }

    [Test]
    public void SmallerTargetIsResizedBilinearly()
    {
        var pixels = Enumerable.Repeat((byte)255, 28 * 28).ToArray();
        float[] result = ImagePreprocessing.ToNchw(new IdxImages(pixels, 1, 28, 28), 16);
        Assert.That(ImagePreprocessing.CanPad(28, 28, 16), Is.False);
        Assert.That(result, Has.Length.EqualTo(16 * 16));
        Assert.That(result, Is.All.EqualTo(1f).Within(1e-6f));
    }

    [Test]
    public void FashionMnistDatasetFindsCompressedFileAndCopiesBatches()
    {
        using var temp = new TempDirectory();
        byte[] pixels = SyntheticImages.ShapeBytes(5, 28, 28);
        IdxTestFiles.WriteImages(temp.File(FashionMnistDataset.TrainImagesFileName + ".gz"), pixels, 5, 28, 28, gzip: true);
        var dataset = FashionMnistDataset.Load(temp.Path, 32);
        Assert.That(dataset.Count, Is.EqualTo(5));
        var batch = new float[2 * 32 * 32];
        dataset.CopyBatch([4, 1], batch);
        Assert.That(batch.AsSpan(0, 32 * 32).ToArray(), Is.EqualTo(dataset.Images.Slice(4 * 32 * 32, 32 * 32).ToArray()));
    }

    [Test]
    public void MissingDatasetFileIsReported()
    {
        using var temp = new TempDirectory();
        var e = Assert.Throws<FileNotFoundException>(() => FashionMnistDataset.Load(temp.Path, 32));
        Assert.That(e!.Message, Does.Contain(FashionMnistDataset.TrainImagesFileName));
    }
}
