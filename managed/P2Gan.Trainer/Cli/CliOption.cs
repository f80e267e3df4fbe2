using P2Gan.Trainer.Training;

namespace P2Gan.Trainer.Cli;

/// <summary>
/// One option of a p2gan command, declared once under its PascalCase name. The command line spells
/// it in kebab case (<see cref="OptionNames.Kebab"/>): --batch-size; the PascalCase spelling
/// (--BatchSize) and any <see cref="LegacyNames"/> stay accepted as hidden aliases for one release.
/// A --config file and P2GAN_ variables may use any of the spellings (<see cref="OptionNames.Normalize"/>).
/// </summary>
/// <param name="Name">PascalCase name, e.g. "BatchSize".</param>
/// <param name="Description">Help text, one sentence or two.</param>
/// <param name="HelpName">The value's placeholder in help, e.g. "N" or "FILE"; ignored for flags.</param>
internal sealed record CliOption(string Name, string Description, string HelpName = "VALUE")
{
    /// <summary>Takes no value (--ema), or true/false (--ema false).</summary>
    public bool IsFlag { get; init; }

    /// <summary>Shown as "[default: X]"; null shows none.</summary>
    public string? Default { get; init; }

    /// <summary>Earlier spellings other than the PascalCase name (bench-data's Prefetch, Flip).</summary>
    public IReadOnlyList<string> LegacyNames { get; init; } = [];

    /// <summary>"--batch-size".</summary>
    public string Switch => "--" + OptionNames.Kebab(Name);

    /// <summary>Every accepted spelling's normalized form (name and legacy names).</summary>
    public IEnumerable<string> NormalizedNames => LegacyNames.Prepend(Name).Select(OptionNames.Normalize);

    public static CliOption Value(string name, string helpName, string description, string? defaultText = null) =>
        new(name, description, helpName) { Default = defaultText };

    public static CliOption Flag(string name, string description) => new(name, description) { IsFlag = true, Default = "false" };
}
