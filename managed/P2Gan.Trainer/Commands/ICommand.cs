using P2Gan.Trainer.Cli;

namespace P2Gan.Trainer.Commands;

/// <summary>One sub-command of the p2gan tool: its options, declared once, and what it does with their
/// merged values (<see cref="CommandArguments"/>). <see cref="TrainerApp"/> turns the declarations into
/// System.CommandLine commands.</summary>
internal interface ICommand
{
    string Name { get; }
    /// <summary>One line for the command list.</summary>
    string Summary { get; }
    /// <summary>More text for the command's own help, or null.</summary>
    string? Details => null;
    IReadOnlyList<CliOption> Options { get; }
    Task<int> RunAsync(CommandArguments args, CancellationToken cancellationToken);
}
