namespace P2Gan.Trainer;

/// <summary>Process exit codes of the p2gan tool.</summary>
public static class ExitCodes
{
    public const int Success = 0;
    /// <summary>The command failed (bad data, native error, I/O).</summary>
    public const int Failure = 1;
    /// <summary>The command line was wrong.</summary>
    public const int Usage = 2;
    /// <summary>Training stopped early on Ctrl-C/SIGTERM after writing its checkpoint: a clean
    /// stop that a scheduler should not treat as a failure, so it is 0 like Success.</summary>
    public const int Interrupted = 0;
}
