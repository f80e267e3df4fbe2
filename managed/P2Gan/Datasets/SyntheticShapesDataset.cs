namespace P2Gan.Datasets;

/// <summary>
/// N images drawn in code: one filled disc or square per image, its colour, size and place a pure
/// function of the index, on a dark background. Deterministic, needs no files, costs no memory:
/// for tests and for measuring the loader and the train step without a dataset.
/// </summary>
public sealed class SyntheticShapesDataset : IImageDataset
{
    /// <summary><paramref name="count"/> images of side <paramref name="resolution"/> (at least 4) with 1 or 3 <paramref name="channels"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">count not positive, resolution below 4 or channels not 1 or 3.</exception>
    public SyntheticShapesDataset(int count, int resolution, int channels)
    {
        if (count <= 0) throw new ArgumentOutOfRangeException(nameof(count), count, "Must be positive.");
        if (resolution < 4) throw new ArgumentOutOfRangeException(nameof(resolution), resolution, "Must be >= 4.");
        PixelConversion.CheckChannels(channels, nameof(channels));
        Count = count;
        Resolution = resolution;
        Channels = channels;
    }

    /// <inheritdoc/>
    public string Description => $"synthetic:{Count} ({Count} images)";
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
        int r = Resolution, plane = r * r;
        var random = new StableMix(StableMix.Combine(0x5EED_5A9EUL, (ulong)index));
        bool disc = (random.Next() & 1) == 0;
        int radius = r / 8 + random.NextBelow(Math.Max(1, r / 4));
        int cx = random.NextBelow(r), cy = random.NextBelow(r);
        Span<byte> colour = [(byte)(96 + random.NextBelow(160)), (byte)(96 + random.NextBelow(160)), (byte)(96 + random.NextBelow(160))];
        Span<float> fill = stackalloc float[3];
        for (int c = 0; c < 3; c++) fill[c] = PixelConversion.ToSigned(colour[c]);
        float grey = PixelConversion.ToSigned(PixelConversion.LumaRed * colour[0] + PixelConversion.LumaGreen * colour[1] + PixelConversion.LumaBlue * colour[2]);
        const float background = -0.9f;
        destination[..(Channels * plane)].Fill(background);
        for (int y = 0; y < r; y++)
        for (int x = 0; x < r; x++)
        {
            int dx = x - cx, dy = y - cy;
            bool inside = disc ? dx * dx + dy * dy <= radius * radius : Math.Abs(dx) <= radius && Math.Abs(dy) <= radius;
            if (!inside) continue;
            if (Channels == 1) destination[y * r + x] = grey;
            else for (int c = 0; c < 3; c++) destination[c * plane + y * r + x] = fill[c];
        }
    }
}
