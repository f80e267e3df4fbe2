using System.Runtime.InteropServices;

namespace P2Gan.Native;

/// <summary>Blittable mirror of <c>p2gan_step_metrics</c> (48 bytes).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct NativeStepMetrics
{
    public uint StructSize;
    public int GUpdated;
    public long Step;
    public float LossD;
    public float LossAdv;
    public float LossZ;
    public float LossG;
    public float RealMuMean;
    public float RealSigmaMean;
    public float FakeMuMean;
    public float FakeSigmaMean;
}
