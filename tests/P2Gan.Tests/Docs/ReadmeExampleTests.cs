using System.Diagnostics;
using P2Gan.Native;
using P2Gan.Tests.Support;

namespace P2Gan.Tests.Docs;

/// <summary>
/// The C# block of README.md's "Using the SDK" section, read from README.md at test time and
/// built and run as a console program against the SDK this test run built, so it stays true.
/// </summary>
public class ReadmeExampleTests
{
    private const string Section = "## Using the SDK";
    private const string FashionMnistDir = "/usr/share/datasets/fashion-mnist";

    /// <summary>The first ```csharp block after the section heading.</summary>
    internal static string SdkExample()
    {
        string readme = File.ReadAllText(Path.Combine(RepoPaths.Root, "README.md")).ReplaceLineEndings("\n");
        int section = readme.IndexOf("\n" + Section + "\n", StringComparison.Ordinal);
        Assert.That(section, Is.GreaterThanOrEqualTo(0), $"README.md has no '{Section}' section");
        int nextSection = readme.IndexOf("\n## ", section + 1, StringComparison.Ordinal);
        int open = readme.IndexOf("```csharp\n", section, StringComparison.Ordinal);
        Assert.That(open, Is.GreaterThan(section).And.LessThan(nextSection < 0 ? int.MaxValue : nextSection),
            $"'{Section}' has no ```csharp block");
        int start = open + "```csharp\n".Length;
        int close = readme.IndexOf("```", start, StringComparison.Ordinal);
        Assert.That(close, Is.GreaterThan(start), "unterminated code block");
        return readme[start..close];
    }

    [Test]
    public void TheSectionHoldsACompleteProgram()
    {
        string code = SdkExample();
        Assert.That(code, Does.Contain("using P2Gan;"));
        Assert.That(code, Does.Contain("P2GanModel.Create("));
    }

    /// <summary>Issue #10: the typed exceptions are in namespace P2Gan, so the example catches one
    /// without importing the bindings' namespace (SdkExampleBuildsAndRuns compiles it).</summary>
    [Test]
    public void TheExampleCatchesATypedExceptionWithUsingP2GanAlone()
    {
        string code = SdkExample();
        Assert.That(code, Does.Contain("catch (P2GanInvalidArgumentException"));
        Assert.That(code, Does.Not.Contain("using P2Gan.Native"));
    }

    [Test]
    public void SdkExampleBuildsAndRuns()
    {
        nint library = NativeRequirement.Require();
        Assert.That(library, Is.Not.EqualTo(0));
        if (!Directory.Exists(FashionMnistDir))
            Assert.Ignore($"{FashionMnistDir} is missing (./build.sh deps installs dataset-fashion-mnist)");
        string code = SdkExample();
        Assert.That(code, Does.Contain(FashionMnistDir), "the example reads the installed Fashion-MNIST");

        using var temp = new TempDirectory();
        string sdk = AppContext.BaseDirectory;
        var references = new[] { "P2Gan.dll", "P2Gan.Native.dll", "SixLabors.ImageSharp.dll", "Microsoft.Extensions.Logging.Abstractions.dll" }
            .Select(name => Path.Combine(sdk, name))
            .Where(File.Exists)
            .Select(path => $"    <Reference Include=\"{path}\" />");
        File.WriteAllText(temp.File("ReadmeExample.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <ImplicitUsings>enable</ImplicitUsings>
                <Nullable>enable</Nullable>
              </PropertyGroup>
              <ItemGroup>
            {string.Join("\n", references)}
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(temp.File("Program.cs"), code);

        string output = temp.File("out");
        (int buildExit, string buildLog) = Run(temp.Path, "build", "-c", "Release", "-nologo", "-v", "q", "-o", output);
        Assert.That(buildExit, Is.EqualTo(0), "the README example does not build:\n" + buildLog);

        (int exit, string log) = Run(temp.Path, Path.Combine(output, "ReadmeExample.dll"));
        Assert.That(exit, Is.EqualTo(0), "the README example failed:\n" + log);
        Assert.That(log, Does.Match(@"L_D \S+\s+L_G \S+"));
        Assert.That(log, Does.Contain("refused: "), "the wrong shape is refused with P2GanInvalidArgumentException");
        Assert.That(File.Exists(temp.File("model.ckpt")), Is.True, "the example saves model.ckpt");
        Assert.That(P2GanModel.ReadCheckpointOptions(temp.File("model.ckpt")).BaseChannels, Is.EqualTo(16));
    }

    /// <summary>Runs the dotnet host with <paramref name="arguments"/> in <paramref name="directory"/>,
    /// the native library that this test process loaded passed on through P2GAN_NATIVE_LIBRARY.</summary>
    private static (int Exit, string Log) Run(string directory, params string[] arguments)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (string argument in arguments) start.ArgumentList.Add(argument);
        start.Environment[NativeLibraryResolver.OverrideVariable] = NativeLibraryResolver.LoadedFrom;
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        using Process process = Process.Start(start)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"dotnet {string.Join(' ', arguments)} timed out");
        }
        return (process.ExitCode, stdout.Result + stderr.Result);
    }
}
