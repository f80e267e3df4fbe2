using P2Gan.Datasets;

namespace P2Gan.Trainer.Commands;

/// <summary>Images given to encode and interpolate, converted to a model's format.</summary>
internal sealed record ImageInputs(float[] Data, TensorShape Shape, string[] Names)
{
    public int Count => (int)Shape[0];

    /// <summary>
    /// <paramref name="path"/> is a .npy of float32 [N, C, R, R] in [-1, 1] (the model's C and R), an
    /// image file, or a folder of image files (searched recursively, sorted by path). Image files
    /// are centre-cropped, resized to the model's resolution and converted to its channels the
    /// same way the folder dataset does.
    /// </summary>
    public static ImageInputs Load(string path, ModelOptions model, string option)
    {
        int res = model.Resolution, channels = model.Channels;
        if (path.EndsWith(".npy", StringComparison.OrdinalIgnoreCase))
        {
            NpyArray array = NpyFile.Read(path);
            if (array.Shape.Rank != 4 || array.Shape[1] != channels || array.Shape[2] != res || array.Shape[3] != res || array.Shape[0] == 0)
            {
                throw new UsageException($"invalid --{option} '{path}': shape {array.Shape}; the model takes [N, {channels}, {res}, {res}] with N > 0.");
            }
            return new ImageInputs(array.Data, array.Shape,
                Enumerable.Range(0, (int)array.Shape[0]).Select(i => $"{Path.GetFileName(path)}[{i}]").ToArray());
        }
        string[] files = Directory.Exists(path) ? ImageFileIndex.List(path)
            : File.Exists(path) ? [path]
            : throw new UsageException($"invalid --{option} '{path}': no such file or folder.");
        var decoder = new ImageFileDecoder();
        int plane = res * res;
        var data = new float[files.Length * channels * plane];
        var planar = new byte[3 * plane];
        for (int i = 0; i < files.Length; i++)
        {
            using var image = decoder.Decode(files[i]);
            SquareImageConverter.CropResizeToPlanar(image, SquareImageConverter.CentreSquare(image.Width, image.Height), res, planar);
            PixelConversion.PlanarToSigned(planar, 3, plane, data.AsSpan(i * channels * plane, channels * plane), channels);
        }
        return new ImageInputs(data, TensorShape.Nchw(files.Length, channels, res, res), files);
    }

    /// <summary>Image <paramref name="index"/> alone, as a batch of one.</summary>
    public (float[] Data, TensorShape Shape) Single(int index)
    {
        int size = (int)(Shape[1] * Shape[2] * Shape[3]);
        return (Data.AsSpan(index * size, size).ToArray(), TensorShape.Nchw(1, Shape[1], Shape[2], Shape[3]));
    }
}
