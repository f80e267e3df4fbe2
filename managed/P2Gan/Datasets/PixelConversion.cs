namespace P2Gan.Datasets;

/// <summary>
/// 8-bit pixels to the model's float CHW in [-1, 1]: x / 127.5 - 1, RGB to grey with the
/// ITU-R BT.601 luma weights (0.299, 0.587, 0.114, what MNIST-era tools and PIL's "L" mode use),
/// grey to RGB by repeating the plane.
/// </summary>
public static class PixelConversion
{
    /// <summary>BT.601 weight of red in grey = 0.299 R + 0.587 G + 0.114 B.</summary>
    public const float LumaRed = 0.299f;
    /// <summary>BT.601 weight of green.</summary>
    public const float LumaGreen = 0.587f;
    /// <summary>BT.601 weight of blue.</summary>
    public const float LumaBlue = 0.114f;

    /// <summary>Maps a byte 0..255 (or a grey level computed from bytes) to [-1, 1].</summary>
    public static float ToSigned(float value) => value / 127.5f - 1f;

    /// <summary>
    /// Converts planar bytes (<paramref name="sourceChannels"/> planes of <paramref name="planeSize"/>)
    /// into <paramref name="destination"/> (<paramref name="targetChannels"/> planes), both 1 or 3 channels.
    /// </summary>
    public static void PlanarToSigned(ReadOnlySpan<byte> source, int sourceChannels, int planeSize, Span<float> destination, int targetChannels)
    {
        CheckChannels(sourceChannels, nameof(sourceChannels));
        CheckChannels(targetChannels, nameof(targetChannels));
        if (source.Length != sourceChannels * planeSize || destination.Length != targetChannels * planeSize)
        {
            throw new ArgumentException($"sizes disagree: source {source.Length}, destination {destination.Length}, plane {planeSize}.");
        }
        if (sourceChannels == targetChannels)
        {
            for (int i = 0; i < source.Length; i++) destination[i] = ToSigned(source[i]);
        }
        else if (sourceChannels == 1)
        {
            for (int i = 0; i < planeSize; i++) destination[i] = ToSigned(source[i]);
            destination[..planeSize].CopyTo(destination.Slice(planeSize, planeSize));
            destination[..planeSize].CopyTo(destination.Slice(2 * planeSize, planeSize));
        }
        else
        {
            ReadOnlySpan<byte> r = source[..planeSize], g = source.Slice(planeSize, planeSize), b = source.Slice(2 * planeSize, planeSize);
            for (int i = 0; i < planeSize; i++) destination[i] = ToSigned(LumaRed * r[i] + LumaGreen * g[i] + LumaBlue * b[i]);
        }
    }

    /// <summary>Repeats a single plane into three (grey to RGB), in place: the first third of
    /// <paramref name="chw"/> holds the grey plane on entry.</summary>
    public static void ReplicateGrey(Span<float> chw, int planeSize)
    {
        chw[..planeSize].CopyTo(chw.Slice(planeSize, planeSize));
        chw[..planeSize].CopyTo(chw.Slice(2 * planeSize, planeSize));
    }

    internal static void CheckChannels(int channels, string name)
    {
        if (channels is not (1 or 3)) throw new ArgumentOutOfRangeException(name, channels, "Channels must be 1 or 3.");
    }
}
