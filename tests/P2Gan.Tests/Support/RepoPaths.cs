namespace P2Gan.Tests.Support;

/// <summary>Locates files of the repository from the test assembly's folder.</summary>
internal static class RepoPaths
{
    /// <summary>The folder holding P2Gan.sln, found by walking up from the test output folder.</summary>
    public static string Root { get; } = FindRoot();

    public static string Header => Path.Combine(Root, "native", "include", "p2gan", "p2gan.h");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "P2Gan.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException($"No P2Gan.sln above {AppContext.BaseDirectory}.");
    }
}
