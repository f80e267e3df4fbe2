using System.Runtime.InteropServices;

namespace P2Gan.Native;

/// <summary>Owns one <c>p2gan_process_group*</c>; releasing it calls <c>p2gan_process_group_destroy</c>.</summary>
internal sealed class SafeProcessGroupHandle : SafeHandle
{
    public SafeProcessGroupHandle() : base(invalidHandleValue: 0, ownsHandle: true)
    {
    }

    public override bool IsInvalid => handle == 0;

    protected override bool ReleaseHandle()
    {
        NativeMethods.p2gan_process_group_destroy(handle);
        return true;
    }
}
