using System.Text.Json;

namespace P2Gan.Trainer.Training;

/// <summary>One logged step: the native metrics plus what the host scheduled and measured.</summary>
internal sealed record LoggedStep(StepMetrics Metrics, float LearningRateD, float LearningRateG,
    float? EmaDecay, double ImagesPerSecond, double ElapsedSeconds);

/// <summary>
/// Appends one JSON object per logged step (and one "eval" line per evaluation) to metrics.jsonl, flushed at once so a run that
/// dies still leaves every line it logged. Keeps the losses for the loss plot.
/// </summary>
internal sealed class MetricsWriter : IDisposable
{
    private readonly StreamWriter _writer;
    private readonly List<LossPoint> _losses = [];

    /// <param name="resumeStep">When resuming: the checkpoint's step. Lines logged after it by the
    /// interrupted process are dropped, since the resumed run logs those steps again.</param>
    public MetricsWriter(string path, long? resumeStep = null)
    {
        if (resumeStep is { } step && File.Exists(path))
        {
            var kept = new List<string>();
            foreach (string line in File.ReadLines(path))
            {
                if (TryParse(line) is not { } parsed) continue; // a line cut by a kill
                if (parsed.Step > step) continue;
                kept.Add(line);
                if (parsed.Losses is { } point) _losses.Add(point);
            }
            string tmp = path + ".tmp";
            File.WriteAllLines(tmp, kept);
            File.Move(tmp, path, overwrite: true);
        }
        _writer = new StreamWriter(path, append: resumeStep is not null) { AutoFlush = true };
    }

    /// <summary>(step, L_D, L_G) of every logged step, for <see cref="LossPlot"/>.</summary>
    public IReadOnlyList<LossPoint> Losses => _losses;

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
        _writer.WriteLine(JsonSerializer.Serialize(line, JsonDefaults.Options));
        _losses.Add(new LossPoint(m.Step, m.LossD, m.LossG));
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
        _writer.WriteLine(JsonSerializer.Serialize(line, JsonDefaults.Options));
    }

    public void Dispose() => _writer.Dispose();

    /// <returns>The line's step and, for a step line, its losses (null for an "eval" line).</returns>
    private static (long Step, LossPoint? Losses)? TryParse(string line)
    {
        try
        {
            using var doc = JsonDocument.Parse(line);
            JsonElement r = doc.RootElement;
            long step = r.GetProperty("step").GetInt64();
            if (r.TryGetProperty("eval", out _)) return (step, null);
            return (step, new LossPoint(step, ReadFloat(r, "loss_d"), ReadFloat(r, "loss_g")));
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            return null;
        }
    }

    // NaN and infinity are written as strings (JsonDefaults).
    private static float ReadFloat(JsonElement r, string name)
    {
        JsonElement v = r.GetProperty(name);
        return v.ValueKind == JsonValueKind.String ? float.Parse(v.GetString()!, System.Globalization.CultureInfo.InvariantCulture) : v.GetSingle();
    }
}
