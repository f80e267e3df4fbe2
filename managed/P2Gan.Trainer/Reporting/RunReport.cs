using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;

namespace P2Gan.Trainer.Reporting;

/// <summary>
/// The charts (losses.png, posterior.png, fid.png) and report.html of a run folder
/// (docs/training.md, "The run folder"). report.html is self-contained: inline CSS, the charts
/// and sample grids as base64 data URIs, the plotted series as JSON; nothing refers outside the
/// file. Every file is written atomically (temp file + rename).
/// </summary>
internal static partial class RunReport
{
    public const string FileName = "report.html";
    public const string LossesFileName = "losses.png", PosteriorFileName = "posterior.png", FidFileName = "fid.png";

    /// <summary>At most this many sample grids are embedded: the newest, the first and evenly spaced ones between.</summary>
    public const int MaxGrids = 40;

    /// <summary>At most this many steps in the series JSON; longer runs are thinned to every k-th step (and the last).</summary>
    public const int MaxSeriesSteps = 20000;

    /// <summary>Writes the charts and report.html; logs a warning instead of failing the run when it cannot.</summary>
    public static bool TryWrite(string runDir, RunHistory history, ILogger logger)
    {
        try
        {
            Write(runDir, history);
            return true;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            logger.LogWarning(e, "Could not write the charts or {Report} of {RunDir}: {Message}", FileName, runDir, e.Message);
            return false;
        }
    }

    public static void Write(string runDir, RunHistory history)
    {
        byte[] losses = RunCharts.Losses(history.Steps);
        AtomicFile.WriteAllBytes(Path.Combine(runDir, LossesFileName), losses);
        byte[] posterior = RunCharts.Posterior(history.Steps);
        AtomicFile.WriteAllBytes(Path.Combine(runDir, PosteriorFileName), posterior);
        byte[]? fid = RunCharts.Fid(history.Evals);
        if (fid is not null) AtomicFile.WriteAllBytes(Path.Combine(runDir, FidFileName), fid);
        AtomicFile.WriteAllText(Path.Combine(runDir, FileName), Html(runDir, history, losses, posterior, fid));
    }

