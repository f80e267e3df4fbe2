using P2Gan.Datasets;

namespace P2Gan.Tests.Datasets;

/// <summary>Image i is filled with a horizontal ramp starting at i, so both the index and a mirror
/// are visible in the values; counts CopyImage calls and can be slowed down or made to fail.</summary>
internal sealed class RampDataset(int count, int resolution = 4, int channels = 1) : IImageDataset
{
    private int _reads;

    public string Description => $"ramp ({count} images)";
    public int Count => count;
    public int Channels => channels;
    public int Resolution => resolution;
    public int Reads => Volatile.Read(ref _reads);
    public TimeSpan Delay { get; init; }
    public int FailAtIndex { get; init; } = -1;

    public void CopyImage(int index, Span<float> destination)
    {
        Interlocked.Increment(ref _reads);
        if (Delay > TimeSpan.Zero) Thread.Sleep(Delay);
        if (index == FailAtIndex) throw new InvalidDataException($"image {index} is broken");
        for (int i = 0; i < destination.Length; i++) destination[i] = index * 100 + i % resolution;
    }

    /// <summary>The index an image came from (first value / 100, whether mirrored or not).</summary>
    public static int IndexOf(ReadOnlySpan<float> image) => (int)(image[0] / 100);
}
