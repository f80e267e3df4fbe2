using P2Gan.Native;
using P2Gan.Tests.Support;

namespace P2Gan.Tests.Native;

[TestFixture]
public sealed class NativeLibraryResolverTests
{
    [Test]
    public void PlatformFileNameFollowsTheOs()
    {
        string expected = OperatingSystem.IsWindows() ? "p2gan.dll" : OperatingSystem.IsMacOS() ? "libp2gan.dylib" : "libp2gan.so";
        Assert.That(NativeLibraryResolver.PlatformFileName(), Is.EqualTo(expected));
    }

    [Test]
    public void AcceptsTheSameMajorWithAMinorAtLeastItsOwn()
    {
        uint ours = (NativeAbi.AbiMajor << 16) | NativeAbi.AbiMinor;
        Assert.Multiple(() =>
        {
            Assert.That(NativeLibraryResolver.IsCompatible(ours), Is.True);
            Assert.That(NativeLibraryResolver.IsCompatible(ours + 1), Is.True, "a newer minor only adds");
            Assert.That(NativeLibraryResolver.IsCompatible(ours + 0xFFFF - NativeAbi.AbiMinor), Is.True);
            Assert.That(NativeLibraryResolver.IsCompatible((NativeAbi.AbiMajor + 1) << 16), Is.False, "another major");
            Assert.That(NativeLibraryResolver.IsCompatible((NativeAbi.AbiMajor - 1) << 16 | 0xFFFF), Is.False, "an older major");
            Assert.That(NativeLibraryResolver.IsCompatible(2), Is.False, "the previous release's plain version 2");
            if (NativeAbi.AbiMinor > 0)
            {
                Assert.That(NativeLibraryResolver.IsCompatible(ours - 1), Is.False, "an older minor lacks what the bindings use");
            }
        });
    }

    [Test]
    public void LoadsTheLibraryCopiedNextToTheTests()
    {
        NativeRequirement.Require();
        Assert.That(NativeLibraryResolver.LoadedFrom, Is.Not.Null);
        Assert.That(P2GanModel.NativeVersion, Is.Not.Empty);
        Assert.That(P2GanModel.NativeAbiVersion, Is.EqualTo((NativeAbi.AbiMajor << 16) | NativeAbi.AbiMinor));
    }

    [Test]
    public void AMissingLibTorchNamesTheDebianPackages()
    {
        // The message .NET gives on Linux when libp2gan.so exists but a dependency is missing.
        const string loader = "/app/runtimes/linux-x64/native/libp2gan.so (runtimes folder): exists but failed to load: " +
            "Unable to load shared library '/app/runtimes/linux-x64/native/libp2gan.so' or one of its dependencies. " +
            "In order to help diagnose loading problems, consider using a tool like strace.\n" +
            "libtorch_cpu.so.1.13: cannot open shared object file: No such file or directory";
        string? hint = NativeLibraryResolver.MissingDependencyHint(loader);
        Assert.That(hint, Does.Contain("libtorch_cpu.so.1.13").And.Contain("sudo apt install libtorch-dev libopenblas0-pthread"));
        Assert.That(NativeLibraryResolver.MissingDependencyHint(
            "libblas.so.3: cannot open shared object file: No such file or directory"), Does.Contain("apt install libopenblas0-pthread'"));
        Assert.That(NativeLibraryResolver.MissingDependencyHint(
            "libunknown.so.2: cannot open shared object file: No such file or directory"), Is.Null, "no package is guessed");
        Assert.That(NativeLibraryResolver.MissingDependencyHint("/x/libp2gan.so: not found"), Is.Null);
    }
}
