using System.Runtime.InteropServices;

namespace P2Gan.Native;

/// <summary>Blittable mirror of <c>p2gan_losses</c> (16 bytes).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct NativeLosses
{
    public float LossD;
    public float LossAdv;
    public float LossZ;
    public float LossG;
}
