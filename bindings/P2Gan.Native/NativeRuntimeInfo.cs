using System.Runtime.InteropServices;
using System.Text;

namespace P2Gan.Native;

/// <summary>Blittable mirror of <c>p2gan_runtime_info</c> (216 bytes).</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct NativeRuntimeInfo
{
    /// <summary>Size of <c>libtorch_version</c> including the terminating NUL.</summary>
    public const int LibTorchVersionCapacity = 32;

    /// <summary>Size of <c>blas</c> including the terminating NUL.</summary>
    public const int BlasCapacity = 160;

    public uint StructSize;
    public int IntraOpThreads;
    public int BlasThreads;
    public int Cores;
    public int Mkldnn;
    public int CudaAvailable;
    public fixed byte LibTorchVersion[LibTorchVersionCapacity];
    public fixed byte Blas[BlasCapacity];

    public string GetLibTorchVersion()
    {
        fixed (byte* p = LibTorchVersion) return Text(p, LibTorchVersionCapacity);
    }

    public string GetBlas()
    {
        fixed (byte* p = Blas) return Text(p, BlasCapacity);
    }

    /// <summary>The UTF-8 text up to its NUL terminator (or the whole array).</summary>
    private static string Text(byte* p, int capacity)
    {
        var span = new ReadOnlySpan<byte>(p, capacity);
        int end = span.IndexOf((byte)0);
        return Encoding.UTF8.GetString(end < 0 ? span : span[..end]);
    }
}
