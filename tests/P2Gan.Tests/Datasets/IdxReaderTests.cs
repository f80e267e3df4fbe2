using P2Gan.Datasets;
using P2Gan.Tests.Support;

namespace P2Gan.Tests.Datasets;

[TestFixture]
public sealed class IdxReaderTests
{
    [TestCase(false)]
    [TestCase(true)]
    public void ImagesRoundTrip(bool gzip)
    {
        using var temp = new TempDirectory();
        // A name without ".gz" for gzip data and vice versa: detection is by content.
        string path = temp.File(gzip ? "images.bin" : "images.gz");
        byte[] pixels = SyntheticImages.ShapeBytes(3, 5, 4);
        IdxTestFiles.WriteImages(path, pixels, 3, 5, 4, gzip);

        IdxImages images = IdxReader.ReadImages(path);
        Assert.That(images.Count, Is.EqualTo(3));
        Assert.That(images.Rows, Is.EqualTo(5));
        Assert.That(images.Cols, Is.EqualTo(4));
        Assert.That(images.Pixels, Is.EqualTo(pixels));
    }

    [TestCase(false)]
    [TestCase(true)]
    public void LabelsRoundTrip(bool gzip)
    {
        using var temp = new TempDirectory();
        string path = temp.File("labels");
        IdxTestFiles.WriteLabels(path, [1, 2, 9], gzip);
        Assert.That(IdxReader.ReadLabels(path), Is.EqualTo(new byte[] { 1, 2, 9 }));
    }

    [TestCase(false)]
    [TestCase(true)]
    public void TruncatedFileNamesFileAndByteCounts(bool gzip)
    {
        using var temp = new TempDirectory();
        string path = temp.File("short-images");
        byte[] pixels = new byte[2 * 4 * 4]; // header claims 3 images
        IdxTestFiles.WriteImages(path, pixels, 3, 4, 4, gzip);
        var e = Assert.Throws<InvalidDataException>(() => IdxReader.ReadImages(path));
        Assert.That(e!.Message, Does.Contain(path).And.Contain("64").And.Contain("48"));
    }

    [Test]
    public void WrongMagicNamesTheFile()
    {
        using var temp = new TempDirectory();
        string path = temp.File("labels-not-images");
        IdxTestFiles.WriteLabels(path, [1, 2, 3], gzip: false);
        var e = Assert.Throws<InvalidDataException>(() => IdxReader.ReadImages(path));
        Assert.That(e!.Message, Does.Contain(path).And.Contain("0x00000801"));
    }

    [Test]
    public void HeaderShorterThanItsDimsIsTruncated()
    {
        using var temp = new TempDirectory();
        string path = temp.File("tiny");
        File.WriteAllBytes(path, [0, 0, 8, 3, 0, 0, 0]);
        var e = Assert.Throws<InvalidDataException>(() => IdxReader.ReadImages(path));
        Assert.That(e!.Message, Does.Contain(path).And.Contain("truncated"));
    }
}
