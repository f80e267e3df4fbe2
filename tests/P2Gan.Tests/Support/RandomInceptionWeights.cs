using System.Buffers.Binary;
using System.Text;
using System.Text.Json;

namespace P2Gan.Tests.Support;

/// <summary>
/// A .safetensors file with pytorch-fid's 472 Inception-v3 tensor names and shapes and seeded random
/// weights (the real weights are not available here), written as tests/native/test_inception.cpp
/// writes its own: He-scaled convolutions and BatchNorm near identity, so activations stay finite
/// through the 94 layers. About 95 MB; written once per process and shared by the tests.
/// </summary>
internal static class RandomInceptionWeights
{
    private static readonly Lazy<string> Shared = new(() =>
    {
        string path = Path.Combine(Path.GetTempPath(), $"p2gan-tests-inception-{Environment.ProcessId}.safetensors");
        Write(path, seed: 11);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => { try { System.IO.File.Delete(path); } catch (IOException) { } };
        return path;
    });

    /// <summary>The shared file (seed 11).</summary>
    public static string File => Shared.Value;

    /// <summary>Writes the weights drawn from <paramref name="seed"/> to <paramref name="path"/>.</summary>
    public static void Write(string path, int seed)
    {
        var random = new Random(seed);
        var header = new Dictionary<string, object>();
        var tensors = new List<float[]>();
        long offset = 0;
        foreach ((string name, int[] shape) in Shapes())
        {
            int count = shape.Aggregate(1, (a, b) => a * b);
            var values = new float[count];
            // Uniform with the standard deviation of the native test's normal draws.
            if (name.EndsWith("conv.weight", StringComparison.Ordinal))
            {
                Fill(values, random, 0, Math.Sqrt(2.0 / (shape[1] * shape[2] * shape[3])));
            }
            else if (name.EndsWith("bn.weight", StringComparison.Ordinal) || name.EndsWith("bn.running_var", StringComparison.Ordinal))
            {
                for (int i = 0; i < count; i++) values[i] = 0.5f + random.NextSingle();
            }
            else if (name.EndsWith("bn.bias", StringComparison.Ordinal) || name.EndsWith("bn.running_mean", StringComparison.Ordinal))
            {
                Fill(values, random, 0, 0.1);
            }
            else
            {
                Fill(values, random, 0, 0.02);
            }
            long bytes = 4L * count;
            header[name] = new { dtype = "F32", shape, data_offsets = new[] { offset, offset + bytes } };
            tensors.Add(values);
            offset += bytes;
        }
        byte[] json = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(header));
        int padded = (json.Length + 7) / 8 * 8;
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
        Span<byte> length = stackalloc byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(length, padded);
        file.Write(length);
        file.Write(json);
        for (int i = json.Length; i < padded; i++) file.WriteByte((byte)' ');
        foreach (float[] values in tensors)
        {
            file.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()));
        }
    }

    private static void Fill(float[] values, Random random, double mean, double std)
    {
        double half = std * Math.Sqrt(3.0); // U(-a, a) has variance a^2 / 3
        for (int i = 0; i < values.Length; i++) values[i] = (float)(mean + (2 * random.NextDouble() - 1) * half);
    }

    // pytorch-fid's state dict: torchvision's Inception3 module order with the FID blocks.
    private static IEnumerable<(string, int[])> Shapes()
    {
        var s = new List<(string, int[])>();
        void Conv(string name, int input, int output, int kh, int kw)
        {
            s.Add(($"{name}.conv.weight", [output, input, kh, kw]));
            foreach (string b in new[] { ".bn.weight", ".bn.bias", ".bn.running_mean", ".bn.running_var" }) s.Add((name + b, [output]));
        }
        void A(string p, int input, int pool)
        {
            Conv(p + ".branch1x1", input, 64, 1, 1);
            Conv(p + ".branch5x5_1", input, 48, 1, 1);
            Conv(p + ".branch5x5_2", 48, 64, 5, 5);
            Conv(p + ".branch3x3dbl_1", input, 64, 1, 1);
            Conv(p + ".branch3x3dbl_2", 64, 96, 3, 3);
            Conv(p + ".branch3x3dbl_3", 96, 96, 3, 3);
            Conv(p + ".branch_pool", input, pool, 1, 1);
        }
        void B(string p, int input)
        {
            Conv(p + ".branch3x3", input, 384, 3, 3);
            Conv(p + ".branch3x3dbl_1", input, 64, 1, 1);
            Conv(p + ".branch3x3dbl_2", 64, 96, 3, 3);
            Conv(p + ".branch3x3dbl_3", 96, 96, 3, 3);
        }
        void C(string p, int input, int c7)
        {
            Conv(p + ".branch1x1", input, 192, 1, 1);
            Conv(p + ".branch7x7_1", input, c7, 1, 1);
            Conv(p + ".branch7x7_2", c7, c7, 1, 7);
            Conv(p + ".branch7x7_3", c7, 192, 7, 1);
            Conv(p + ".branch7x7dbl_1", input, c7, 1, 1);
            Conv(p + ".branch7x7dbl_2", c7, c7, 7, 1);
            Conv(p + ".branch7x7dbl_3", c7, c7, 1, 7);
            Conv(p + ".branch7x7dbl_4", c7, c7, 7, 1);
            Conv(p + ".branch7x7dbl_5", c7, 192, 1, 7);
            Conv(p + ".branch_pool", input, 192, 1, 1);
        }
        void D(string p, int input)
        {
            Conv(p + ".branch3x3_1", input, 192, 1, 1);
            Conv(p + ".branch3x3_2", 192, 320, 3, 3);
            Conv(p + ".branch7x7x3_1", input, 192, 1, 1);
            Conv(p + ".branch7x7x3_2", 192, 192, 1, 7);
            Conv(p + ".branch7x7x3_3", 192, 192, 7, 1);
            Conv(p + ".branch7x7x3_4", 192, 192, 3, 3);
        }
        void E(string p, int input)
        {
            Conv(p + ".branch1x1", input, 320, 1, 1);
            Conv(p + ".branch3x3_1", input, 384, 1, 1);
            Conv(p + ".branch3x3_2a", 384, 384, 1, 3);
            Conv(p + ".branch3x3_2b", 384, 384, 3, 1);
            Conv(p + ".branch3x3dbl_1", input, 448, 1, 1);
            Conv(p + ".branch3x3dbl_2", 448, 384, 3, 3);
            Conv(p + ".branch3x3dbl_3a", 384, 384, 1, 3);
            Conv(p + ".branch3x3dbl_3b", 384, 384, 3, 1);
            Conv(p + ".branch_pool", input, 192, 1, 1);
        }
        Conv("Conv2d_1a_3x3", 3, 32, 3, 3);
        Conv("Conv2d_2a_3x3", 32, 32, 3, 3);
        Conv("Conv2d_2b_3x3", 32, 64, 3, 3);
        Conv("Conv2d_3b_1x1", 64, 80, 1, 1);
        Conv("Conv2d_4a_3x3", 80, 192, 3, 3);
        A("Mixed_5b", 192, 32);
        A("Mixed_5c", 256, 64);
        A("Mixed_5d", 288, 64);
        B("Mixed_6a", 288);
        C("Mixed_6b", 768, 128);
        C("Mixed_6c", 768, 160);
        C("Mixed_6d", 768, 160);
        C("Mixed_6e", 768, 192);
        D("Mixed_7a", 768);
        E("Mixed_7b", 1280);
        E("Mixed_7c", 2048);
        s.Add(("fc.weight", [1008, 2048]));
        s.Add(("fc.bias", [1008]));
        return s;
    }
}
