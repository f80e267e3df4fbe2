namespace P2Gan.Datasets;

/// <summary>
/// Opens a dataset named by a spec ("kind:location", see <see cref="DatasetSpec"/>) converted to the
/// model's resolution and channels. Everything that can be checked before training is checked
/// here: missing paths, truncated IDX/CIFAR files and empty folders throw at Open, naming the file
/// or folder. Undecodable single images in folders are handled later (see <see cref="ImageFileDataset"/>).
/// </summary>
public static class DatasetFactory
{
    /// <summary>Side of the centre crop of aligned CelebA (178x218) images, as in DCGAN-era preprocessing.</summary>
    public const int CelebACropSide = 140;

    /// <summary>The sub-folder of the CelebA archive holding the aligned images.</summary>
    public const string CelebAImageFolder = "img_align_celeba";

    /// <summary>Parses <paramref name="spec"/> ("kind:location") and opens it; see <see cref="Open(DatasetSpec, DatasetOptions)"/>.</summary>
    /// <exception cref="ArgumentException">Malformed spec, unknown kind or invalid options.</exception>
    /// <exception cref="IOException">Missing folder or file (Directory/FileNotFoundException) naming it.</exception>
    /// <exception cref="InvalidDataException">Truncated or malformed IDX/CIFAR file, empty image folder, naming it.</exception>
    public static IImageDataset Open(string spec, DatasetOptions options) => Open(DatasetSpec.Parse(spec), options);

    /// <summary>Opens <paramref name="spec"/> converted to <see cref="DatasetOptions.Resolution"/> and
    /// <see cref="DatasetOptions.Channels"/> (0: the dataset's own, <see cref="NaturalChannels(DatasetSpec)"/>).
    /// IDX and CIFAR files are read into memory here; image folders are listed here and decoded on demand.</summary>
    /// <exception cref="ArgumentException">Invalid resolution or channels, or an unknown kind.</exception>
    /// <exception cref="IOException">Missing folder or file (Directory/FileNotFoundException) naming it.</exception>
    /// <exception cref="InvalidDataException">Truncated or malformed IDX/CIFAR file, empty image folder, naming it.</exception>
    public static IImageDataset Open(DatasetSpec spec, DatasetOptions options)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Resolution <= 0) throw new ArgumentException($"invalid Resolution {options.Resolution}: must be positive.");
        if (options.Channels is not (0 or 1 or 3)) throw new ArgumentException($"invalid Channels {options.Channels}: must be 1, 3 or 0 (the dataset's).");
        int channels = options.Channels == 0 ? NaturalChannels(spec) : options.Channels;
        int resolution = options.Resolution;
        switch (spec.Kind)
        {
            case DatasetKind.FashionMnist:
            case DatasetKind.Mnist:
                var grey = FashionMnistDataset.Load(spec.Location, resolution, options.Split);
                return channels == 1 ? grey : new GreyToRgbDataset(grey);
            case DatasetKind.Cifar10:
                return Cifar10Reader.Load(spec.Location, options.Split, resolution, channels);
            case DatasetKind.CelebA:
                string celebA = FindCelebAFolder(spec.Location);
                return new ImageFileDataset(ImageFileIndex.List(celebA), $"celeba:{celebA}", resolution, channels,
                    CelebACropSide, options.Strict, options.Logger, options.MaxImagePixels,
                    maxSide: options.MaxImageSide);
            case DatasetKind.Folder:
                return new ImageFileDataset(ImageFileIndex.List(spec.Location), $"folder:{spec.Location}", resolution, channels,
                    0, options.Strict, options.Logger, options.MaxImagePixels,
                    maxSide: options.MaxImageSide);
            case DatasetKind.Synthetic:
                return new SyntheticShapesDataset(int.Parse(spec.Location), resolution, channels);
            case DatasetKind.Noise:
                return new UniformNoiseDataset(int.Parse(spec.Location), resolution, channels);
            default:
                throw new ArgumentException($"invalid dataset '{spec}': unknown kind; known: {DatasetSpec.Syntax}.");
        }
    }

    /// <summary>Channels of the data as stored: 1 for (Fashion-)MNIST, 3 for the others. The trainer's default model channels.</summary>
    public static int NaturalChannels(string spec) => NaturalChannels(DatasetSpec.Parse(spec));

    /// <summary>Channels of the data as stored: 1 for (Fashion-)MNIST, 3 for the others.</summary>
    public static int NaturalChannels(DatasetSpec spec) =>
        spec.Kind is DatasetKind.FashionMnist or DatasetKind.Mnist ? 1 : 3;

    /// <summary>
    /// The side at which <paramref name="spec"/>'s images are served without any resampling: the IDX
    /// file's rows for (Fashion-)MNIST (28), 32 for CIFAR-10, the crop side for CelebA, and for a folder
    /// the side of the first image's centred square (read from its header; images of another size are
    /// resized to it). Null for the generated kinds (synthetic, noise), which have no size of their own.
    /// </summary>
    /// <exception cref="IOException">Missing folder or file, naming it.</exception>
    /// <exception cref="InvalidDataException">Truncated IDX file, empty folder, or no image of the folder has a readable header.</exception>
    public static int? NaturalResolution(DatasetSpec spec, DatasetSplit split)
    {
        ArgumentNullException.ThrowIfNull(spec);
        switch (spec.Kind)
        {
            case DatasetKind.FashionMnist:
            case DatasetKind.Mnist:
                return IdxReader.ReadImages(FashionMnistDataset.FindImages(spec.Location, split)).Rows;
            case DatasetKind.Cifar10:
                return Cifar10Reader.Side;
            case DatasetKind.CelebA:
                return CelebACropSide;
            case DatasetKind.Folder:
                foreach (string file in ImageFileIndex.List(spec.Location))
                {
                    try
                    {
                        SixLabors.ImageSharp.IImageInfo? info = SixLabors.ImageSharp.Image.Identify(file);
                        if (info is { Width: > 0, Height: > 0 }) return Math.Min(info.Width, info.Height);
                    }
                    catch (Exception e) when (e is not OutOfMemoryException)
                    {
                        // An unreadable file is skipped here as the dataset skips it when reading.
                    }
                }
                throw new InvalidDataException($"folder '{spec.Location}': no image file has a readable header.");
            default:
                return null;
        }
    }

    /// <summary>DIR/img_align_celeba when it exists, else DIR itself.</summary>
    public static string FindCelebAFolder(string directory)
    {
        if (!Directory.Exists(directory)) throw new DirectoryNotFoundException($"CelebA folder '{directory}' does not exist.");
        string nested = Path.Combine(directory, CelebAImageFolder);
        return Directory.Exists(nested) ? nested : directory;
    }
}
