using System.Text.RegularExpressions;

namespace P2Gan.Trainer;

/// <summary>Formats exceptions as one line for the console, in plain words.</summary>
internal static class ErrorText
{
    // ArgumentException appends " (Parameter 'name')", the name of a .NET parameter: no help to the user.
    private static readonly Regex ParameterSuffix = new(@"\s*\(Parameter '[^']*'\)", RegexOptions.CultureInvariant);

    public static string OneLine(Exception e)
    {
        // Configuration binding wraps the useful message (which names the key) one level down.
        string message = e.InnerException is { } inner && e is InvalidOperationException
            ? $"{e.Message} {inner.Message}"
            : e.Message;
        return ParameterSuffix.Replace(message, "").ReplaceLineEndings(" ").Trim();
    }
}
