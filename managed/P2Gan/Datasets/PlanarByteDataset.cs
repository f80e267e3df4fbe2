namespace P2Gan.Datasets;

/// <summary>
/// Images held in memory as planar bytes at the model's resolution, in their source channel
/// count; converted to float (and to the target channels) per <see cref="CopyImage"/>.
/// A quarter of the memory of floats: CIFAR-10 is 150 MB as bytes, 600 MB as floats.
/// </summary>
public sealed class PlanarByteDataset : IImageDataset
{
    private readonly byte[] _pixels;
    private readonly int _sourceChannels;
    private readonly int _plane;

    /// <summary>Serves images from <paramref name="pixels"/>, which it keeps (not copied); conversion to [-1, 1] and
    /// to <paramref name="channels"/> happens per read.</summary>
    /// <exception cref="ArgumentException"><paramref name="pixels"/> does not hold exactly count images.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A channel count is not 1 or 3.</exception>
    /// <param name="pixels">[count, sourceChannels, resolution, resolution].</param>
    /// <param name="count">Number of images.</param>
    /// <param name="sourceChannels">Channels stored in <paramref name="pixels"/>.</param>
    /// <param name="resolution">Side of the square images.</param>
    /// <param name="channels">Channels of the images served (converted from the source channels).</param>
    /// <param name="description">A short text naming the dataset, for logs.</param>
    public PlanarByteDataset(byte[] pixels, int count, int sourceChannels, int resolution, int channels, string description)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        PixelConversion.CheckChannels(sourceChannels, nameof(sourceChannels));
        PixelConversion.CheckChannels(channels, nameof(channels));
        _plane = resolution * resolution;
        if (pixels.LongLength != (long)count * sourceChannels * _plane)
        {
            throw new ArgumentException($"pixels has {pixels.LongLength} bytes; {count} images need {(long)count * sourceChannels * _plane}.", nameof(pixels));
        }
        _pixels = pixels;
        _sourceChannels = sourceChannels;
        Count = count;
        Resolution = resolution;
        Channels = channels;
        Description = description;
    }

    /// <inheritdoc/>
    public string Description { get; }
    /// <inheritdoc/>
    public int Count { get; }
    /// <inheritdoc/>
    public int Channels { get; }
    /// <inheritdoc/>
    public int Resolution { get; }

    /// <inheritdoc/>
    public void CopyImage(int index, Span<float> destination)
    {
        if ((uint)index >= (uint)Count) throw new ArgumentOutOfRangeException(nameof(index), index, $"Dataset has {Count} images.");
        int size = _sourceChannels * _plane;
        PixelConversion.PlanarToSigned(_pixels.AsSpan(index * size, size), _sourceChannels, _plane, destination, Channels);
    }
}
