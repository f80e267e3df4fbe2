namespace P2Gan;

/// <summary>The dimensions of a dense C-order float32 buffer, e.g. [B, C, H, W].</summary>
public readonly record struct TensorShape
{
    private readonly long[]? _dims;

    /// <summary>A shape with the given dimensions, outermost first; the array is copied.</summary>
    /// <exception cref="ArgumentException">A dimension is negative.</exception>
    public TensorShape(params long[] dims)
    {
        ArgumentNullException.ThrowIfNull(dims);
        foreach (long d in dims)
        {
            if (d < 0) throw new ArgumentException($"Negative dimension in shape [{string.Join(", ", dims)}].", nameof(dims));
        }
        _dims = (long[])dims.Clone();
    }

    /// <summary>A batch of images: [batch, channels, height, width].</summary>
    public static TensorShape Nchw(long batch, long channels, long height, long width) =>
        new(batch, channels, height, width);

    /// <summary>The dimensions, outermost first (empty for the default shape).</summary>
    public ReadOnlySpan<long> Dims => _dims ?? [];

    /// <summary>The number of dimensions.</summary>
    public int Rank => _dims?.Length ?? 0;

    /// <summary>Dimension <paramref name="index"/>, counted from the outermost.</summary>
    /// <exception cref="IndexOutOfRangeException"><paramref name="index"/> is not below <see cref="Rank"/>.</exception>
    public long this[int index] => Dims[index];

    /// <summary>Product of the dimensions (1 for a rank-0 shape).</summary>
    public long ElementCount
    {
        get
        {
            long count = 1;
            foreach (long d in Dims) count = checked(count * d);
            return count;
        }
    }

    /// <summary>A copy of the dimensions, for the native calls that pin them.</summary>
    public long[] ToArray() => Dims.ToArray();

    // Value equality over the dimensions, not over the array reference.
    /// <summary>Whether both have the same dimensions in the same order.</summary>
    public bool Equals(TensorShape other) => Dims.SequenceEqual(other.Dims);

    /// <summary>A hash of the dimensions, consistent with <see cref="Equals(TensorShape)"/>.</summary>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (long d in Dims) hash.Add(d);
        return hash.ToHashCode();
    }

    /// <summary>The dimensions as "[2, 3, 32, 32]".</summary>
    public override string ToString() => $"[{string.Join(", ", _dims ?? [])}]";
}
