using System.Text.Json;

namespace P2Gan.Tests.Support;

/// <summary>The float32 tensors of a safetensors file by name (a test reader: the format's 8-byte
/// header length, its JSON header, then the data; other dtypes are skipped).</summary>
internal static class SafetensorsFloats
{
    public static Dictionary<string, float[]> Read(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        long headerLength = BitConverter.ToInt64(bytes, 0);
        using var header = JsonDocument.Parse(bytes.AsMemory(8, (int)headerLength));
        var tensors = new Dictionary<string, float[]>();
        foreach (JsonProperty entry in header.RootElement.EnumerateObject())
        {
            if (entry.Name == "__metadata__" || entry.Value.GetProperty("dtype").GetString() != "F32") continue;
            JsonElement offsets = entry.Value.GetProperty("data_offsets");
            int begin = (int)(8 + headerLength + offsets[0].GetInt64()), end = (int)(8 + headerLength + offsets[1].GetInt64());
            tensors[entry.Name] = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(bytes.AsSpan(begin, end - begin)).ToArray();
        }
        return tensors;
    }

    /// <summary>The largest absolute difference between tensors of the same name; both files must hold the same names.</summary>
    public static double MaxDifference(Dictionary<string, float[]> a, Dictionary<string, float[]> b)
    {
        Assert.That(b.Keys.Order(), Is.EqualTo(a.Keys.Order()));
        double worst = 0;
        foreach ((string name, float[] x) in a)
        {
            float[] y = b[name];
            Assert.That(y, Has.Length.EqualTo(x.Length), name);
            for (int i = 0; i < x.Length; i++) worst = Math.Max(worst, Math.Abs((double)x[i] - y[i]));
        }
        return worst;
    }
}
