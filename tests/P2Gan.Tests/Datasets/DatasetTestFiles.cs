using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.PixelFormats;

namespace P2Gan.Tests.Datasets;

/// <summary>Writes datasets in their real on-disk formats for the reader tests.</summary>
internal static class DatasetTestFiles
{
    /// <summary>A CIFAR-10 binary batch: per image 1 label byte, then R, G, B planes of 32x32.
    /// Image n has R = n, G = 2n, B = 255 - n everywhere (mod 256) and label n % 10.</summary>
    public static void WriteCifarBatch(string path, int count, int firstIndex = 0)
    {
        using var file = File.Create(path);
        var record = new byte[3073];
        for (int n = firstIndex; n < firstIndex + count; n++)
        {
            record[0] = (byte)(n % 10);
            record.AsSpan(1, 1024).Fill((byte)n);
            record.AsSpan(1025, 1024).Fill((byte)(2 * n));
            record.AsSpan(2049, 1024).Fill((byte)(255 - n));
            file.Write(record);
        }
    }

    /// <summary>All five train batches with <paramref name="perBatch"/> images each (indices run on), plus a test batch.</summary>
    public static void WriteCifarFolder(string folder, int perBatch, int testCount = 3)
    {
        for (int b = 0; b < 5; b++) WriteCifarBatch(Path.Combine(folder, $"data_batch_{b + 1}.bin"), perBatch, b * perBatch);
        WriteCifarBatch(Path.Combine(folder, "test_batch.bin"), testCount, 200);
    }

    /// <summary>An image of one colour.</summary>
    public static Image<Rgb24> Solid(int width, int height, Rgb24 colour)
    {
        return new Image<Rgb24>(width, height, colour);
    }

    /// <summary>Saves in the format the extension names (png, jpg, bmp, gif, webp); JPEG at quality 100.</summary>
    public static void Save(Image<Rgb24> image, string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        switch (Path.GetExtension(path).ToLowerInvariant())
        {
            case ".png": image.SaveAsPng(path); break;
            case ".jpg" or ".jpeg": image.SaveAsJpeg(path, new JpegEncoder { Quality = 100 }); break;
            case ".bmp": image.SaveAsBmp(path); break;
            case ".gif": image.SaveAsGif(path); break;
            case ".webp": image.SaveAsWebp(path); break;
            default: throw new ArgumentException(path);
        }
    }

    public static void SaveSolid(string path, int width, int height, Rgb24 colour)
    {
        using var image = Solid(width, height, colour);
        Save(image, path);
    }

    /// <summary>A file with a PNG name and PNG signature but garbage after it.</summary>
    public static void WriteCorruptPng(string path)
    {
        byte[] bytes = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3, 4, 5, 6, 7, 8, 9];
        File.WriteAllBytes(path, bytes);
    }
}
