namespace P2Gan.Datasets;

/// <summary>
/// The order of a <see cref="DataLoader"/>: each epoch is a permutation of all indices drawn
/// from a generator seeded by (seed, epoch) alone, so any epoch can be recomputed without
/// replaying the earlier ones; flips are a pure function of (seed, epoch, offset).
/// </summary>
public static class EpochOrder
{
    private const ulong FlipSalt = 0x666C6970UL; // "flip": keeps flip bits independent of the shuffle stream

    /// <summary>Epoch <paramref name="epoch"/>'s permutation of 0..count-1 (Fisher-Yates).</summary>
    public static int[] Permutation(ulong seed, long epoch, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var order = new int[count];
        for (int i = 0; i < count; i++) order[i] = i;
        var random = new StableMix(StableMix.Combine(seed, (ulong)epoch));
        for (int i = count - 1; i > 0; i--)
        {
            int j = random.NextBelow(i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }
        return order;
    }

    /// <summary>Whether the image at <paramref name="offset"/> of epoch <paramref name="epoch"/> is mirrored (50 %).</summary>
    public static bool Flip(ulong seed, long epoch, int offset) =>
        (StableMix.Combine(StableMix.Combine(seed ^ FlipSalt, (ulong)epoch), (ulong)offset) & 1) == 1;

    /// <summary>Full batches per epoch; the incomplete tail is dropped.</summary>
    public static int BatchesPerEpoch(int count, int batchSize) => count / batchSize;

    /// <summary>
    /// The canonical form of <paramref name="position"/>: a position whose batch would run past the
    /// last full batch moves to the start of the next epoch.
    /// </summary>
    public static LoaderPosition Normalize(LoaderPosition position, int count, int batchSize)
    {
        if (position.Epoch < 0 || position.Offset < 0 || position.Offset > count)
        {
            throw new ArgumentOutOfRangeException(nameof(position), position,
                $"epoch must be >= 0 and offset within 0..{count} (the dataset's image count).");
        }
        return position.Offset + batchSize > count ? new LoaderPosition(position.Epoch + 1, 0) : position;
    }

    /// <summary>The position after the batch at <paramref name="position"/>.</summary>
    public static LoaderPosition Advance(LoaderPosition position, int count, int batchSize) =>
        Normalize(position with { Offset = position.Offset + batchSize }, count, batchSize);
}
