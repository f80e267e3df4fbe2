namespace P2Gan.Datasets;

/// <summary>
/// N images of independent uniform noise in [-1, 1], each pixel a pure function of (index, pixel):
/// the "worst generator" end of evaluation sanity checks (real vs noise). Deterministic so that
/// the same spec always gives the same numbers.
/// </summary>
public sealed class UniformNoiseDataset : IImageDataset
{
    /// <summary><paramref name="count"/> images of side <paramref name="resolution"/> with 1 or 3 <paramref name="channels"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">count or resolution not positive, or channels not 1 or 3.</exception>
    public UniformNoiseDataset(int count, int resolution, int channels)
    {
        if (count <= 0) throw new ArgumentOutOfRangeException(nameof(count), count, "Must be positive.");
        if (resolution <= 0) throw new ArgumentOutOfRangeException(nameof(resolution), resolution, "Must be positive.");
        PixelConversion.CheckChannels(channels, nameof(channels));
        Count = count;
        Resolution = resolution;
        Channels = channels;
    }

    /// <inheritdoc/>
    public string Description => $"noise:{Count} ({Count} images of uniform noise)";
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
        var random = new StableMix(StableMix.Combine(0x0015E_D0C5UL, (ulong)index));
        int size = Channels * Resolution * Resolution;
        // 24 random bits per pixel: uniform on a grid fine enough for float32, and exactly within [-1, 1].
        for (int i = 0; i < size; i++) destination[i] = (random.NextBelow(1 << 24) / (float)((1 << 24) - 1)) * 2f - 1f;
    }
}
