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
    public void LoadsTheLibraryCopiedNextToTheTests()
    {
        NativeRequirement.Require();
        Assert.That(NativeLibraryResolver.LoadedFrom, Is.Not.Null);
        Assert.That(P2GanModel.NativeVersion, Is.Not.Empty);
        Assert.That(P2GanModel.NativeAbiVersion, Is.EqualTo((NativeAbi.AbiMajor << 16) | NativeAbi.AbiMinor));
    }
}
