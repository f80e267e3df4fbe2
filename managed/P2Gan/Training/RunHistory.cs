using System.Globalization;
using System.Text.Json;

namespace P2Gan.Training;

/// <summary>One training step as the plots and report.html show it: what the step did and the learning
/// rates it ran with.</summary>
/// <param name="Metrics">The step's metrics (a missing value of an older metrics.jsonl reads as NaN).</param>
/// <param name="LearningRateD">D's learning rate of the step.</param>
/// <param name="LearningRateG">G's learning rate of the step.</param>
public sealed record HistoryStep(StepMetrics Metrics, float LearningRateD, float LearningRateG)
{
    /// <summary>Steps completed after this one (<see cref="StepMetrics.Step"/>).</summary>
    public long Step => Metrics.Step;
}

/// <summary>One evaluation ("eval" line of metrics.jsonl).</summary>
/// <param name="Step">The step evaluated.</param>
/// <param name="Scores">Metric name to value.</param>
public sealed record HistoryEval(long Step, IReadOnlyDictionary<string, double> Scores);

/// <summary>
/// Every step of a run in memory, for the plots and report.html: metrics.jsonl holds only every
/// LogEvery-th step, so a short run would plot a single point. Seeded from metrics.jsonl on resume
/// (its logged steps, then every new step). Adding step s drops what was recorded at s or later
/// (a non-finite roll-back trains those steps again), so the steps stay strictly increasing.
/// </summary>
public sealed class RunHistory
{
    private readonly List<HistoryStep> _steps = [];
    private readonly List<HistoryEval> _evals = [];

    /// <summary>The steps, strictly increasing.</summary>
    public IReadOnlyList<HistoryStep> Steps => _steps;

    /// <summary>The evaluations, by increasing step.</summary>
    public IReadOnlyList<HistoryEval> Evals => _evals;

    /// <summary>Adds a step; drops what was recorded at its step or later (a roll-back trains those again).</summary>
    /// <param name="step">The step.</param>
    public void Add(HistoryStep step)
    {
        if (_steps.Count > 0 && _steps[^1] == step) return; // the same step again (recorded, then logged)
        while (_steps.Count > 0 && _steps[^1].Step >= step.Step) _steps.RemoveAt(_steps.Count - 1);
        _evals.RemoveAll(e => e.Step >= step.Step);
        _steps.Add(step);
    }

    /// <summary>Adds an evaluation; drops evaluations at its step or later.</summary>
    /// <param name="eval">The evaluation.</param>
    public void AddEval(HistoryEval eval)
    {
        _evals.RemoveAll(e => e.Step >= eval.Step);
        _evals.Add(eval);
    }

    /// <summary>Adds what one metrics.jsonl line holds; false for a line that is neither (e.g. cut by a kill).</summary>
    /// <param name="line">A line of metrics.jsonl.</param>
    public bool AddLine(string line)
    {
        if (ParseLine(line) is not { } parsed) return false;
        if (parsed.Eval is { } e) AddEval(e);
        if (parsed.Step is { } s) Add(s);
        return true;
    }

    /// <summary>The history of the lines of a metrics.jsonl file (e.g. <c>File.ReadLines(folder.MetricsPath)</c>).</summary>
    /// <param name="lines">Its lines; unreadable ones are skipped.</param>
    public static RunHistory FromLines(IEnumerable<string> lines)
    {
        var history = new RunHistory();
        foreach (string line in lines) history.AddLine(line);
        return history;
    }

    /// <summary>A step line as a <see cref="HistoryStep"/> or an "eval" line as a <see cref="HistoryEval"/>; null when unreadable.</summary>
    /// <param name="line">A line of metrics.jsonl.</param>
    public static (HistoryStep? Step, HistoryEval? Eval)? ParseLine(string line)
    {
        if (string.IsNullOrWhiteSpace(line)) return null;
        try
        {
            using var doc = JsonDocument.Parse(line);
            JsonElement r = doc.RootElement;
            long step = r.GetProperty("step").GetInt64();
            if (r.TryGetProperty("eval", out JsonElement scores))
            {
                var dict = new Dictionary<string, double>();
                foreach (JsonProperty p in scores.EnumerateObject())
                {
                    if (ReadNumber(p.Value) is { } v) dict[p.Name] = v;
                }
                return (null, new HistoryEval(step, dict));
            }
            bool gUpdated = r.TryGetProperty("g_updated", out JsonElement g) && g.ValueKind == JsonValueKind.True;
            var metrics = new StepMetrics(step, gUpdated,
                Read(r, "loss_d"), Read(r, "loss_adv"), Read(r, "loss_z"), Read(r, "loss_g"),
                Read(r, "real_mu_mean"), Read(r, "real_sigma_mean"), Read(r, "fake_mu_mean"), Read(r, "fake_sigma_mean"));
            return (new HistoryStep(metrics, Read(r, "lr_d"), Read(r, "lr_g")), null);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            return null;
        }
    }

    // A missing key reads as NaN (lines of older trainers); NaN and infinity are written as strings (JsonDefaults).
    private static float Read(JsonElement r, string name) =>
        r.TryGetProperty(name, out JsonElement v) && ReadNumber(v) is { } d ? (float)d : float.NaN;

    private static double? ReadNumber(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.Number => v.GetDouble(),
        JsonValueKind.String when double.TryParse(v.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out double d) => d,
        _ => null,
    };
}
