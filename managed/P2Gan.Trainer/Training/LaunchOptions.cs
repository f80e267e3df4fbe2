using P2Gan.Trainer.Cli;
using P2Gan.Trainer.Commands;

namespace P2Gan.Trainer.Training;

/// <summary>
/// How 'p2gan train' is launched across processes (docs/distributed.md): not part of the run's
/// configuration, so a run keeps its settings at any world size and these may change on --resume.
/// </summary>
internal static class LaunchOptions
{
    public const string NprocPerNode = "NprocPerNode";
    public const string DistTimeout = "DistTimeout";

    public static IReadOnlyList<CliOption> Options { get; } =
    [
        CliOption.Value(NprocPerNode, "N",
            "Start N local ranks of this command that train data-parallel (loopback rendezvous on a free port); " +
            "--batch-size is the global batch, split over them. Under torchrun (WORLD_SIZE set) this process is one rank and the option is ignored.",
            "1"),
        CliOption.Value(DistTimeout, "SECONDS",
            "In a data-parallel run: how long a rank waits for the others at the rendezvous and at each step before failing " +
            "(a rank died or hangs); rank 0's evaluation must fit in it.",
            "1800"),
    ];

    public static int Processes(CommandArguments a) => Whole(a, NprocPerNode, 1, 1024, 1);

    public static TimeSpan Timeout(CommandArguments a) => TimeSpan.FromSeconds(Whole(a, DistTimeout, 1, 86400 * 7, 1800));

    private static int Whole(CommandArguments a, string name, int low, int high, int fallback)
    {
        string? text = a.Optional(name);
        if (text is null) return fallback;
        if (!int.TryParse(text.Trim(), System.Globalization.CultureInfo.InvariantCulture, out int value) || value < low || value > high)
        {
            throw new UsageException($"invalid value '{text}' for --{OptionNames.Kebab(name)}: a whole number in [{low}, {high}].");
        }
        return value;
    }
}
