using System.Text.Json;

namespace P2Gan.Training;

/// <summary>One logged step: the native metrics plus what the host scheduled and measured.</summary>
internal sealed record LoggedStep(StepMetrics Metrics, float LearningRateD, float LearningRateG,
    float? EmaDecay, double ImagesPerSecond, double ElapsedSeconds);

/// <summary>
/// Appends one JSON object per logged step (and one "eval" line per evaluation) to metrics.jsonl, flushed at once so a run that
/// dies still leaves every line it logged. Keeps every step (<see cref="Record"/>), logged or not, and
/// every evaluation in <see cref="History"/> for the plots and report.html.
/// </summary>
internal sealed class MetricsWriter : IDisposable
{
    private readonly StreamWriter? _writer; // null: in memory only (ranks other than 0 of a data-parallel run)

    /// <param name="path">metrics.jsonl of the run folder.</param>
    /// <param name="resumeStep">When resuming: the checkpoint's step. Lines logged after it by the
    /// interrupted process are dropped, since the resumed run logs those steps again.</param>
    public MetricsWriter(string? path, long? resumeStep = null)
    {
        if (path is null) return;
        if (resumeStep is { } step && File.Exists(path))
        {
            var kept = new List<string>();
            foreach (string line in File.ReadLines(path))
            {
                if (TryParse(line) is not { } parsed) continue; // a line cut by a kill
                if (parsed.Step > step) continue;
                kept.Add(line);
                History.AddLine(line);
            }
            string tmp = path + ".tmp";
            File.WriteAllLines(tmp, kept);
            File.Move(tmp, path, overwrite: true);
        }
        _writer = new StreamWriter(path, append: resumeStep is not null) { AutoFlush = true };
    }

    /// <summary>Every step recorded or written in this process, after the logged steps of metrics.jsonl
    /// up to the resumed step; and every evaluation.</summary>
    public RunHistory History { get; } = new();

    /// <summary>Keeps a step for the plots without writing a line (metrics.jsonl has every LogEvery-th step only).</summary>
    public void Record(LoggedStep s) => History.Add(new HistoryStep(s.Metrics, s.LearningRateD, s.LearningRateG));

    public void Write(LoggedStep s)
    {
        StepMetrics m = s.Metrics;
        var line = new Dictionary<string, object?>
        {
            ["step"] = m.Step,
            ["loss_d"] = m.LossD,
            ["loss_adv"] = m.LossAdv,
            ["loss_z"] = m.LossZ,
            ["loss_g"] = m.LossG,
            ["g_updated"] = m.GUpdated,
            ["real_mu_mean"] = m.RealMuMean,
            ["real_sigma_mean"] = m.RealSigmaMean,
            ["fake_mu_mean"] = m.FakeMuMean,
            ["fake_sigma_mean"] = m.FakeSigmaMean,
            ["lr_d"] = s.LearningRateD,
            ["lr_g"] = s.LearningRateG,
            ["ema_decay"] = s.EmaDecay,
            ["images_per_second"] = Math.Round(s.ImagesPerSecond, 3),
            ["elapsed_seconds"] = Math.Round(s.ElapsedSeconds, 3),
        };
        _writer?.WriteLine(JsonSerializer.Serialize(line, TrainingJson.Options));
        Record(s);
    }

    /// <summary>{"step": S, "eval": {...}, "eval_seconds": T}: kept apart from the step lines, which
    /// have a fixed set of keys, so that tools reading losses need not skip half-empty lines.</summary>
    public void WriteEval(TrainingEvaluation e)
    {
        var line = new Dictionary<string, object?>
        {
            ["step"] = e.Step,
            ["eval"] = e.Scores,
            ["eval_seconds"] = Math.Round(e.Seconds, 3),
        };
        _writer?.WriteLine(JsonSerializer.Serialize(line, TrainingJson.Options));
        History.AddEval(new HistoryEval(e.Step, e.Scores));
    }

    public void Dispose() => _writer?.Dispose();

    /// <returns>The line's step; null for a line cut by a kill.</returns>
    private static (long Step, bool IsEval)? TryParse(string line) =>
        RunHistory.ParseLine(line) switch
        {
            ({ } s, _) => (s.Step, false),
            (_, { } e) => (e.Step, true),
            _ => null,
        };
}
