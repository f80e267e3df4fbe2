namespace P2Gan.Trainer;

/// <summary>Formats exceptions as one line for the console.</summary>
internal static class ErrorText
{
    public static string OneLine(Exception e)
    {
        // Configuration binding wraps the useful message (which names the key) one level down.
        string message = e.InnerException is { } inner && e is InvalidOperationException
            ? $"{e.Message} {inner.Message}"
            : e.Message;
        return message.ReplaceLineEndings(" ").Trim();
    }
}
