using P2Gan.Imaging;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Processing;

namespace P2Gan.Trainer.Commands;

/// <summary>Writes each image of a batch as its own PNG: a grid of one cell, cropped of the grid's
/// padding, so the pixel conversion stays the one of <see cref="ImageGrid"/>.</summary>
internal static class PngFiles
{
    /// <returns>The files written: DIR/PREFIX_0000.png, ...</returns>
    public static string[] SaveEach(string directory, string prefix, float[] images, ModelOptions model, int count)
    {
        Directory.CreateDirectory(directory);
        int size = (int)model.ImageElementCount, res = model.Resolution;
        var paths = new string[count];
        for (int i = 0; i < count; i++)
        {
            paths[i] = Path.Combine(directory, $"{prefix}_{i:D4}.png");
            ImageGrid.SavePng(paths[i], images.AsSpan(i * size, size), TensorShape.Nchw(1, model.Channels, res, res), 1);
            using Image image = Image.Load(paths[i]);
            image.Mutate(x => x.Crop(new Rectangle(ImageGrid.Padding, ImageGrid.Padding, res, res)));
            image.SaveAsPng(paths[i]);
        }
        return paths;
    }
}
