using System.Text;

namespace P2Gan.Native;

/// <summary>NUL-terminated UTF-8 text in the fixed <c>char[N]</c> fields of the ABI structs.</summary>
internal static unsafe class NativeText
{
    /// <summary>The UTF-8 text of <paramref name="text"/> up to its first NUL (or all
    /// <paramref name="capacity"/> bytes when there is none).</summary>
    public static string Read(byte* text, int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(capacity);
        if (text == null)
        {
            return string.Empty;
        }
        var span = new ReadOnlySpan<byte>(text, capacity);
        int end = span.IndexOf((byte)0);
        return Encoding.UTF8.GetString(end < 0 ? span : span[..end]);
    }

    /// <summary>Clears the <paramref name="capacity"/> bytes at <paramref name="text"/> and stores
    /// <paramref name="value"/> NUL-terminated.</summary>
    /// <exception cref="ArgumentException">The UTF-8 bytes of <paramref name="value"/> and a NUL do not fit.</exception>
    public static void Write(byte* text, int capacity, string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentOutOfRangeException.ThrowIfNegative(capacity);
        int byteCount = Encoding.UTF8.GetByteCount(value);
        if (byteCount >= capacity)
        {
            throw new ArgumentException(
                $"'{value}' is {byteCount} UTF-8 bytes; at most {capacity - 1} fit (plus the terminating NUL).",
                nameof(value));
        }
        var span = new Span<byte>(text, capacity);
        span.Clear();
        Encoding.UTF8.GetBytes(value, span);
    }
}