    /// <summary>The page, from the charts already rendered and what the run folder holds.</summary>
    public static string Html(string runDir, RunHistory history, byte[] losses, byte[] posterior, byte[]? fid)
    {
        string name = Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(runDir)));
        string configPath = Path.Combine(runDir, "config.json");
        string? configText = File.Exists(configPath) ? File.ReadAllText(configPath) : null;
        JsonElement? config = TryParse(configText);
        (string? lastStepLine, string? lastEvalLine) = LastLines(Path.Combine(runDir, "metrics.jsonl"));

        var h = new StringBuilder();
        h.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
         .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
         .Append("<title>").Append(Enc(name)).Append(" \u2014 P2GAN run</title>\n")
         .Append("<style>\n").Append(Css).Append("</style>\n</head>\n<body>\n");

        // Header: name and the few settings one looks for first.
        h.Append("<header>\n<h1 id=\"run-name\">").Append(Enc(name)).Append("</h1>\n<p class=\"summary\">");
        long? lastStep = history.Steps.Count > 0 ? history.Steps[^1].Step : null;
        var facts = new List<string>();
        if (Str(config, "Dataset") is { } dataset) facts.Add($"dataset <b>{Enc(dataset)}</b>");
        if (Str(config, "Preset") is { } preset) facts.Add($"preset <b>{Enc(preset)}</b>");
        string steps = Str(config, "Steps") is { } total ? $" of {Enc(total)}" : "";
        facts.Add($"step <b id=\"last-step\">{(lastStep is { } ls ? ls.ToString(CultureInfo.InvariantCulture) : "0")}</b>{steps}");
        if (Str(config, "BatchSize") is { } batch) facts.Add($"batch {Enc(batch)}");
        facts.Add($"updated {DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)} UTC");
        h.Append(string.Join(" \u00b7 ", facts)).Append("</p>\n</header>\n<main>\n");

        // Curves.
        h.Append("<section id=\"curves\">\n<h2>Curves</h2>\n<div class=\"charts\">\n");
        Image(h, "plot-losses", losses, "Losses L_D, L_adv, L_z, L_G against the step");
        Image(h, "plot-posterior", posterior, "Posterior means of mu and sigma, real and fake, against the step");
        if (fid is not null) Image(h, "plot-fid", fid, "FID against the step");
        h.Append("</div>\n");
        if (history.Steps.Count > MaxSeriesSteps)
        {
            h.Append("<p class=\"note\">The charts and the series below are thinned to every k-th step; metrics.jsonl has the logged lines.</p>\n");
        }
        h.Append("</section>\n");

        // Sample grids, newest first.
        IReadOnlyList<(long Step, string Path)> grids = SampleGrids(Path.Combine(runDir, "samples"));
        IReadOnlyList<(long Step, string Path)> shown = ChooseGrids(grids, MaxGrids);
        h.Append("<section id=\"samples\">\n<h2>Samples</h2>\n<p class=\"note\">Each grid: top four rows from prior codes, bottom four from the posteriors of 32 fixed real images; fixed noise, so only the model changes between grids.");
        if (shown.Count < grids.Count) h.Append($" {shown.Count} of {grids.Count} grids shown (samples/ has all).");
        h.Append("</p>\n<div class=\"grids\">\n");
        foreach ((long step, string path) in shown)
        {
            string stepText = step.ToString(CultureInfo.InvariantCulture);
            h.Append("<figure data-step=\"").Append(stepText).Append("\"><img class=\"grid\" alt=\"samples at step ")
             .Append(stepText).Append("\" src=\"data:image/png;base64,").Append(Convert.ToBase64String(File.ReadAllBytes(path)))
             .Append("\"><figcaption>step ").Append(stepText).Append("</figcaption></figure>\n");
        }
        if (shown.Count == 0) h.Append("<p>No sample grid yet.</p>\n");
        h.Append("</div>\n</section>\n");

        // Final metrics.
        h.Append("<section id=\"metrics\">\n<h2>Final metrics</h2>\n<table id=\"final-metrics\">\n");
        if (TryParse(lastEvalLine) is { } ev && ev.TryGetProperty("eval", out JsonElement scores))
        {
            h.Append("<tbody id=\"final-eval\">\n<tr><th colspan=\"2\">Last evaluation, step ")
             .Append(Enc(Str(ev, "step") ?? "?")).Append("</th></tr>\n");
            foreach (JsonProperty p in scores.EnumerateObject()) Row(h, p.Name, p.Value);
            if (ev.TryGetProperty("eval_seconds", out JsonElement secs)) Row(h, "eval_seconds", secs);
            h.Append("</tbody>\n");
        }
        if (TryParse(lastStepLine) is { } st)
        {
            h.Append("<tbody id=\"final-step\">\n<tr><th colspan=\"2\">Last logged step, step ")
             .Append(Enc(Str(st, "step") ?? "?")).Append("</th></tr>\n");
            foreach (JsonProperty p in st.EnumerateObject().Where(p => p.Name != "step")) Row(h, p.Name, p.Value);
            h.Append("</tbody>\n");
        }
        else
        {
            h.Append("<tbody><tr><td colspan=\"2\">metrics.jsonl has no step line yet.</td></tr></tbody>\n");
        }
        h.Append("</table>\n</section>\n");

        // Configuration.
        h.Append("<section id=\"config\">\n<h2>Configuration</h2>\n<details><summary>config.json</summary>\n<pre id=\"config-json\">")
         .Append(Enc(configText ?? "(config.json missing)")).Append("</pre>\n</details>\n</section>\n</main>\n");

        // The plotted values, for scripts and tests.
        h.Append("<script type=\"application/json\" id=\"series\">").Append(SeriesJson(history)).Append("</script>\n");
        h.Append("<script type=\"application/json\" id=\"eval-series\">").Append(EvalSeriesJson(history)).Append("</script>\n");
        h.Append("</body>\n</html>\n");
        return h.ToString();
    }

    /// <summary>{"step": [...], "loss_d": [...], ...}: one entry per step (thinned beyond <see cref="MaxSeriesSteps"/>); null for non-finite values.</summary>
    public static string SeriesJson(RunHistory history)
    {
        IReadOnlyList<HistoryStep> s = RunCharts.Thin(history.Steps, MaxSeriesSteps);
        var series = new Dictionary<string, object>
        {
            ["step"] = s.Select(x => x.Step).ToArray(),
            ["loss_d"] = Values(s, x => x.Metrics.LossD),
            ["loss_adv"] = Values(s, x => x.Metrics.LossAdv),
            ["loss_z"] = Values(s, x => x.Metrics.LossZ),
            ["loss_g"] = Values(s, x => x.Metrics.LossG),
            ["real_mu_mean"] = Values(s, x => x.Metrics.RealMuMean),
            ["real_sigma_mean"] = Values(s, x => x.Metrics.RealSigmaMean),
            ["fake_mu_mean"] = Values(s, x => x.Metrics.FakeMuMean),
            ["fake_sigma_mean"] = Values(s, x => x.Metrics.FakeSigmaMean),
            ["lr_d"] = Values(s, x => x.LearningRateD),
            ["lr_g"] = Values(s, x => x.LearningRateG),
        };
        return JsonSerializer.Serialize(series); // the default encoder escapes '<', so no "</script>" can occur
    }

    /// <summary>{"step": [...], "fmnist_fid": [...], ...}: one entry per evaluation, null where it lacks the score.</summary>
    public static string EvalSeriesJson(RunHistory history)
    {
        var series = new Dictionary<string, object> { ["step"] = history.Evals.Select(e => e.Step).ToArray() };
        foreach (string key in history.Evals.SelectMany(e => e.Scores.Keys).Distinct())
        {
            series[key] = history.Evals.Select(e => e.Scores.TryGetValue(key, out double v) && double.IsFinite(v) ? v : (double?)null).ToArray();
        }
        return JsonSerializer.Serialize(series);
    }

    /// <summary>samples/step_NNNNNN.png, newest first (not the temporaries of a grid being written).</summary>
    public static IReadOnlyList<(long Step, string Path)> SampleGrids(string samplesDir)
    {
        if (!Directory.Exists(samplesDir)) return [];
        return Directory.EnumerateFiles(samplesDir, "step_*.png")
            .Select(p => (Match: GridName().Match(Path.GetFileName(p)), Path: p))
            .Where(x => x.Match.Success)
            .Select(x => (long.Parse(x.Match.Groups[1].Value, CultureInfo.InvariantCulture), x.Path))
            .OrderByDescending(x => x.Item1)
            .ToList();
    }

    /// <summary>All grids when at most <paramref name="max"/>; else the newest, the oldest and evenly spaced ones between, newest first.</summary>
    public static IReadOnlyList<T> ChooseGrids<T>(IReadOnlyList<T> newestFirst, int max)
    {
        if (newestFirst.Count <= max) return newestFirst;
        return Enumerable.Range(0, max)
            .Select(i => (int)Math.Round(i * (newestFirst.Count - 1) / (double)(max - 1)))
            .Distinct()
            .Select(i => newestFirst[i])
            .ToList();
    }

    [GeneratedRegex(@"^step_(\d+)\.png$")]
    private static partial Regex GridName();

    private static double?[] Values(IReadOnlyList<HistoryStep> steps, Func<HistoryStep, float> value) =>
        steps.Select(x => float.IsFinite(value(x)) ? (double?)Math.Round(value(x), 7) : null).ToArray();

    /// <summary>The last step line and the last "eval" line of metrics.jsonl (open for appending by the run).</summary>
    private static (string? Step, string? Eval) LastLines(string path)
    {
        if (!File.Exists(path)) return (null, null);
        string? step = null, eval = null;
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        while (reader.ReadLine() is { } line)
        {
            switch (RunHistory.ParseLine(line))
            {
                case ({ }, _): step = line; break;
                case (_, { }): eval = line; break;
            }
        }
        return (step, eval);
    }

    private static void Image(StringBuilder h, string id, byte[] png, string alt) =>
        h.Append("<img id=\"").Append(id).Append("\" class=\"chart\" alt=\"").Append(Enc(alt))
         .Append("\" src=\"data:image/png;base64,").Append(Convert.ToBase64String(png)).Append("\">\n");

    private static void Row(StringBuilder h, string key, JsonElement value) =>
        h.Append("<tr><td>").Append(Enc(key)).Append("</td><td>").Append(Enc(Format(value))).Append("</td></tr>\n");

    private static string Format(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.Number => v.GetDouble().ToString("G6", CultureInfo.InvariantCulture),
        JsonValueKind.String => v.GetString() ?? "",
        JsonValueKind.Null => "\u2013",
        _ => v.GetRawText(),
    };

    private static string? Str(JsonElement? e, string name) =>
        e is { ValueKind: JsonValueKind.Object } o && o.TryGetProperty(name, out JsonElement v) && v.ValueKind != JsonValueKind.Null
            ? Format(v) : null;

    private static JsonElement? TryParse(string? json)
    {
        if (string.IsNullOrWhiteSpace(json)) return null;
        try
        {
            using var doc = JsonDocument.Parse(json);
            return doc.RootElement.Clone();
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string Enc(string s) => WebUtility.HtmlEncode(s);

    private const string Css = """
        :root { color-scheme: light; }
        body { margin: 0; font-family: "DejaVu Sans", system-ui, sans-serif; color: #222; background: #f4f5f7; }
        header { background: #20324a; color: #fff; padding: 14px 24px; }
        header h1 { margin: 0 0 4px; font-size: 22px; }
        header .summary { margin: 0; font-size: 14px; color: #d5dde8; }
        header .summary b { color: #fff; }
        main { padding: 8px 24px 24px; }
        section { background: #fff; border: 1px solid #dde1e6; border-radius: 6px; padding: 12px 16px; margin: 16px 0; }
        h2 { font-size: 17px; margin: 0 0 10px; }
        .charts { display: flex; flex-wrap: wrap; gap: 12px; }
        img.chart { width: 100%; max-width: 900px; height: auto; border: 1px solid #eee; }
        table { border-collapse: collapse; font-size: 14px; }
        th { text-align: left; background: #eef1f5; padding: 5px 10px; }
        td { padding: 3px 10px; border-bottom: 1px solid #eef0f2; font-variant-numeric: tabular-nums; }
        td:first-child { font-family: "DejaVu Sans Mono", monospace; color: #444; }
        .grids { display: flex; flex-wrap: wrap; gap: 12px; }
        figure { margin: 0; text-align: center; }
        img.grid { width: 256px; height: 256px; image-rendering: pixelated; border: 1px solid #ccc; background: #000; }
        figcaption { font-size: 13px; color: #555; margin-top: 2px; }
        .note { font-size: 13px; color: #666; margin: 4px 0 10px; }
        pre { font-size: 12px; background: #f7f7f9; padding: 8px; overflow: auto; max-height: 480px; }
        summary { cursor: pointer; }

        """;
}
