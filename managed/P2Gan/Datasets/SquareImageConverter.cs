using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;
using SixLabors.ImageSharp.Processing.Processors.Transforms;

namespace P2Gan.Datasets;

/// <summary>
/// Centre crop and resize to a square of the model's resolution, then planar RGB bytes.
/// The resize filter is ImageSharp's bicubic (Catmull-Rom-like, a = -0.5): ImageSharp widens the
/// kernel by the scale factor when shrinking, so 140 -> 64 or 218 -> 32 is properly low-pass
/// filtered (no aliasing), and bicubic keeps edges sharper than bilinear without Lanczos'
/// ringing halos around the high-contrast edges of faces and objects. PIL's BICUBIC, which
/// most GAN preprocessing scripts use, behaves the same way.
/// </summary>
public static class SquareImageConverter
{
    /// <summary>The resampler of every resize: ImageSharp's bicubic (see the class remarks).</summary>
    public static IResampler Filter => KnownResamplers.Bicubic;

    /// <summary>The centred square of side min(width, height, <paramref name="maxSide"/>) (0 = no maximum).</summary>
    public static Rectangle CentreSquare(int width, int height, int maxSide = 0)
    {
        int side = Math.Min(width, height);
        if (maxSide > 0) side = Math.Min(side, maxSide);
        return new Rectangle((width - side) / 2, (height - side) / 2, side, side);
    }

    /// <summary>Crops <paramref name="crop"/>, resizes to <paramref name="resolution"/> and writes
    /// planar R, G, B planes (3 * resolution^2 bytes) into <paramref name="planarRgb"/>. Mutates the image.</summary>
    public static void CropResizeToPlanar(Image<Rgb24> image, Rectangle crop, int resolution, Span<byte> planarRgb)
    {
        if (planarRgb.Length != 3 * resolution * resolution)
        {
            throw new ArgumentException($"planarRgb has {planarRgb.Length} bytes; needs {3 * resolution * resolution}.", nameof(planarRgb));
        }
        image.Mutate(x =>
        {
            if (crop != new Rectangle(0, 0, image.Width, image.Height)) x.Crop(crop);
            if (crop.Width != resolution || crop.Height != resolution) x.Resize(resolution, resolution, Filter);
        });
        int plane = resolution * resolution;
        var pixels = new Rgb24[plane];
        image.CopyPixelDataTo(pixels);
        for (int i = 0; i < plane; i++)
        {
            planarRgb[i] = pixels[i].R;
            planarRgb[plane + i] = pixels[i].G;
            planarRgb[2 * plane + i] = pixels[i].B;
        }
    }
}
