using P2Gan.Datasets;

namespace P2Gan.Tests.Datasets;

public class PixelConversionTests
{
    [Test]
    public void ScalesBytesToMinusOneToOne()
    {
        var result = new float[3];
        PixelConversion.PlanarToSigned(new byte[] { 0, 255, 128 }, 1, 3, result, 1);
        Assert.That(result[0], Is.EqualTo(-1f));
        Assert.That(result[1], Is.EqualTo(1f));
        Assert.That(result[2], Is.EqualTo(128 / 127.5f - 1f));
    }

    [Test]
    public void RgbToGreyUsesBt601Luma()
    {
        var grey = new float[1];
        PixelConversion.PlanarToSigned(new byte[] { 255, 0, 0 }, 3, 1, grey, 1);
        Assert.That(grey[0], Is.EqualTo(0.299f * 255 / 127.5f - 1f).Within(1e-6));
        PixelConversion.PlanarToSigned(new byte[] { 255, 255, 255 }, 3, 1, grey, 1);
        Assert.That(grey[0], Is.EqualTo(1f).Within(1e-5));
    }

    [Test]
    public void GreyToRgbRepeatsThePlane()
    {
        var rgb = new float[6];
        PixelConversion.PlanarToSigned(new byte[] { 0, 255 }, 1, 2, rgb, 3);
        Assert.That(rgb, Is.EqualTo(new[] { -1f, 1f, -1f, 1f, -1f, 1f }));
    }
}
