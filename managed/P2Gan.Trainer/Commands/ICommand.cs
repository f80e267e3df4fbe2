namespace P2Gan.Trainer.Commands;

/// <summary>One sub-command of the p2gan tool.</summary>
internal interface ICommand
{
    string Name { get; }
    string Summary { get; }
    void PrintHelp(TextWriter output);
    Task<int> RunAsync(string[] args, CancellationToken cancellationToken);
}
