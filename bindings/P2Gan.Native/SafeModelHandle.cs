using System.Runtime.InteropServices;

namespace P2Gan.Native;

/// <summary>Owns one <c>p2gan_model*</c>; releasing it calls <c>p2gan_model_destroy</c>.</summary>
/// <remarks>The SafeHandle reference count keeps the model alive while a native call that
/// received it is running, even if Dispose races with that call.</remarks>
internal sealed class SafeModelHandle : SafeHandle
{
    public SafeModelHandle() : base(invalidHandleValue: 0, ownsHandle: true)
    {
    }

    public override bool IsInvalid => handle == 0;

    protected override bool ReleaseHandle()
    {
        NativeMethods.p2gan_model_destroy(handle);
        return true;
    }
}
