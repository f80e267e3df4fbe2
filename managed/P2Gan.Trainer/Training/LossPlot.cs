using P2Gan.Trainer.Reporting;
using SixLabors.ImageSharp.PixelFormats;

namespace P2Gan.Trainer.Training;

/// <summary>The losses of one step, when only L_D and L_G are known.</summary>
internal readonly record struct LossPoint(long Step, float LossD, float LossG);

/// <summary>
/// losses.png: L_D, L_adv, L_z and L_G against the step, a ScottPlot chart with axes, tick labels,
/// a title and a legend (<see cref="RunCharts.Losses"/>). Written beside the target and renamed,
/// so a viewer never sees half a PNG. <see cref="RunReport"/> writes it with the other charts.
/// </summary>
internal static class LossPlot
{
    public const int Width = RunCharts.Width, Height = RunCharts.Height;
    public static readonly Rgb24 DColor = ToRgb(RunCharts.Blue), GColor = ToRgb(RunCharts.Red);

    public static void SaveSteps(string path, IReadOnlyList<HistoryStep> steps) => AtomicFile.WriteAllBytes(path, RunCharts.Losses(steps));

    /// <summary>L_D and L_G only (L_adv and L_z unknown).</summary>
    public static void Save(string path, IReadOnlyList<LossPoint> points) =>
        SaveSteps(path, points.Select(p => new HistoryStep(
            new StepMetrics(p.Step, true, p.LossD, float.NaN, float.NaN, p.LossG, float.NaN, float.NaN, float.NaN, float.NaN),
            float.NaN, float.NaN)).ToList());

    private static Rgb24 ToRgb(ScottPlot.Color c) => new(c.R, c.G, c.B);
}
