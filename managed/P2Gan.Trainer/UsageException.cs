namespace P2Gan.Trainer;

/// <summary>The command line (or a setting) was wrong: exit code 2 (<see cref="ExitCodes.Usage"/>).
/// The message names the option and the value.</summary>
internal sealed class UsageException(string message, Exception? inner = null) : ArgumentException(message, inner);
