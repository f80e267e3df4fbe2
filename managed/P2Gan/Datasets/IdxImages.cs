namespace P2Gan.Datasets;

/// <summary>Images of an IDX file: <see cref="Count"/> x <see cref="Rows"/> x <see cref="Cols"/> bytes, row-major.</summary>
public sealed record IdxImages(byte[] Pixels, int Count, int Rows, int Cols)
{
    /// <summary>Bytes of one image: Rows x Cols.</summary>
    public int PixelsPerImage => Rows * Cols;
}
