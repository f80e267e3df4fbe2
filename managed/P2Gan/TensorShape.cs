namespace P2Gan;

/// <summary>The dimensions of a dense C-order float32 buffer, e.g. [B, C, H, W].</summary>
public readonly record struct TensorShape
{
    private readonly long[]? _dims;

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

    public ReadOnlySpan<long> Dims => _dims ?? [];

    public int Rank => _dims?.Length ?? 0;

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
    public bool Equals(TensorShape other) => Dims.SequenceEqual(other.Dims);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (long d in Dims) hash.Add(d);
        return hash.ToHashCode();
    }

    public override string ToString() => $"[{string.Join(", ", _dims ?? [])}]";
}
