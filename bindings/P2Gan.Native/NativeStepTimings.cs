using System.Runtime.InteropServices;

namespace P2Gan.Native;

/// <summary>Blittable mirror of <c>p2gan_step_timings</c> (64 bytes).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct NativeStepTimings
{
    public uint StructSize;
    public int Synchronized;
    public double TransferMs;
    public double DForwardMs;
    public double DBackwardMs;
    public double GForwardMs;
    public double GBackwardMs;
    public double OptimizerMs;
    public double TotalMs;
}
