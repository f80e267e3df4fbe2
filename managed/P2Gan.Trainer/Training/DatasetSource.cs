using P2Gan.Datasets;

namespace P2Gan.Trainer.Training;

/// <summary>
/// The --Dataset value "kind:location" (e.g. "fashion-mnist:/usr/share/datasets/fashion-mnist",
/// "cifar10:DIR", "folder:DIR", "synthetic:512"); parsing and opening are the SDK's
/// <see cref="DatasetSpec"/> and <see cref="DatasetFactory"/>, this only adapts them to the trainer.
/// </summary>
public sealed record DatasetSource(string Kind, string Location)
{
    public const string FashionMnistKind = "fashion-mnist";
    public const string MnistKind = "mnist";

    public DatasetSpec Spec => DatasetSpec.Parse($"{Kind}:{Location}");

    /// <summary>Channels of the images as stored, the default model channels.</summary>
    public int Channels => DatasetFactory.NaturalChannels(Spec);

    /// <exception cref="ArgumentException">Malformed spec or unknown kind; the message lists the kinds.</exception>
    public static DatasetSource Parse(string text)
    {
        DatasetSpec spec = DatasetSpec.Parse(text);
        return new DatasetSource(spec.KindName, spec.Location);
    }

    /// <summary>Opens the dataset converted for the model.</summary>
    public IImageDataset Open(DatasetOptions options) => DatasetFactory.Open(Spec, options);

    /// <summary>Loads (Fashion-)MNIST as the in-memory dataset the current training loop uses.</summary>
    public FashionMnistDataset Load(int resolution) =>
        Spec.Kind is DatasetKind.FashionMnist or DatasetKind.Mnist
            ? FashionMnistDataset.Load(Location, resolution)
            : throw new ArgumentException($"dataset '{Kind}:{Location}' is not (fashion-)mnist; open it with {nameof(Open)}.");
}
