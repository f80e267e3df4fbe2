using System.Runtime.InteropServices;
using System.Text;

namespace P2Gan.Native;

/// <summary>Blittable mirror of <c>p2gan_model_params</c> (144 bytes on x86_64/arm64).</summary>
/// <remarks>Field order and types follow the header exactly; the implicit 4-byte padding
/// before <see cref="Seed"/> comes from the sequential layout, as in C.</remarks>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct NativeModelParams
{
    public uint StructSize;
    public int Resolution;
    public int Channels;
    public int BaseChannels;
    public int NoiseDim;
    public int PosteriorDim;
    public int AdainMode;
    public int DistanceEstimator;
    public float MuA;
    public float SigmaA;
    public float MuB;
    public float SigmaB;
    public float LambdaZ;
    public float LearningRateD;
    public float LearningRateG;
    public float Beta1;
    public float Beta2;
    public int NDis;
    public int PretrainSteps;
    public float EmaDecay;
    public int IntraOpThreads;
    public ulong Seed;
    public fixed byte Device[NativeAbi.DeviceNameCapacity];
    public int Precision;
    public int MemoryFormat;
    public int Kernels;
    public int Reserved;

    /// <summary>The device string up to its NUL terminator.</summary>
    public string GetDevice()
    {
        fixed (byte* p = Device)
        {
            var span = new ReadOnlySpan<byte>(p, NativeAbi.DeviceNameCapacity);
            int end = span.IndexOf((byte)0);
            return Encoding.UTF8.GetString(end < 0 ? span : span[..end]);
        }
    }

    /// <summary>Stores <paramref name="device"/> NUL-terminated; refuses names that do not fit.</summary>
    public void SetDevice(string device)
    {
        ArgumentNullException.ThrowIfNull(device);
        int byteCount = Encoding.UTF8.GetByteCount(device);
        if (byteCount >= NativeAbi.DeviceNameCapacity)
        {
            throw new ArgumentException(
                $"Device name '{device}' is {byteCount} bytes; at most {NativeAbi.DeviceNameCapacity - 1} fit.",
                nameof(device));
        }
        fixed (byte* p = Device)
        {
            var span = new Span<byte>(p, NativeAbi.DeviceNameCapacity);
            span.Clear();
            Encoding.UTF8.GetBytes(device, span);
        }
    }
}
