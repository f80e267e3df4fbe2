using System.Text;
using P2Gan.Tests.Support;

namespace P2Gan.Tests.Datasets;

[TestFixture]
public sealed class NpyFileTests
{
    [Test]
    public void RoundTripKeepsDataAndShape()
    {
        using var temp = new TempDirectory();
        string path = temp.File("a.npy");
        float[] data = Enumerable.Range(0, 2 * 3 * 4 * 5).Select(i => i * 0.25f - 3).ToArray();
        var shape = TensorShape.Nchw(2, 3, 4, 5);
        NpyFile.Write(path, data, shape);

        NpyArray read = NpyFile.Read(path);
        Assert.That(read.Shape, Is.EqualTo(shape));
        Assert.That(read.Data, Is.EqualTo(data));
    }

    [Test]
    public void HeaderIsVersion1AlignedTo64BytesAndEndsWithNewline()
    {
        using var temp = new TempDirectory();
        string path = temp.File("b.npy");
        NpyFile.Write(path, new float[6], new TensorShape(2, 3));
        byte[] bytes = File.ReadAllBytes(path);
        int headerLength = bytes[8] | bytes[9] << 8;
        Assert.That(bytes[6], Is.EqualTo(1));
        Assert.That((10 + headerLength) % 64, Is.EqualTo(0));
        string header = Encoding.ASCII.GetString(bytes, 10, headerLength);
        Assert.That(header, Does.StartWith("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }"));
        Assert.That(header, Does.EndWith("\n"));
        Assert.That(bytes.Length, Is.EqualTo(10 + headerLength + 24));
    }

    [Test]
    public void OneDimensionalShapeUsesATupleComma()
    {
        using var temp = new TempDirectory();
        string path = temp.File("c.npy");
        NpyFile.Write(path, [1f, 2f, 3f], new TensorShape(3));
        Assert.That(File.ReadAllText(path, Encoding.Latin1), Does.Contain("'shape': (3,)"));
        Assert.That(NpyFile.Read(path).Shape, Is.EqualTo(new TensorShape(3)));
    }

    [Test]
    public void Version2HeaderIsRead()
    {
        using var temp = new TempDirectory();
        string path = temp.File("v2.npy");
        WriteRaw(path, major: 2, "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", [1.5f, -2f]);
        NpyArray read = NpyFile.Read(path);
        Assert.That(read.Data, Is.EqualTo(new[] { 1.5f, -2f }));
    }

    [TestCase("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }", "<f8")]
    [TestCase("{'descr': '>f4', 'fortran_order': False, 'shape': (2,), }", ">f4")]
    [TestCase("{'descr': '<f4', 'fortran_order': True, 'shape': (2,), }", "fortran_order")]
    public void UnsupportedLayoutsAreRefusedClearly(string header, string expected)
    {
        using var temp = new TempDirectory();
        string path = temp.File("bad.npy");
        WriteRaw(path, major: 1, header, [1f, 2f]);
        var e = Assert.Throws<InvalidDataException>(() => NpyFile.Read(path));
        Assert.That(e!.Message, Does.Contain(expected).And.Contain(path));
    }

    [Test]
    public void NotAnNpyFileIsRefused()
    {
        using var temp = new TempDirectory();
        string path = temp.File("x.npy");
        File.WriteAllText(path, "hello, world");
        Assert.Throws<InvalidDataException>(() => NpyFile.Read(path));
    }

    private static void WriteRaw(string path, byte major, string dict, float[] data)
    {
        int prefix = major == 1 ? 10 : 12;
        string header = dict + new string(' ', (64 - (prefix + dict.Length + 1) % 64) % 64) + "\n";
        using var stream = File.Create(path);
        stream.Write([0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', major, 0]);
        if (major == 1) stream.Write(BitConverter.GetBytes((ushort)header.Length));
        else stream.Write(BitConverter.GetBytes((uint)header.Length));
        stream.Write(Encoding.ASCII.GetBytes(header));
        foreach (float v in data) stream.Write(BitConverter.GetBytes(v));
    }
}
