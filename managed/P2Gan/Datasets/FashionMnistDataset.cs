namespace P2Gan.Datasets;

/// <summary>
/// Fashion-MNIST (or MNIST) training images from a directory holding
/// train-images-idx3-ubyte.gz or train-images-idx3-ubyte, as float32 [N, 1, R, R] in [-1, 1].
/// </summary>
public sealed class FashionMnistDataset : IImageDataset
{
    /// <summary>File name of the train images (60,000), without ".gz"; the gzip-compressed file is found too.</summary>
    public const string TrainImagesFileName = "train-images-idx3-ubyte";
    /// <summary>File name of the test images (10,000), without ".gz"; the gzip-compressed file is found too.</summary>
    public const string TestImagesFileName = "t10k-images-idx3-ubyte";

    private readonly float[] _images;

    private FashionMnistDataset(float[] images, int count, int resolution, string sourcePath)
    {
        _images = images;
        Count = count;
        Resolution = resolution;
        SourcePath = sourcePath;
    }

    /// <inheritdoc/>
    public int Count { get; }
    /// <inheritdoc/>
    public int Channels => 1;
    /// <inheritdoc/>
    public int Resolution { get; }
    /// <summary>The IDX file the images were read from.</summary>
    public string SourcePath { get; }
    /// <summary>Floats per image: Channels x Resolution x Resolution.</summary>
    public int ImageElementCount => Channels * Resolution * Resolution;
    /// <inheritdoc/>
    public string Description => $"{SourcePath} ({Count} images)";

    /// <inheritdoc/>
    public void CopyImage(int index, Span<float> destination) =>
        _images.AsSpan(index * ImageElementCount, ImageElementCount).CopyTo(destination);

    /// <summary>All images, [Count, 1, Resolution, Resolution].</summary>
    public ReadOnlySpan<float> Images => _images;

    /// <summary>Loads the train images of <paramref name="directory"/> resized to <paramref name="resolution"/>
    /// (the 28 x 28 originals centred and padded when the growth is even, as for 32, else resized bilinearly; see <see cref="ImagePreprocessing.ToNchw"/>).</summary>
    /// <exception cref="DirectoryNotFoundException">No such folder.</exception>
    /// <exception cref="FileNotFoundException">Neither train-images-idx3-ubyte nor its .gz is in the folder.</exception>
    /// <exception cref="InvalidDataException">The file is truncated or not an IDX image file.</exception>
    public static FashionMnistDataset Load(string directory, int resolution) => Load(directory, resolution, DatasetSplit.Train);

    /// <summary>Loads the train (train-images-idx3-ubyte) or test (t10k-images-idx3-ubyte) images.</summary>
    public static FashionMnistDataset Load(string directory, int resolution, DatasetSplit split)
    {
        string path = FindImages(directory, split);
        IdxImages raw = IdxReader.ReadImages(path);
        return new FashionMnistDataset(ImagePreprocessing.ToNchw(raw, resolution), raw.Count, resolution, path);
    }

    /// <summary>The image file in <paramref name="directory"/>, compressed or not.</summary>
    public static string FindTrainImages(string directory) => FindImages(directory, DatasetSplit.Train);

    /// <summary>The image file of <paramref name="split"/> in <paramref name="directory"/>, compressed or not.</summary>
    public static string FindImages(string directory, DatasetSplit split)
    {
        string fileName = split == DatasetSplit.Train ? TrainImagesFileName : TestImagesFileName;
        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"(Fashion-)MNIST directory '{directory}' does not exist.");
        }
        foreach (string name in new[] { fileName + ".gz", fileName })
        {
            string path = Path.Combine(directory, name);
            if (File.Exists(path)) return path;
        }
        throw new FileNotFoundException(
            $"Neither {fileName}.gz nor {fileName} found in '{directory}'.");
    }

    /// <summary>Copies the images at <paramref name="indices"/> into <paramref name="batch"/> (NCHW).</summary>
    public void CopyBatch(ReadOnlySpan<int> indices, Span<float> batch)
    {
        int size = ImageElementCount;
        if (batch.Length != indices.Length * size)
        {
            throw new ArgumentException($"batch has {batch.Length} values; {indices.Length} images need {indices.Length * size}.", nameof(batch));
        }
        for (int i = 0; i < indices.Length; i++)
        {
            _images.AsSpan(indices[i] * size, size).CopyTo(batch.Slice(i * size, size));
        }
    }
}
