using System.Buffers.Binary;
using System.IO.Compression;
using P2Gan.Datasets;
using P2Gan.Tests.Support;
using SixLabors.ImageSharp.PixelFormats;

namespace P2Gan.Tests.Datasets;

/// <summary>Untrusted dataset files cannot make the reader allocate or decode without bound (issue 11).</summary>
[TestFixture]
public sealed class DecodeLimitsTests
{
    /// <summary>The 16-byte header of an IDX image file of <paramref name="count"/> 28x28 images.</summary>
    private static byte[] ImagesHeader(int count)
    {
        var header = new byte[16];
        BinaryPrimitives.WriteInt32BigEndian(header, IdxReader.ImagesMagic);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), count);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(8), 28);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(12), 28);
        return header;
    }

    [Test]
    public void AnIdxGzipBombIsRefusedWithoutAllocatingItsPayload()
    {
        using var temp = new TempDirectory();
        string path = temp.File("bomb-images-idx3-ubyte.gz");
        byte[] header = ImagesHeader(10);
        using (var file = File.Create(path))
        using (var zip = new GZipStream(file, CompressionLevel.Fastest))
        {
            zip.Write(header);
            var zeros = new byte[1 << 20];
            for (int i = 0; i < 100; i++) zip.Write(zeros); // 100 MB after decompression
        }
        Assert.That(new FileInfo(path).Length, Is.LessThan(2 << 20), "the file is small");

        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<InvalidDataException>(() => IdxReader.ReadImages(path));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.That(e!.Message, Does.Contain(path).And.Contain("more data than"));
        Assert.That(allocated, Is.LessThan(50L << 20), "the decompression is bounded by the declared size");
    }

    [Test]
    public void AnIdxHeaderDeclaringMoreThanTheLimitIsRefusedBeforeReading()
    {
        using var temp = new TempDirectory();
        string path = temp.File("huge");
        byte[] header = ImagesHeader(100_000_000);
        File.WriteAllBytes(path, header);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<InvalidDataException>(() => IdxReader.ReadImages(path));
        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.LessThan(1L << 20));
        Assert.That(e!.Message, Does.Contain(path).And.Contain("78400000000").And.Contain("limit"));
    }

    [Test]
    public void AnIdxFileWithTrailingDataIsRefused()
    {
        using var temp = new TempDirectory();
        string path = temp.File("long");
        IdxTestFiles.WriteImages(path, new byte[3 * 4 * 4 + 1], 3, 4, 4, gzip: false);
        var e = Assert.Throws<InvalidDataException>(() => IdxReader.ReadImages(path));
        Assert.That(e!.Message, Does.Contain(path).And.Contain("more data than"));
    }

    [Test]
    public void APngWhoseHeaderClaims20000x20000IsSkippedOrRefusedWhenStrict()
    {
        using var dir = new TempDirectory();
        DatasetTestFiles.SaveSolid(dir.File("0.png"), 8, 8, new Rgb24(10, 10, 10));
        WritePngClaiming(dir.File("1.png"), 20000, 20000);
        var logger = new ListLogger();
        var folder = DatasetFactory.Open($"folder:{dir.Path}", new DatasetOptions { Resolution = 8, Logger = logger });
        float[] image = new float[folder.Channels * 64];
        folder.CopyImage(1, image);
        Assert.That(((IReportsSkippedImages)folder).SkippedImages, Is.EqualTo(1));
        Assert.That(logger.Warnings.Single(), Does.Contain("1.png").And.Contain("20000x20000"));

        var strict = DatasetFactory.Open($"folder:{dir.Path}", new DatasetOptions { Resolution = 8, Strict = true });
        var e = Assert.Throws<InvalidDataException>(() => strict.CopyImage(1, image));
        Assert.That(e!.Message, Does.Contain("1.png").And.Contain("20000x20000").And.Contain("refused before decoding"));
    }

    [Test]
    public void AnImageWiderThanTheMaximumSideIsRefusedEvenWithFewPixels()
    {
        using var dir = new TempDirectory();
        DatasetTestFiles.SaveSolid(dir.File("wide.png"), 9000, 10, new Rgb24(1, 2, 3)); // 90,000 pixels
        var strict = DatasetFactory.Open($"folder:{dir.Path}", new DatasetOptions { Resolution = 8, Strict = true });
        float[] image = new float[strict.Channels * 64];
        var e = Assert.Throws<InvalidDataException>(() => strict.CopyImage(0, image));
        Assert.That(e!.Message, Does.Contain("wide.png").And.Contain("9000x10").And.Contain("8192"));

        var wider = DatasetFactory.Open($"folder:{dir.Path}", new DatasetOptions { Resolution = 8, Strict = true, MaxImageSide = 9000 });
        Assert.DoesNotThrow(() => wider.CopyImage(0, image));
    }

    [Test]
    public void ATruncatedPngIsSkippedOrRefusedWhenStrict()
    {
        using var dir = new TempDirectory();
        DatasetTestFiles.SaveSolid(dir.File("0.png"), 8, 8, new Rgb24(10, 10, 10));
        DatasetTestFiles.SaveSolid(dir.File("1.png"), 64, 64, new Rgb24(200, 10, 10));
        byte[] whole = File.ReadAllBytes(dir.File("1.png"));
        File.WriteAllBytes(dir.File("1.png"), whole[..(whole.Length / 2)]);
        var logger = new ListLogger();
        var folder = DatasetFactory.Open($"folder:{dir.Path}", new DatasetOptions { Resolution = 8, Logger = logger });
        float[] image = new float[folder.Channels * 64];
        folder.CopyImage(1, image);
        Assert.That(((IReportsSkippedImages)folder).SkippedImages, Is.EqualTo(1));
        Assert.That(logger.Warnings.Single(), Does.Contain("1.png"));

        var strict = DatasetFactory.Open($"folder:{dir.Path}", new DatasetOptions { Resolution = 8, Strict = true });
        var e = Assert.Throws<InvalidDataException>(() => strict.CopyImage(1, image));
        Assert.That(e!.Message, Does.Contain("1.png"));
    }

    /// <summary>A valid 1x1 PNG whose IHDR is patched to claim <paramref name="width"/> x <paramref name="height"/>
    /// (with the chunk's CRC fixed, so only the size is a lie).</summary>
    private static void WritePngClaiming(string path, int width, int height)
    {
        DatasetTestFiles.SaveSolid(path, 1, 1, new Rgb24(0, 0, 0));
        byte[] png = File.ReadAllBytes(path);
        // Signature (8), IHDR length (4), "IHDR" (4) at 12, width at 16, height at 20, 13 data bytes, CRC at 29.
        Assert.That(System.Text.Encoding.ASCII.GetString(png, 12, 4), Is.EqualTo("IHDR"));
        BinaryPrimitives.WriteInt32BigEndian(png.AsSpan(16), width);
        BinaryPrimitives.WriteInt32BigEndian(png.AsSpan(20), height);
        BinaryPrimitives.WriteUInt32BigEndian(png.AsSpan(29), Crc32(png.AsSpan(12, 4 + 13)));
        File.WriteAllBytes(path, png);
    }

    private static uint Crc32(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in data)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++) crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
        }
        return ~crc;
    }
}
