using System.Buffers.Binary;
using System.IO.Compression;

namespace P2Gan.Tests.Support;

/// <summary>Writes IDX files (optionally gzipped) for the reader and trainer tests.</summary>
internal static class IdxTestFiles
{
    public static void WriteImages(string path, byte[] pixels, int count, int rows, int cols, bool gzip, int magic = 0x00000803)
    {
        var header = new byte[16];
        BinaryPrimitives.WriteInt32BigEndian(header, magic);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), count);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(8), rows);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(12), cols);
        Write(path, [.. header, .. pixels], gzip);
    }

    public static void WriteLabels(string path, byte[] labels, bool gzip)
    {
        var header = new byte[8];
        BinaryPrimitives.WriteInt32BigEndian(header, 0x00000801);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), labels.Length);
        Write(path, [.. header, .. labels], gzip);
    }

    private static void Write(string path, byte[] bytes, bool gzip)
    {
        using var file = File.Create(path);
        if (!gzip)
        {
            file.Write(bytes);
            return;
        }
        using var zip = new GZipStream(file, CompressionLevel.Fastest);
        zip.Write(bytes);
    }
}
