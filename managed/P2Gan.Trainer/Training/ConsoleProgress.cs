using Microsoft.Extensions.Logging;

namespace P2Gan.Trainer.Training;

/// <summary>
/// Console progress: a live line rewritten with \r on a terminal, or plain log lines every
/// LogEvery steps when the output goes to a file or a CI log (where \r lines would pile up
/// into one unreadable line). Metrics go to metrics.jsonl either way.
/// </summary>
internal abstract class ConsoleProgress : IProgress<TrainingProgress>
{
    public static ConsoleProgress Create(ILogger logger, bool isTerminal) =>
        isTerminal ? new LiveLine(Console.Out) : new LogLines(logger);

    /// <summary>Called after every step.</summary>
    public abstract void Report(TrainingProgress s);

    /// <summary>Called before other messages are logged, and at the end, so they start on a fresh line.</summary>
    public virtual void Break() { }

    public static string FormatEta(TimeSpan? eta) => eta is { } t
        ? (t.TotalHours >= 1 ? $"{(int)t.TotalHours}h{t.Minutes:D2}m" : $"{t.Minutes}m{t.Seconds:D2}s")
        : "?";

    private sealed class LogLines(ILogger logger) : ConsoleProgress
    {
        public override void Report(TrainingProgress s)
        {
            if (!s.IsLogStep) return;
            StepMetrics m = s.Metrics;
            logger.LogInformation(
                "step {Step,6}/{Total}  L_D {LossD:F4}  L_adv {LossAdv:F4}  L_z {LossZ:F4}  L_G {LossG:F4}  mu(real) {RealMu:F3}  mu(fake) {FakeMu:F3}  {Ips:F1} img/s  ETA {Eta}",
                m.Step, s.TotalSteps, m.LossD, m.LossAdv, m.LossZ, m.LossG, m.RealMuMean, m.FakeMuMean, s.ImagesPerSecond, FormatEta(s.Eta));
        }
    }

    private sealed class LiveLine(TextWriter output) : ConsoleProgress
    {
        // Redrawing more often than this only costs time.
        private static readonly TimeSpan MinInterval = TimeSpan.FromMilliseconds(200);
        private DateTime _lastDraw = DateTime.MinValue;
        private int _lastLength;

        public override void Report(TrainingProgress s)
        {
            DateTime now = DateTime.UtcNow;
            bool last = s.Metrics.Step >= s.TotalSteps;
            if (!last && now - _lastDraw < MinInterval) return;
            _lastDraw = now;
            StepMetrics m = s.Metrics;
            string line = $"step {m.Step}/{s.TotalSteps} ({100.0 * m.Step / Math.Max(1, s.TotalSteps):F1}%)  {s.ImagesPerSecond:F1} img/s  " +
                $"ETA {FormatEta(s.Eta)}  L_D {m.LossD:F4}  L_G {m.LossG:F4}  L_z {m.LossZ:F4}";
            // Pad over the remains of a longer previous line.
            output.Write("\r" + line.PadRight(_lastLength));
            output.Flush();
            _lastLength = line.Length;
        }

        public override void Break()
        {
            if (_lastLength == 0) return;
            output.WriteLine();
            output.Flush();
            _lastLength = 0;
        }
    }
}
