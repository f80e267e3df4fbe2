using ScottPlot;

namespace P2Gan.Trainer.Reporting;

/// <summary>One line of a chart: finite points only.</summary>
internal sealed record ChartSeries(string Label, Color Color, double[] Xs, double[] Ys, bool Dashed = false);

/// <summary>
/// The charts of a run (losses.png, posterior.png, fid.png), drawn with ScottPlot 5: axes with tick
/// labels, a title, axis labels and a legend beside the data area. Rendered to PNG bytes so that
/// report.html embeds the very images written beside it.
/// </summary>
internal static class RunCharts
{
    public const int Width = 900, Height = 420;

    /// <summary>At most this many points per line; longer series are thinned to every k-th step (and the last).</summary>
    public const int MaxPointsPerSeries = 4000;

    // The tab10 palette (matplotlib's), so the colours match what researchers are used to.
    public static readonly Color Blue = Color.FromHex("#1f77b4"), Orange = Color.FromHex("#ff7f0e"),
        Green = Color.FromHex("#2ca02c"), Red = Color.FromHex("#d62728"), Purple = Color.FromHex("#9467bd");

    /// <summary>The evaluation scores fid.png shows, with their legend names.</summary>
    public static readonly IReadOnlyList<(string Key, string Label)> FidMetrics =
        [("fmnist_fid", "FMNIST-FID"), ("fid", "FID")];

    public static byte[] Losses(IReadOnlyList<HistoryStep> steps) => Render(
        "Losses", "loss",
        [
            Series("L_D", Blue, steps, s => s.Metrics.LossD),
            Series("L_adv", Orange, steps, s => s.Metrics.LossAdv),
            Series("L_z", Green, steps, s => s.Metrics.LossZ),
            Series("L_G", Red, steps, s => s.Metrics.LossG),
        ]);

    public static byte[] Posterior(IReadOnlyList<HistoryStep> steps) => Render(
        "Posterior statistics (batch means)", "value",
        [
            Series("real \u03bc", Blue, steps, s => s.Metrics.RealMuMean),
            Series("fake \u03bc", Orange, steps, s => s.Metrics.FakeMuMean),
            Series("real \u03c3", Blue, steps, s => s.Metrics.RealSigmaMean, dashed: true),
            Series("fake \u03c3", Orange, steps, s => s.Metrics.FakeSigmaMean, dashed: true),
        ]);

    /// <summary>Null when no evaluation has an FID score.</summary>
    public static byte[]? Fid(IReadOnlyList<HistoryEval> evals)
    {
        Color[] colors = [Purple, Green];
        var series = FidMetrics
            .Select((m, i) => Points(m.Label, colors[i], evals.Where(e => e.Scores.ContainsKey(m.Key))
                .Select(e => ((double)e.Step, e.Scores[m.Key])), dashed: false))
            .Where(s => s.Xs.Length > 0)
            .ToList();
        return series.Count == 0 ? null : Render("Evaluation", "FID (lower is better)", series);
    }

    public static ChartSeries Series(string label, Color color, IReadOnlyList<HistoryStep> steps, Func<HistoryStep, float> value,
        bool dashed = false) =>
        Points(label, color, Thin(steps).Select(s => ((double)s.Step, (double)value(s))), dashed);

    /// <summary>Every step when there are at most <see cref="MaxPointsPerSeries"/>, else every k-th and the last.</summary>
    public static IReadOnlyList<T> Thin<T>(IReadOnlyList<T> items, int max = MaxPointsPerSeries)
    {
        if (items.Count <= max) return items;
        int stride = (items.Count + max - 1) / max;
        var kept = new List<T>(max + 1);
        for (int i = 0; i < items.Count; i += stride) kept.Add(items[i]);
        if ((items.Count - 1) % stride != 0) kept.Add(items[^1]);
        return kept;
    }

    private static ChartSeries Points(string label, Color color, IEnumerable<(double X, double Y)> points, bool dashed)
    {
        var finite = points.Where(p => double.IsFinite(p.Y)).ToList();
        return new ChartSeries(label, color, finite.Select(p => p.X).ToArray(), finite.Select(p => p.Y).ToArray(), dashed);
    }

    public static byte[] Render(string title, string yLabel, IReadOnlyList<ChartSeries> series)
    {
        ChartFonts.EnsureRegistered();
        var plot = new Plot();
        plot.Title(title);
        plot.XLabel("step");
        plot.YLabel(yLabel);
        bool any = false;
        foreach (ChartSeries s in series)
        {
            // A line without points still gets its legend entry, so every chart shows the same keys.
            var scatter = plot.Add.ScatterLine(s.Xs.Length > 0 ? s.Xs : [double.NaN], s.Ys.Length > 0 ? s.Ys : [double.NaN], s.Color);
            scatter.LegendText = s.Xs.Length > 0 ? s.Label : s.Label + " (no finite values)";
            scatter.LineWidth = s.Xs.Length > 1000 ? 1 : 2; // long noisy series: thin lines
            if (s.Dashed) scatter.LinePattern = LinePattern.Dashed;
            // Few points (a short run): markers, so that a single step is still visible.
            if (s.Xs.Length <= 60)
            {
                scatter.MarkerShape = s.Dashed ? MarkerShape.FilledSquare : MarkerShape.FilledCircle; // tells dashed lines apart in the legend
                scatter.MarkerSize = s.Xs.Length == 1 ? 9 : 5;
                scatter.MarkerColor = s.Color;
            }
            any |= s.Xs.Length > 0;
        }
        if (!any)
        {
            plot.Add.Annotation("no steps yet", Alignment.MiddleCenter);
            plot.Axes.SetLimits(0, 1, 0, 1);
        }
        else
        {
            plot.Axes.AutoScale();
        }
        plot.ShowLegend(Edge.Right);
        return plot.GetImage(Width, Height).GetImageBytes(ImageFormat.Png);
    }
}

/// <summary>
/// The font of the charts. SkiaSharp.NativeAssets.Linux.NoDependencies is built without
/// fontconfig, so it cannot find system fonts by name: DejaVu Sans (Debian's fonts-dejavu-core)
/// is registered from its file and made ScottPlot's default. Without such a file the charts are
/// still drawn, with whatever typeface Skia falls back to (possibly none: no text).
/// </summary>
internal static class ChartFonts
{
    public const string Family = "DejaVu Sans";

    private static readonly string[] Directories =
    [
        "/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/dejavu", "/usr/share/fonts/TTF",
        "/usr/local/share/fonts", "/Library/Fonts", "C:\\Windows\\Fonts",
    ];

    private static readonly Lock Gate = new();
    private static bool _done;

    /// <summary>The regular DejaVu Sans file found, or null.</summary>
    public static string? RegularFile { get; private set; }

    public static void EnsureRegistered()
    {
        lock (Gate)
        {
            if (_done) return;
            _done = true;
            string? regular = Find("DejaVuSans.ttf");
            if (regular is null) return; // ScottPlot's own choice (Windows and macOS find system fonts by name)
            RegularFile = regular;
            Fonts.AddFontFile(Family, regular, bold: false, italic: false);
            if (Find("DejaVuSans-Bold.ttf") is { } bold) Fonts.AddFontFile(Family, bold, bold: true, italic: false);
            Fonts.Default = Family;
        }
    }

    private static string? Find(string name) =>
        Directories.Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists);
}
