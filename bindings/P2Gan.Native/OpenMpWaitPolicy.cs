using System.Runtime.InteropServices;

namespace P2Gan.Native;

/// <summary>
/// OpenMP's wait policy for the process, set to PASSIVE before the native library (and with it
/// LibTorch's OpenMP runtime) loads, unless the user set OMP_WAIT_POLICY. By default libgomp's
/// idle workers spin for a while at each barrier; when another process competes for the cores,
/// the spinning worker and the descheduled one hold each other up and a train step on this
/// 2-core machine ran 8x slower than with one thread (docs/benchmarks.md, "Under load"). Passive
/// workers sleep instead. The policy is read once, when the runtime starts, from the C
/// environment: .NET's <see cref="Environment.SetEnvironmentVariable(string, string)"/> does not
/// reach it on Unix, so it is set through libc's setenv. It does not change any result.
/// </summary>
internal static unsafe class OpenMpWaitPolicy
{
    public const string Variable = "OMP_WAIT_POLICY";
    public const string Default = "PASSIVE";

    /// <summary>What the OpenMP runtime will read: the user's value, or <see cref="Default"/> once
    /// <see cref="ApplyDefault"/> ran; null when neither (e.g. on Windows).</summary>
    public static string? Current { get; private set; } = Environment.GetEnvironmentVariable(Variable);

    /// <summary>Sets OMP_WAIT_POLICY=PASSIVE in the C environment when it is unset. Call before the
    /// native library loads; later calls do nothing.</summary>
    public static void ApplyDefault()
    {
        if (Current is not null || OperatingSystem.IsWindows()) return;
        foreach (string libc in (string[])["libc.so.6", "libc.so", "libSystem.dylib", "libc"])
        {
            if (!NativeLibrary.TryLoad(libc, out nint handle)) continue;
            if (!NativeLibrary.TryGetExport(handle, "setenv", out nint setenv)) continue;
            byte[] name = System.Text.Encoding.ASCII.GetBytes(Variable + "\0");
            byte[] value = System.Text.Encoding.ASCII.GetBytes(Default + "\0");
            fixed (byte* n = name)
            fixed (byte* v = value)
            {
                // overwrite = 0: a value set meanwhile in the C environment wins.
                if (((delegate* unmanaged<byte*, byte*, int, int>)setenv)(n, v, 0) == 0) Current = Default;
            }
            return;
        }
    }
}
