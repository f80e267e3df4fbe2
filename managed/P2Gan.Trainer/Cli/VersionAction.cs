using System.CommandLine;
using System.CommandLine.Invocation;
using System.Reflection;

namespace P2Gan.Trainer.Cli;

/// <summary>
/// p2gan --version: this assembly's informational version, which the build takes from version.txt at the
/// repository root (Directory.Build.props) and to which the SDK appends "+&lt;commit&gt;" when built from git;
/// the suffix is kept, to tell builds of one version apart. System.CommandLine's own action would print
/// the entry assembly's version, which is not ours when the trainer runs inside a test host.
/// </summary>
internal sealed class VersionAction : SynchronousCommandLineAction
{
    public static string Version { get; } =
        typeof(VersionAction).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(VersionAction).Assembly.GetName().Version?.ToString() ?? "unknown";

    public override int Invoke(ParseResult parseResult)
    {
        parseResult.InvocationConfiguration.Output.WriteLine(Version);
        return 0;
    }
}
