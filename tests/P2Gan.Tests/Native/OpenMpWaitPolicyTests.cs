using System.Runtime.InteropServices;
using P2Gan.Native;
using P2Gan.Tests.Support;

namespace P2Gan.Tests.Native;

/// <summary>The bindings set OMP_WAIT_POLICY=PASSIVE in the C environment before LibTorch's OpenMP
/// runtime loads, unless the user chose a policy (docs/benchmarks.md, "Under load").</summary>
[TestFixture]
public sealed partial class OpenMpWaitPolicyTests
{
    [LibraryImport("libc.so.6", EntryPoint = "getenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial nint CGetEnv(string name);

    [Test]
    public void ThePolicyIsInTheCEnvironmentOnceTheLibraryIsLoaded()
    {
        if (!OperatingSystem.IsLinux()) Assert.Ignore("libc.so.6 is Linux's");
        NativeRequirement.Require();
        NativeLibraryResolver.EnsureLoaded();
        string? user = Environment.GetEnvironmentVariable(OpenMpWaitPolicy.Variable);
        string? seenByOpenMp = Marshal.PtrToStringUTF8(CGetEnv(OpenMpWaitPolicy.Variable));
        Assert.That(seenByOpenMp, Is.EqualTo(user ?? "PASSIVE"));
        Assert.That(RuntimeInfo.Current.OmpWaitPolicy, Is.EqualTo(seenByOpenMp));
    }

    [TestCase(null, "PASSIVE")]
    [TestCase("ACTIVE", "ACTIVE")]
    public async Task ThePTwoGanCommandReportsThePolicyItRanWith(string? user, string expected)
    {
        NativeRequirement.Require();
        var start = new System.Diagnostics.ProcessStartInfo(P2Gan.Tests.Trainer.TrainerCli.ExecutablePath)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (string arg in (string[])["bench", "--verbosity", "quiet", "--steps", "1", "--warmup", "0", "--batch", "2",
                     "--base-channels", "4", "--noise-dim", "8", "--posterior-dim", "8"])
        {
            start.ArgumentList.Add(arg);
        }
        start.Environment.Remove(OpenMpWaitPolicy.Variable);
        if (user is not null) start.Environment[OpenMpWaitPolicy.Variable] = user;
        using var process = System.Diagnostics.Process.Start(start)!;
        string output = await process.StandardOutput.ReadToEndAsync();
        string error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.That(process.ExitCode, Is.EqualTo(0), error);
        using var json = System.Text.Json.JsonDocument.Parse(output);
        Assert.That(json.RootElement.GetProperty("threads").GetProperty("omp_wait_policy").GetString(), Is.EqualTo(expected));
    }
}
