namespace P2Gan.Datasets;

/// <summary>Turns 8-bit grey images into float32 NCHW in [-1, 1] at a target resolution.</summary>
public static class ImagePreprocessing
{
    /// <summary>Background value after scaling: byte 0 maps to -1.</summary>
    public const float Background = -1f;

    /// <summary>Maps a byte 0..255 to [-1, 1].</summary>
    public static float ToSigned(byte value) => value / 127.5f - 1f;

    /// <summary>
    /// Converts <paramref name="images"/> to [count, 1, resolution, resolution].
    /// When the target is at least as large in both directions and the size difference is even,
    /// the image is centred and zero-padded with <see cref="Background"/> (28 -> 32 adds 2 pixels
    /// on each side), which keeps every pixel as it is. Otherwise it is resized bilinearly
    /// (half-pixel centres, i.e. align_corners = false, edge pixels clamped).
    /// </summary>
    public static float[] ToNchw(IdxImages images, int resolution)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (resolution <= 0) throw new ArgumentOutOfRangeException(nameof(resolution), resolution, "Must be positive.");
        int plane = resolution * resolution;
        var result = new float[checked((long)images.Count * plane)];
        for (int i = 0; i < images.Count; i++)
        {
            ConvertOne(images.Pixels.AsSpan(i * images.PixelsPerImage, images.PixelsPerImage),
                images.Rows, images.Cols, result.AsSpan(i * plane, plane), resolution);
        }
        return result;
    }

    /// <summary>Whether <see cref="ToNchw"/> pads (true) or resizes (false) for these sizes.</summary>
    public static bool CanPad(int rows, int cols, int resolution) =>
        resolution >= rows && resolution >= cols && (resolution - rows) % 2 == 0 && (resolution - cols) % 2 == 0;

    private static void ConvertOne(ReadOnlySpan<byte> source, int rows, int cols, Span<float> target, int resolution)
    {
        if (CanPad(rows, cols, resolution))
        {
            target.Fill(Background);
            int top = (resolution - rows) / 2;
            int left = (resolution - cols) / 2;
            for (int y = 0; y < rows; y++)
            {
                for (int x = 0; x < cols; x++)
                {
                    target[(top + y) * resolution + left + x] = ToSigned(source[y * cols + x]);
                }
            }
            return;
        }
        ResizeBilinear(source, rows, cols, target, resolution);
    }

    private static void ResizeBilinear(ReadOnlySpan<byte> source, int rows, int cols, Span<float> target, int resolution)
    {
        float scaleY = (float)rows / resolution;
        float scaleX = (float)cols / resolution;
        for (int y = 0; y < resolution; y++)
        {
            float sy = Math.Clamp((y + 0.5f) * scaleY - 0.5f, 0, rows - 1);
            int y0 = (int)sy;
            int y1 = Math.Min(y0 + 1, rows - 1);
            float wy = sy - y0;
            for (int x = 0; x < resolution; x++)
            {
                float sx = Math.Clamp((x + 0.5f) * scaleX - 0.5f, 0, cols - 1);
                int x0 = (int)sx;
                int x1 = Math.Min(x0 + 1, cols - 1);
                float wx = sx - x0;
                float top = ToSigned(source[y0 * cols + x0]) * (1 - wx) + ToSigned(source[y0 * cols + x1]) * wx;
                float bottom = ToSigned(source[y1 * cols + x0]) * (1 - wx) + ToSigned(source[y1 * cols + x1]) * wx;
                target[y * resolution + x] = top * (1 - wy) + bottom * wy;
            }
        }
    }
}
