using P2Gan.Trainer.Commands;

namespace P2Gan.Trainer;

/// <summary>Hand-written dispatch: the first argument names the command, the rest is its own.</summary>
public static class TrainerApp
{
    private static readonly ICommand[] Commands =
    [
        new TrainCommand(),
        new ForwardCommand(),
        new SampleCommand(),
        new ExportCommand(),
        new InterpolateCommand(),
        new EncodeCommand(),
        new BenchCommand(),
        new BenchDataCommand(),
        new TrainClassifierCommand(),
        new EvalCommand(),
    ];

    /// <summary>Runs one command; returns the process exit code. Never throws for user errors.</summary>
    public static async Task<int> RunAsync(string[] args, CancellationToken cancellationToken = default)
    {
        if (args.Length == 0 || IsHelp(args[0]))
        {
            PrintHelp(Console.Out);
            return args.Length == 0 ? ExitCodes.Usage : ExitCodes.Success;
        }
        ICommand? command = Commands.FirstOrDefault(c => c.Name == args[0]);
        if (command is null)
        {
            Console.Error.WriteLine($"p2gan: unknown command '{args[0]}'. Run 'p2gan --help' for the list.");
            return ExitCodes.Usage;
        }
        string[] rest = args[1..];
        if (rest.Any(IsHelp))
        {
            command.PrintHelp(Console.Out);
            return ExitCodes.Success;
        }
        try
        {
            return await command.RunAsync(rest, cancellationToken);
        }
        catch (UsageException e)
        {
            Console.Error.WriteLine($"p2gan {command.Name}: error: {ErrorText.OneLine(e)}");
            return ExitCodes.Usage;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // One clear line; the stack trace helps nobody running the tool.
            Console.Error.WriteLine($"p2gan {command.Name}: error: {ErrorText.OneLine(e)}");
            return ExitCodes.Failure;
        }
    }

    internal static bool IsHelp(string arg) => arg is "--help" or "-h" or "-?" or "help";

    private static void PrintHelp(TextWriter output)
    {
        output.WriteLine("p2gan - P2GAN (Posterior Promoted GAN) trainer");
        output.WriteLine();
        output.WriteLine("Usage: p2gan <command> [options]    (p2gan <command> --help for its options)");
        output.WriteLine();
        output.WriteLine("Commands:");
        foreach (ICommand c in Commands)
        {
            output.WriteLine($"  {c.Name,-10} {c.Summary}");
        }
        output.WriteLine();
        output.WriteLine("Every option can also come from --config FILE.json (an object of option names to");
        output.WriteLine("values) and from P2GAN_<OPTION> environment variables ('-' as '_'); the command line");
        output.WriteLine("wins over the environment, which wins over the file.");
    }
}
