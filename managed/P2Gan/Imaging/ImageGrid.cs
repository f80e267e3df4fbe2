using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace P2Gan.Imaging;

/// <summary>Writes a batch of NCHW images in [-1, 1] as one PNG grid.</summary>
public static class ImageGrid
{
    /// <summary>Pixels between cells and around the border (black).</summary>
    public const int Padding = 2;

    /// <summary>
    /// Saves images [count, channels, height, width] (channels 1 -> L8, 3 -> Rgb24) row by row
    /// into a grid of <paramref name="columns"/> columns. Values are clamped to [-1, 1].
    /// </summary>
    public static void SavePng(string path, ReadOnlySpan<float> images, TensorShape shape, int columns)
    {
        if (shape.Rank != 4) throw new ArgumentException($"Expected [N, C, H, W]; got {shape}.", nameof(shape));
        int count = checked((int)shape[0]), channels = checked((int)shape[1]);
        int height = checked((int)shape[2]), width = checked((int)shape[3]);
        if (channels is not (1 or 3)) throw new ArgumentException($"Only 1 or 3 channels can be written; got {channels}.", nameof(shape));
        if (images.Length != shape.ElementCount) throw new ArgumentException($"images has {images.Length} values; shape {shape} needs {shape.ElementCount}.", nameof(images));
        if (columns <= 0) throw new ArgumentOutOfRangeException(nameof(columns), columns, "Must be positive.");
        if (count == 0) throw new ArgumentException("No images to write.", nameof(images));

        int cols = Math.Min(columns, count);
        int rows = (count + cols - 1) / cols;
        int gridWidth = cols * (width + Padding) + Padding;
        int gridHeight = rows * (height + Padding) + Padding;
        string? dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir is not null) Directory.CreateDirectory(dir);

        if (channels == 1)
        {
            using var image = new Image<L8>(gridWidth, gridHeight, new L8(0));
            for (int n = 0; n < count; n++)
            {
                (int ox, int oy) = CellOrigin(n, cols, width, height);
                for (int y = 0; y < height; y++)
                for (int x = 0; x < width; x++)
                    image[ox + x, oy + y] = new L8(ToByte(images[(n * height + y) * width + x]));
            }
            image.SaveAsPng(path);
        }
        else
        {
            int plane = height * width;
            using var image = new Image<Rgb24>(gridWidth, gridHeight, new Rgb24(0, 0, 0));
            for (int n = 0; n < count; n++)
            {
                (int ox, int oy) = CellOrigin(n, cols, width, height);
                int baseIndex = n * 3 * plane;
                for (int y = 0; y < height; y++)
                for (int x = 0; x < width; x++)
                {
                    int i = baseIndex + y * width + x;
                    image[ox + x, oy + y] = new Rgb24(ToByte(images[i]), ToByte(images[i + plane]), ToByte(images[i + 2 * plane]));
                }
            }
            image.SaveAsPng(path);
        }
    }

    /// <summary>Maps [-1, 1] to 0..255 with rounding.</summary>
    public static byte ToByte(float value)
    {
        if (float.IsNaN(value)) return 0;
        return (byte)MathF.Round((Math.Clamp(value, -1f, 1f) + 1f) * 127.5f);
    }

    private static (int X, int Y) CellOrigin(int index, int columns, int width, int height) =>
        (Padding + index % columns * (width + Padding), Padding + index / columns * (height + Padding));
}
