using System.Text;

namespace P2Gan.Trainer.Training;

/// <summary>The option names of 'p2gan train' (<see cref="TrainOptions"/> and the model and runtime
/// settings), the one rule that spells a PascalCase name on the command line (kebab case) and in the
/// environment (upper snake case), and the closest name to a mistyped one.</summary>
internal static class OptionNames
{
    public static IReadOnlySet<string> Known { get; } = typeof(TrainOptions).GetProperties().Select(p => p.Name)
        .Concat(SettingsBinding.Names).ToHashSet(StringComparer.OrdinalIgnoreCase);

    /// <summary>"BatchSize" -> "batch-size", "LambdaZ" -> "lambda-z", "NDis" -> "n-dis", "Beta1" -> "beta1".
    /// A dash goes before an upper-case letter that follows a lower-case letter or digit, or that ends a
    /// run of capitals before a lower-case letter.</summary>
    public static string Kebab(string name)
    {
        var kebab = new StringBuilder(name.Length + 4);
        for (int i = 0; i < name.Length; i++)
        {
            char c = name[i];
            if (char.IsUpper(c) && i > 0 &&
                (!char.IsUpper(name[i - 1]) || (i + 1 < name.Length && char.IsLower(name[i + 1]))) && name[i - 1] != '-')
            {
                kebab.Append('-');
            }
            kebab.Append(char.ToLowerInvariant(c));
        }
        return kebab.ToString();
    }

    /// <summary>"BatchSize" -> "BATCH_SIZE", as in P2GAN_BATCH_SIZE.</summary>
    public static string UpperSnake(string name) => Kebab(name).Replace('-', '_').ToUpperInvariant();

    /// <summary>The form every spelling of one name shares: "BatchSize", "batch-size", "BATCH_SIZE" and
    /// "batchsize" all give "batchsize".</summary>
    public static string Normalize(string name) => name.Replace("-", "").Replace("_", "").ToLowerInvariant();

    /// <summary>"; did you mean X?" for the closest of train's names (edit distance &lt;= 2, or a prefix
    /// either way), in kebab case, else "".</summary>
    public static string Suggestion(string name) => Closest(name, Known) is { } best ? $"; did you mean {Kebab(best)}?" : "";

    /// <summary>The candidate closest to <paramref name="name"/> compared in <see cref="Normalize"/>d form
    /// (edit distance &lt;= 2, or a prefix either way of at least 3 letters), else null.</summary>
    public static string? Closest(string name, IEnumerable<string> candidates)
    {
        string wanted = Normalize(name);
        string? best = null;
        int bestDistance = int.MaxValue;
        foreach (string candidate in candidates.Order(StringComparer.Ordinal))
        {
            string known = Normalize(candidate);
            int d = Distance(wanted, known);
            bool prefix = wanted.Length >= 3 && (known.StartsWith(wanted, StringComparison.Ordinal) ||
                                                 wanted.StartsWith(known, StringComparison.Ordinal));
            if (d > 2 && !prefix) continue;
            if (d < bestDistance) (best, bestDistance) = (candidate, d);
        }
        return best;
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
