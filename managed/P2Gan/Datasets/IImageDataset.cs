namespace P2Gan.Datasets;

/// <summary>
/// A source of training images already converted to the model's format: float32 C x R x R
/// in [-1, 1]. Implementations must be safe to read from several threads at once (the
/// loader decodes in the background) and must give the same values for the same index.
/// </summary>
public interface IImageDataset
{
    /// <summary>What and where, for logs and run summaries (e.g. "cifar10:/data/cifar (50000 images)").</summary>
    string Description { get; }

    /// <summary>Number of images.</summary>
    int Count { get; }

    /// <summary>Image channels after conversion (1 or 3).</summary>
    int Channels { get; }

    /// <summary>Side of the square images after conversion.</summary>
    int Resolution { get; }

    /// <summary>Writes image <paramref name="index"/> (C*R*R floats, CHW) into <paramref name="destination"/>.</summary>
    void CopyImage(int index, Span<float> destination);
}
