using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;

namespace P2Gan.Trainer.Cli;

/// <summary>
/// System.CommandLine's help, with the tool named as it is typed. The root command is named after the
/// entry assembly (P2Gan.Trainer: the apphost is copied to p2gan, see the csproj) and 2.0's help builder is
/// not public, so the usage lines are rewritten after the fact.
/// </summary>
internal sealed class ToolNameHelpAction(HelpAction help) : SynchronousCommandLineAction
{
    public const string ToolName = "p2gan";

    public override bool ClearsParseErrors => true;

    public override int Invoke(ParseResult parseResult)
    {
        InvocationConfiguration configuration = parseResult.InvocationConfiguration;
        TextWriter output = configuration.Output;
        var buffer = new StringWriter();
        configuration.Output = buffer;
        try
        {
            help.Invoke(parseResult);
        }
        finally
        {
            configuration.Output = output;
        }
        string rootName = parseResult.RootCommandResult.Command.Name;
        output.Write(buffer.ToString().Replace($"  {rootName} ", $"  {ToolName} ").Replace($"  {ToolName} [command]", $"  {ToolName} <command>"));
        return 0;
    }
}
