namespace P2Gan.Datasets;

/// <summary>Shows a one-channel dataset as RGB by repeating its plane (for a 3-channel model on MNIST).</summary>
public sealed class GreyToRgbDataset : IImageDataset
{
    private readonly IImageDataset _grey;

    /// <summary>Wraps <paramref name="grey"/>, which it reads from but does not own.</summary>
    /// <exception cref="ArgumentException"><paramref name="grey"/> does not have exactly one channel.</exception>
    public GreyToRgbDataset(IImageDataset grey)
    {
        ArgumentNullException.ThrowIfNull(grey);
        if (grey.Channels != 1) throw new ArgumentException($"{grey.Description} has {grey.Channels} channels, not 1.", nameof(grey));
        _grey = grey;
    }

    /// <inheritdoc/>
    public string Description => _grey.Description + " (grey repeated to RGB)";
    /// <inheritdoc/>
    public int Count => _grey.Count;
    /// <inheritdoc/>
    public int Channels => 3;
    /// <inheritdoc/>
    public int Resolution => _grey.Resolution;

    /// <inheritdoc/>
    public void CopyImage(int index, Span<float> destination)
    {
        int plane = Resolution * Resolution;
        _grey.CopyImage(index, destination[..plane]);
        PixelConversion.ReplicateGrey(destination, plane);
    }
}
