using P2Gan.Datasets;

namespace P2Gan.Trainer.Training;

/// <summary>The --Dataset value "kind:location", e.g. "fashion-mnist:/usr/share/datasets/fashion-mnist".</summary>
public sealed record DatasetSource(string Kind, string Location)
{
    public const string FashionMnistKind = "fashion-mnist";
    public const string MnistKind = "mnist";

    /// <summary>Channels of the images this source yields.</summary>
    public int Channels => 1;

    public static DatasetSource Parse(string text)
    {
        int colon = text.IndexOf(':');
        if (colon <= 0 || colon == text.Length - 1)
        {
            throw new ArgumentException($"invalid Dataset '{text}': expected 'fashion-mnist:<directory>'.");
        }
        string kind = text[..colon].Trim().ToLowerInvariant();
        if (kind is not (FashionMnistKind or MnistKind))
        {
            throw new ArgumentException($"invalid Dataset '{text}': unknown kind '{kind}' (known: {FashionMnistKind}, {MnistKind}).");
        }
        return new DatasetSource(kind, text[(colon + 1)..]);
    }

    /// <summary>Loads the training images (both kinds share the IDX layout and file names).</summary>
    public FashionMnistDataset Load(int resolution) => FashionMnistDataset.Load(Location, resolution);
}
