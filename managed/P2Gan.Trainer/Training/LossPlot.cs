using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace P2Gan.Trainer.Training;

/// <summary>The losses of one logged step.</summary>
internal readonly record struct LossPoint(long Step, float LossD, float LossG);

/// <summary>
/// losses.png: L_D (blue) and L_G (red) against the step, drawn pixel by pixel with ImageSharp.
/// No text: ImageSharp 2.1 has no font rendering without extra packages, and the numbers are in
/// metrics.jsonl; the grey lines are the y levels 0, 1, 2, ... so magnitudes can be read off.
/// </summary>
internal static class LossPlot
{
    public const int Width = 640, Height = 320, Margin = 12;
    public static readonly Rgb24 DColor = new(31, 119, 180), GColor = new(214, 39, 40);
    private static readonly Rgb24 Background = new(255, 255, 255), Grid = new(225, 225, 225), Axis = new(0, 0, 0);

    public static void Save(string path, IReadOnlyList<LossPoint> points)
    {
        var finite = points.Where(p => float.IsFinite(p.LossD) && float.IsFinite(p.LossG)).ToList();
        using var image = new Image<Rgb24>(Width, Height, Background);
        if (finite.Count > 0)
        {
            long x0 = finite[0].Step, x1 = Math.Max(finite[^1].Step, x0 + 1);
            float low = Math.Min(0f, finite.Min(p => Math.Min(p.LossD, p.LossG)));
            float high = Math.Max(low + 1e-3f, finite.Max(p => Math.Max(p.LossD, p.LossG)));
            int X(long step) => Margin + (int)Math.Round((step - x0) / (double)(x1 - x0) * (Width - 2 * Margin - 1));
            int Y(float v) => Height - Margin - 1 - (int)Math.Round((v - low) / (high - low) * (Height - 2 * Margin - 1));

            // Integer levels as grid lines, unless there would be too many to help.
            if (high - low <= 40)
            {
                for (int level = (int)Math.Ceiling(low); level <= high; level++)
                    Line(image, Margin, Y(level), Width - Margin - 1, Y(level), Grid);
            }
            Line(image, Margin, Height - Margin - 1, Width - Margin - 1, Height - Margin - 1, Axis);
            Line(image, Margin, Margin, Margin, Height - Margin - 1, Axis);
            for (int i = 1; i < finite.Count; i++)
            {
                Line(image, X(finite[i - 1].Step), Y(finite[i - 1].LossD), X(finite[i].Step), Y(finite[i].LossD), DColor);
                Line(image, X(finite[i - 1].Step), Y(finite[i - 1].LossG), X(finite[i].Step), Y(finite[i].LossG), GColor);
            }
        }
        // Written beside the target and renamed, so a viewer never sees half a PNG.
        string tmp = path + ".tmp";
        image.SaveAsPng(tmp);
        File.Move(tmp, path, overwrite: true);
    }

    // Bresenham's line, clipped to the image.
    private static void Line(Image<Rgb24> image, int x0, int y0, int x1, int y1, Rgb24 color)
    {
        int dx = Math.Abs(x1 - x0), dy = -Math.Abs(y1 - y0);
        int sx = x0 < x1 ? 1 : -1, sy = y0 < y1 ? 1 : -1, err = dx + dy;
        while (true)
        {
            if ((uint)x0 < (uint)image.Width && (uint)y0 < (uint)image.Height) image[x0, y0] = color;
            if (x0 == x1 && y0 == y1) break;
            int e2 = 2 * err;
            if (e2 >= dy) { err += dy; x0 += sx; }
            if (e2 <= dx) { err += dx; y0 += sy; }
        }
    }
}
