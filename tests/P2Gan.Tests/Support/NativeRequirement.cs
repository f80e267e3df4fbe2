using P2Gan.Native;

namespace P2Gan.Tests.Support;

/// <summary>
/// Tests that call the native core start with <see cref="Require"/>. Without the library
/// they are ignored (so the managed half can be built and tested alone), unless
/// P2GAN_REQUIRE_NATIVE=1, which CI sets so that a missing library fails loudly.
/// </summary>
internal static class NativeRequirement
{
    public const string RequireVariable = "P2GAN_REQUIRE_NATIVE";

    public static nint Require()
    {
        try
        {
            return NativeLibraryResolver.EnsureLoaded();
        }
        catch (DllNotFoundException e) when (Environment.GetEnvironmentVariable(RequireVariable) != "1")
        {
            Assert.Ignore($"Native library not available ({RequireVariable} != 1): {e.Message}");
            return 0;
        }
    }
}
