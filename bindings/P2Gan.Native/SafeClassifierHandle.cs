using System.Runtime.InteropServices;

namespace P2Gan.Native;

/// <summary>Owns one <c>p2gan_classifier*</c>; releasing it calls <c>p2gan_classifier_destroy</c>.</summary>
internal sealed class SafeClassifierHandle : SafeHandle
{
    public SafeClassifierHandle() : base(invalidHandleValue: 0, ownsHandle: true)
    {
    }

    public override bool IsInvalid => handle == 0;

    protected override bool ReleaseHandle()
    {
        NativeMethods.p2gan_classifier_destroy(handle);
        return true;
    }
}
