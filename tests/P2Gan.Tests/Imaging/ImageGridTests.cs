using P2Gan.Imaging;
using P2Gan.Tests.Support;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace P2Gan.Tests.Imaging;

[TestFixture]
public sealed class ImageGridTests
{
    [Test]
    public void GreyGridHasTheExpectedSizeAndPixels()
    {
        using var temp = new TempDirectory();
        string path = temp.File("grid.png");
        float[] images = SyntheticImages.Shapes(10, 32);
        ImageGrid.SavePng(path, images, TensorShape.Nchw(10, 1, 32, 32), columns: 4);

        using var png = Image.Load<L8>(path);
        Assert.That(png.Width, Is.EqualTo(4 * (32 + 2) + 2));
        Assert.That(png.Height, Is.EqualTo(3 * (32 + 2) + 2)); // 10 images in 3 rows
        Assert.That(png[2, 2].PackedValue, Is.EqualTo(ImageGrid.ToByte(images[0])));
    }

    [Test]
    public void ColourGridUsesRgb()
    {
        using var temp = new TempDirectory();
        string path = temp.File("rgb.png");
        var images = new float[2 * 3 * 4 * 4];
        images.AsSpan(0, 16).Fill(1f);     // image 0: red plane at +1
        images.AsSpan(16, 32).Fill(-1f);   // green and blue at -1
        ImageGrid.SavePng(path, images, TensorShape.Nchw(2, 3, 4, 4), columns: 8);

        using var png = Image.Load<Rgb24>(path);
        Assert.That(png.Width, Is.EqualTo(2 * 6 + 2));
        Assert.That(png.Height, Is.EqualTo(6 + 2));
        Assert.That(png[2, 2], Is.EqualTo(new Rgb24(255, 0, 0)));
    }

    [Test]
    public void OnlyOneOrThreeChannels()
    {
        using var temp = new TempDirectory();
        Assert.Throws<ArgumentException>(() =>
            ImageGrid.SavePng(temp.File("x.png"), new float[2 * 4 * 4], TensorShape.Nchw(1, 2, 4, 4), 1));
    }
}
