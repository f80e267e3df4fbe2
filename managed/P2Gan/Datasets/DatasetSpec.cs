namespace P2Gan.Datasets;

/// <summary>
/// A dataset named as "kind:location", e.g. "cifar10:/data/cifar-10-batches-bin" or "synthetic:512".
/// The kind ends at the first colon, so locations may contain colons (Windows drive letters).
/// </summary>
public sealed record DatasetSpec(DatasetKind Kind, string Location)
{
    /// <summary>The spelling of each kind in a spec.</summary>
    public static IReadOnlyDictionary<DatasetKind, string> KindNames { get; } = new Dictionary<DatasetKind, string>
    {
        [DatasetKind.FashionMnist] = "fashion-mnist",
        [DatasetKind.Mnist] = "mnist",
        [DatasetKind.Cifar10] = "cifar10",
        [DatasetKind.CelebA] = "celeba",
        [DatasetKind.Folder] = "folder",
        [DatasetKind.Synthetic] = "synthetic",
        [DatasetKind.Noise] = "noise",
    };

    /// <summary>"fashion-mnist:DIR, mnist:DIR, ..." for error messages and help.</summary>
    public static string Syntax => string.Join(", ", KindNames.Select(k => $"{k.Value}:{(k.Key is DatasetKind.Synthetic or DatasetKind.Noise ? "N" : "DIR")}"));

    /// <summary>The spelling of <see cref="Kind"/> in a spec, e.g. "fashion-mnist".</summary>
    public string KindName => KindNames[Kind];

    /// <summary>The spec as text, "kind:location"; <see cref="Parse"/> reads it back.</summary>
    public override string ToString() => $"{KindName}:{Location}";

    /// <summary>Reads "kind:location"; the kind is matched case-insensitively, synthetic and noise need a positive image count.</summary>
    /// <exception cref="ArgumentException">Malformed spec or unknown kind; the message names the value and lists the kinds.</exception>
    public static DatasetSpec Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        int colon = text.IndexOf(':');
        if (colon <= 0 || colon == text.Length - 1)
        {
            throw new ArgumentException($"invalid dataset '{text}': expected KIND:LOCATION, one of {Syntax}.");
        }
        string name = text[..colon].Trim();
        string location = text[(colon + 1)..].Trim();
        var match = KindNames.Where(k => string.Equals(k.Value, name, StringComparison.OrdinalIgnoreCase)).ToList();
        if (match.Count == 0)
        {
            throw new ArgumentException($"invalid dataset '{text}': unknown kind '{name}'; known: {Syntax}.");
        }
        DatasetKind kind = match[0].Key;
        if (kind is DatasetKind.Synthetic or DatasetKind.Noise && (!int.TryParse(location, out int n) || n <= 0))
        {
            throw new ArgumentException($"invalid dataset '{text}': {match[0].Value} needs a positive image count, e.g. {match[0].Value}:256.");
        }
        return new DatasetSpec(kind, location);
    }
}
