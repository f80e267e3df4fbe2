namespace P2Gan.Tests.Support;

/// <summary>Small deterministic image sets drawn in code: filled squares and discs on a dark background.</summary>
internal static class SyntheticImages
{
    /// <summary>[count, 1, size, size] float32 in [-1, 1].</summary>
    public static float[] Shapes(int count, int size)
    {
        var images = new float[count * size * size];
        images.AsSpan().Fill(-1f);
        for (int n = 0; n < count; n++)
        {
            var plane = images.AsSpan(n * size * size, size * size);
            int radius = size / 6 + n % 4;
            int cx = size / 3 + n * 3 % (size / 3), cy = size / 3 + n * 5 % (size / 3);
            bool disc = n % 2 == 0;
            for (int y = 0; y < size; y++)
            for (int x = 0; x < size; x++)
            {
                int dx = x - cx, dy = y - cy;
                bool inside = disc ? dx * dx + dy * dy <= radius * radius : Math.Abs(dx) <= radius && Math.Abs(dy) <= radius;
                if (inside) plane[y * size + x] = 0.9f;
            }
        }
        return images;
    }

    /// <summary>[count, rows, cols] bytes: the same kind of shapes as 8-bit pixels.</summary>
    public static byte[] ShapeBytes(int count, int rows, int cols)
    {
        var pixels = new byte[count * rows * cols];
        for (int n = 0; n < count; n++)
        for (int y = 0; y < rows; y++)
        for (int x = 0; x < cols; x++)
        {
            bool inside = Math.Abs(x - cols / 2) <= 4 + n % 5 && Math.Abs(y - rows / 2) <= 3 + n % 7;
            pixels[(n * rows + y) * cols + x] = inside ? (byte)(200 + n) : (byte)0;
        }
        return pixels;
    }

    /// <summary>Deterministic N(0, 1) values (Box-Muller over a seeded generator).</summary>
    public static float[] Gaussian(int count, int seed)
    {
        var random = new Random(seed);
        var values = new float[count];
        for (int i = 0; i < count; i++)
        {
            double u1 = 1.0 - random.NextDouble(), u2 = random.NextDouble();
            values[i] = (float)(Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2));
        }
        return values;
    }
}
