using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace P2Gan.Datasets;

/// <summary>
/// CIFAR-10 "binary version": data_batch_1.bin .. data_batch_5.bin (train) or test_batch.bin (test),
/// each a sequence of 3073-byte records: 1 label byte, then the 32x32 R, G and B planes, row-major.
/// All images are loaded at once (150 MB) and resized at load when the model is not 32x32.
/// </summary>
public static class Cifar10Reader
{
    /// <summary>32: the side of every CIFAR-10 image in pixels.</summary>
    public const int Side = 32;
    /// <summary>3073: bytes of one record in a batch file, 1 label byte and 3 x 32 x 32 pixel bytes.</summary>
    public const int RecordBytes = 1 + 3 * Side * Side;
    /// <summary>The five file names of the train split, in reading order.</summary>
    public static IReadOnlyList<string> TrainFiles { get; } = ["data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin"];
    /// <summary>The file name of the test split.</summary>
    public const string TestFile = "test_batch.bin";

    /// <summary>The batch files of <paramref name="split"/> in <paramref name="directory"/> (or its cifar-10-batches-bin subfolder).</summary>
    /// <exception cref="DirectoryNotFoundException">No such folder.</exception>
    /// <exception cref="FileNotFoundException">A batch file is missing; names it.</exception>
    public static string[] FindFiles(string directory, DatasetSplit split)
    {
        if (!Directory.Exists(directory)) throw new DirectoryNotFoundException($"CIFAR-10 folder '{directory}' does not exist.");
        string nested = Path.Combine(directory, "cifar-10-batches-bin");
        string root = !File.Exists(Path.Combine(directory, TrainFiles[0])) && !File.Exists(Path.Combine(directory, TestFile)) && Directory.Exists(nested)
            ? nested : directory;
        IEnumerable<string> names = split == DatasetSplit.Train ? TrainFiles : [TestFile];
        return names.Select(n =>
        {
            string path = Path.Combine(root, n);
            return File.Exists(path) ? path : throw new FileNotFoundException($"CIFAR-10 file '{path}' not found ({split} split).", path);
        }).ToArray();
    }

    /// <summary>Reads every image of the files, [N, 3, 32, 32] planar bytes, and the labels.</summary>
    /// <exception cref="InvalidDataException">A file's length is not a positive multiple of 3073 bytes; names it.</exception>
    public static (byte[] Pixels, byte[] Labels) ReadImages(IReadOnlyList<string> files)
    {
        var lengths = files.Select(f => new FileInfo(f).Length).ToArray();
        for (int i = 0; i < files.Count; i++)
        {
            if (lengths[i] == 0 || lengths[i] % RecordBytes != 0)
            {
                throw new InvalidDataException(
                    $"CIFAR-10 file '{files[i]}' is truncated or not a CIFAR-10 binary batch: {lengths[i]} bytes is not a positive multiple of {RecordBytes} (1 label + 3072 pixel bytes per image).");
            }
        }
        int count = checked((int)(lengths.Sum() / RecordBytes));
        const int imageBytes = RecordBytes - 1;
        var pixels = new byte[checked((long)count * imageBytes)];
        var labels = new byte[count];
        int n = 0;
        var record = new byte[RecordBytes];
        foreach (string file in files)
        {
            using var stream = new BufferedStream(File.OpenRead(file), 1 << 20);
            while (stream.ReadAtLeast(record, RecordBytes, throwOnEndOfStream: false) == RecordBytes)
            {
                labels[n] = record[0];
                record.AsSpan(1).CopyTo(pixels.AsSpan(n * imageBytes, imageBytes));
                n++;
            }
        }
        return (pixels, labels);
    }

    /// <summary>Opens a split as a dataset at <paramref name="resolution"/> with <paramref name="channels"/> (1 or 3).</summary>
    public static PlanarByteDataset Load(string directory, DatasetSplit split, int resolution, int channels)
    {
        string[] files = FindFiles(directory, split);
        (byte[] pixels, _) = ReadImages(files);
        int count = pixels.Length / (RecordBytes - 1);
        if (resolution != Side) pixels = ResizeAll(pixels, count, resolution);
        return new PlanarByteDataset(pixels, count, 3, resolution, channels,
            $"cifar10:{directory} ({split.ToString().ToLowerInvariant()}, {count} images)");
    }

    private static byte[] ResizeAll(byte[] pixels, int count, int resolution)
    {
        const int plane = Side * Side;
        int outSize = 3 * resolution * resolution;
        var result = new byte[checked((long)count * outSize)];
        Parallel.For(0, count, () => new Rgb24[plane], (i, _, interleaved) =>
        {
            ReadOnlySpan<byte> source = pixels.AsSpan(i * 3 * plane, 3 * plane);
            for (int p = 0; p < plane; p++) interleaved[p] = new Rgb24(source[p], source[plane + p], source[2 * plane + p]);
            using Image<Rgb24> image = Image.LoadPixelData<Rgb24>(interleaved, Side, Side);
            SquareImageConverter.CropResizeToPlanar(image, new Rectangle(0, 0, Side, Side), resolution, result.AsSpan(i * outSize, outSize));
            return interleaved;
        }, _ => { });
        return result;
    }
}
