using System.Buffers.Binary;
using System.IO.Compression;

namespace P2Gan.Datasets;

/// <summary>
/// Reads IDX files (the MNIST / Fashion-MNIST format): a big-endian magic
/// 0x000008NN (0x08 = unsigned byte, NN = number of dimensions), NN big-endian int32
/// dimensions, then the data. gzip is detected by its magic bytes (1f 8b), not by the name.
/// </summary>
public static class IdxReader
{
    /// <summary>0x00000803: the magic of an unsigned-byte IDX file with 3 dimensions (images).</summary>
    public const int ImagesMagic = 0x00000803;
    /// <summary>0x00000801: the magic of an unsigned-byte IDX file with 1 dimension (labels).</summary>
    public const int LabelsMagic = 0x00000801;

    /// <summary>Largest payload (count x rows x cols bytes) a header may declare: one .NET array.</summary>
    public static readonly long MaxPayloadBytes = Array.MaxLength;

    /// <summary>Reads an image file (magic 0x00000803, dims [count, rows, cols]).</summary>
    /// <remarks>The header is read first and bounds the decompression: exactly the declared bytes are
    /// read (and allocated), and a stream that yields more or less is refused (a gzip bomb costs nothing).</remarks>
    public static IdxImages ReadImages(string path)
    {
        (int[] dims, byte[] pixels) = ReadBounded(path, ImagesMagic, rank: 3);
        return new IdxImages(pixels, dims[0], dims[1], dims[2]);
    }

    /// <summary>Reads a label file (magic 0x00000801, dims [count]); bounded like <see cref="ReadImages"/>.</summary>
    public static byte[] ReadLabels(string path) => ReadBounded(path, LabelsMagic, rank: 1).Payload;

    private static (int[] Dims, byte[] Payload) ReadBounded(string path, int expectedMagic, int rank)
    {
        using var file = File.OpenRead(path);
        Span<byte> magicBytes = stackalloc byte[2];
        int read = file.ReadAtLeast(magicBytes, 2, throwOnEndOfStream: false);
        file.Position = 0;
        bool gzip = read == 2 && magicBytes[0] == 0x1f && magicBytes[1] == 0x8b;
        using Stream stream = gzip ? new GZipStream(file, CompressionMode.Decompress) : file;
        try
        {
            int headerBytes = 4 + 4 * rank;
            var header = new byte[headerBytes];
            int got = stream.ReadAtLeast(header.AsSpan(0, 4), 4, throwOnEndOfStream: false);
            if (got == 4) got += stream.ReadAtLeast(header.AsSpan(4), headerBytes - 4, throwOnEndOfStream: false);
            int[] dims = ReadHeader(path, header.AsSpan(0, got).ToArray(), expectedMagic, rank);
            // At most three factors below 2^31: the product fits an Int128 exactly.
            Int128 payload = 1;
            foreach (int d in dims) payload *= d;
            if (payload > MaxPayloadBytes)
            {
                throw new InvalidDataException(
                    $"IDX file '{path}': dims [{string.Join(", ", dims)}] declare {payload} bytes; the limit is {MaxPayloadBytes} (refused before reading).");
            }
            var data = new byte[(long)payload];
            int filled = stream.ReadAtLeast(data, data.Length, throwOnEndOfStream: false);
            if (filled < data.Length)
            {
                throw new InvalidDataException(
                    $"IDX file '{path}' is truncated: dims [{string.Join(", ", dims)}] need {headerBytes + payload} bytes, " +
                    $"file has {headerBytes + filled}{(gzip ? " (after decompression)" : "")}.");
            }
            Span<byte> extra = stackalloc byte[1];
            if (stream.Read(extra) > 0)
            {
                throw new InvalidDataException(
                    $"IDX file '{path}' holds more data than its dims [{string.Join(", ", dims)}] declare " +
                    $"({headerBytes + payload} bytes{(gzip ? " after decompression" : "")}); refused.");
            }
            return (dims, data);
        }
        catch (InvalidDataException e) when (gzip && !e.Message.StartsWith($"IDX file '{path}'", StringComparison.Ordinal))
        {
            // A truncated or corrupt gzip stream: say which file.
            throw new InvalidDataException($"IDX file '{path}': corrupt gzip data ({e.Message}).", e);
        }
    }

    /// <summary>The file's bytes, gunzipped when it starts with the gzip magic.</summary>
    public static byte[] ReadAllBytesDecompressed(string path)
    {
        using var file = File.OpenRead(path);
        Span<byte> magic = stackalloc byte[2];
        int read = file.ReadAtLeast(magic, 2, throwOnEndOfStream: false);
        file.Position = 0;
        bool gzip = read == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
        using var output = new MemoryStream();
        try
        {
            if (gzip)
            {
                using var unzip = new GZipStream(file, CompressionMode.Decompress);
                unzip.CopyTo(output);
            }
            else
            {
                file.CopyTo(output);
            }
        }
        catch (InvalidDataException e)
        {
            // A truncated or corrupt gzip stream: say which file.
            throw new InvalidDataException($"IDX file '{path}': corrupt gzip data ({e.Message}).", e);
        }
        return output.ToArray();
    }

    private static int[] ReadHeader(string path, byte[] data, int expectedMagic, int rank)
    {
        // The magic first: a file of the wrong kind is reported as such even when short.
        if (data.Length < 4)
        {
            throw new InvalidDataException($"IDX file '{path}' is truncated: the magic needs 4 bytes, file has {data.Length}.");
        }
        int magic = BinaryPrimitives.ReadInt32BigEndian(data);
        if (magic != expectedMagic)
        {
            throw new InvalidDataException(
                $"IDX file '{path}' has magic 0x{magic:x8}; expected 0x{expectedMagic:x8} " +
                $"({(expectedMagic == ImagesMagic ? "unsigned-byte images, 3 dims" : "unsigned-byte labels, 1 dim")}).");
        }
        int headerBytes = 4 + 4 * rank;
        if (data.Length < headerBytes)
        {
            throw new InvalidDataException(
                $"IDX file '{path}' is truncated: header needs {headerBytes} bytes, file has {data.Length}.");
        }
        var dims = new int[rank];
        for (int i = 0; i < rank; i++)
        {
            dims[i] = BinaryPrimitives.ReadInt32BigEndian(data.AsSpan(4 + 4 * i));
            if (dims[i] <= 0)
            {
                throw new InvalidDataException($"IDX file '{path}': dimension {i} is {dims[i]}; must be positive.");
            }
        }
        return dims;
    }
}
