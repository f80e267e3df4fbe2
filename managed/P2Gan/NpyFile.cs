using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;

namespace P2Gan;

/// <summary>A float32 C-order array read from a .npy file.</summary>
public sealed record NpyArray(float[] Data, TensorShape Shape);

/// <summary>
/// Reads and writes NumPy .npy files holding little-endian float32 in C order
/// (the format NumPy documents as "NPY format" versions 1.0 and 2.0).
/// </summary>
public static partial class NpyFile
{
    private static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>Writes version 1.0: header dict padded with spaces to a multiple of 64 bytes, ending in '\n'.</summary>
    public static void Write(string path, ReadOnlySpan<float> data, TensorShape shape)
    {
        if (data.Length != shape.ElementCount)
        {
            throw new ArgumentException($"data has {data.Length} values; shape {shape} needs {shape.ElementCount}.", nameof(data));
        }
        string dims = shape.Rank == 1 ? $"{shape[0]}," : string.Join(", ", shape.ToArray());
        string dict = $"{{'descr': '<f4', 'fortran_order': False, 'shape': ({dims}), }}";
        int prefix = Magic.Length + 2 + 2; // magic, version, uint16 header length
        int total = prefix + dict.Length + 1;
        int padded = (total + 63) / 64 * 64;
        string header = dict + new string(' ', padded - total) + "\n";

        using var stream = File.Create(path);
        stream.Write(Magic);
        stream.Write([1, 0]);
        Span<byte> length = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(length, checked((ushort)header.Length));
        stream.Write(length);
        stream.Write(Encoding.ASCII.GetBytes(header));
        WriteLittleEndian(stream, data);
    }

    /// <summary>Reads a version 1.0 or 2.0 file of little-endian float32 in C order (what <c>np.save</c> writes for a float32 array).</summary>
    /// <exception cref="IOException">The file cannot be read (FileNotFoundException when missing).</exception>
    /// <exception cref="InvalidDataException">Not a .npy file, another dtype or version, Fortran order, or truncated; the message names the file.</exception>
    public static NpyArray Read(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        if (bytes.Length < 10 || !bytes.AsSpan(0, 6).SequenceEqual(Magic))
        {
            throw new InvalidDataException($"'{path}' is not a .npy file (bad magic).");
        }
        byte major = bytes[6];
        int headerLength, headerStart;
        if (major == 1)
        {
            headerLength = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(8));
            headerStart = 10;
        }
        else if (major == 2)
        {
            if (bytes.Length < 12) throw new InvalidDataException($"'{path}': truncated .npy header.");
            headerLength = checked((int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(8)));
            headerStart = 12;
        }
        else
        {
            throw new InvalidDataException($"'{path}': .npy version {major}.{bytes[7]} is not supported (1.0 and 2.0 are).");
        }
        if (bytes.Length < headerStart + headerLength) throw new InvalidDataException($"'{path}': truncated .npy header.");
        string header = Encoding.Latin1.GetString(bytes, headerStart, headerLength);

        string descr = Field(path, header, DescrPattern(), "descr");
        if (descr != "<f4")
        {
            throw new InvalidDataException($"'{path}': dtype '{descr}' is not supported; only little-endian float32 ('<f4') is.");
        }
        if (Field(path, header, FortranPattern(), "fortran_order") != "False")
        {
            throw new InvalidDataException($"'{path}': fortran_order True is not supported; save a C-order array.");
        }
        string shapeText = Field(path, header, ShapePattern(), "shape");
        string[] parts = shapeText.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var dims = new long[parts.Length];
        int dataStart = headerStart + headerLength;
        long available = (bytes.Length - dataStart) / sizeof(float);
        long elements = 1;
        for (int i = 0; i < parts.Length; i++)
        {
            if (!long.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out dims[i]))
            {
                throw new InvalidDataException($"'{path}': .npy shape ({shapeText}) has '{parts[i]}', not a whole number >= 0.");
            }
            // Compared with what the file holds before multiplying further: a crafted shape can
            // neither overflow nor make the reader allocate more than the file's size.
            elements = dims[i] == 0 || elements == 0 ? 0 : (dims[i] > available / elements + 1 ? available + 1 : elements * dims[i]);
        }
        if (elements > available)
        {
            throw new InvalidDataException($"'{path}' is truncated: shape ({shapeText}) needs more data than the file's {bytes.Length - dataStart} bytes.");
        }
        var shape = new TensorShape(dims);
        long expectedBytes = elements * sizeof(float);
        var data = new float[shape.ElementCount];
        ReadLittleEndian(bytes.AsSpan(dataStart, (int)expectedBytes), data);
        return new NpyArray(data, shape);
    }

    private static string Field(string path, string header, Regex pattern, string name)
    {
        Match m = pattern.Match(header);
        if (!m.Success) throw new InvalidDataException($"'{path}': .npy header has no valid '{name}' entry: {header.Trim()}");
        return m.Groups[1].Value;
    }

    [GeneratedRegex(@"'descr'\s*:\s*'([^']*)'")]
    private static partial Regex DescrPattern();

    [GeneratedRegex(@"'fortran_order'\s*:\s*(True|False)")]
    private static partial Regex FortranPattern();

    [GeneratedRegex(@"'shape'\s*:\s*\(([^)]*)\)")]
    private static partial Regex ShapePattern();

    private static void WriteLittleEndian(Stream stream, ReadOnlySpan<float> data)
    {
        if (BitConverter.IsLittleEndian)
        {
            stream.Write(MemoryMarshal.AsBytes(data));
            return;
        }
        Span<byte> buffer = stackalloc byte[4];
        foreach (float v in data)
        {
            BinaryPrimitives.WriteSingleLittleEndian(buffer, v);
            stream.Write(buffer);
        }
    }

    private static void ReadLittleEndian(ReadOnlySpan<byte> bytes, Span<float> data)
    {
        if (BitConverter.IsLittleEndian)
        {
            MemoryMarshal.Cast<byte, float>(bytes).CopyTo(data);
            return;
        }
        for (int i = 0; i < data.Length; i++) data[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes[(4 * i)..]);
    }
}
