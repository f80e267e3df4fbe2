namespace P2Gan.Trainer.Training;

/// <summary>The option names of 'p2gan train' (<see cref="TrainOptions"/> and the model and runtime
/// settings) and the closest one to a mistyped name.</summary>
internal static class OptionNames
{
    public static IReadOnlySet<string> Known { get; } = typeof(TrainOptions).GetProperties().Select(p => p.Name)
        .Concat(SettingsBinding.Names).ToHashSet(StringComparer.OrdinalIgnoreCase);

    /// <summary>"; did you mean X?" for the closest known name (edit distance &lt;= 2, or a prefix either
    /// way), else "".</summary>
    public static string Suggestion(string name)
    {
        string? best = null;
        int bestDistance = int.MaxValue;
        foreach (string candidate in Known.Order(StringComparer.Ordinal))
        {
            int d = Distance(name.ToLowerInvariant(), candidate.ToLowerInvariant());
            bool prefix = name.Length >= 3 && (candidate.StartsWith(name, StringComparison.OrdinalIgnoreCase) ||
                                               name.StartsWith(candidate, StringComparison.OrdinalIgnoreCase));
            if (d > 2 && !prefix) continue;
            if (d < bestDistance) (best, bestDistance) = (candidate, d);
        }
        return best is null ? "" : $"; did you mean {best}?";
    }

    /// <summary>Levenshtein distance.</summary>
    internal static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++) previous[j] = j;
        for (int i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }
}
