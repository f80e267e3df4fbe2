using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using P2Gan.Tests.Support;
using P2Gan.Trainer.Reporting;
using P2Gan.Trainer.Training;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace P2Gan.Tests.Trainer;

/// <summary>The charts (losses.png, posterior.png, fid.png) and report.html of a run folder.</summary>
[TestFixture]
[NonParallelizable] // the end-to-end test swaps Console.Out/Error
public sealed class ReportTests
{
    private const int Steps = 37;

    /// <summary>A run folder as a run leaves it, without the native library: config.json,
    /// metrics.jsonl (every 10th step and two evaluations), two sample grids and a grid being written.</summary>
    private static RunHistory SyntheticRun(string runDir)
    {
        Directory.CreateDirectory(Path.Combine(runDir, "samples"));
        File.WriteAllText(Path.Combine(runDir, "config.json"),
            "{\n  \"Dataset\": \"synthetic:16\",\n  \"Preset\": \"cpu-small\",\n  \"Steps\": 40,\n  \"BatchSize\": 8,\n  \"Note\": \"<b>escaped</b>\"\n}");
        var history = new RunHistory();
        var lines = new List<string>();
        for (int s = 1; s <= Steps; s++)
        {
            float t = s / (float)Steps;
            var m = new StepMetrics(s, true, 1.4f - 0.5f * t + 0.05f * MathF.Sin(s), 0.7f + 0.3f * t, 0.2f + 0.1f * MathF.Cos(s),
                0.9f + 0.4f * t, 0.1f * t, 1f - 0.3f * t, -0.05f * t, 0.9f - 0.2f * t);
            if (s == 5) m = m with { LossZ = float.NaN }; // a non-finite value must not break the charts
            var step = new HistoryStep(m, 2e-4f, 2e-4f);
            history.Add(step);
            if (s % 10 == 0 || s == Steps)
            {
                lines.Add(JsonSerializer.Serialize(new
                {
                    step = s, loss_d = m.LossD, loss_adv = m.LossAdv, loss_z = m.LossZ, loss_g = m.LossG,
                    g_updated = true, real_mu_mean = m.RealMuMean, real_sigma_mean = m.RealSigmaMean,
                    fake_mu_mean = m.FakeMuMean, fake_sigma_mean = m.FakeSigmaMean, lr_d = 2e-4, lr_g = 2e-4,
                    ema_decay = (double?)null, images_per_second = 123.5, elapsed_seconds = s * 0.1,
                }));
            }
            if (s is 20 or 30)
            {
                var scores = new Dictionary<string, double> { ["fmnist_fid"] = s == 20 ? 180.5 : 121.25, ["kid_mean"] = 0.12 };
                history.AddEval(new HistoryEval(s, scores));
                lines.Add(JsonSerializer.Serialize(new { step = s, eval = scores, eval_seconds = 1.5 }));
            }
        }
        File.WriteAllLines(Path.Combine(runDir, "metrics.jsonl"), lines);
        foreach (int s in new[] { 10, 20 }) SaveNoise(Path.Combine(runDir, "samples", $"step_{s:D6}.png"), s);
        SaveNoise(Path.Combine(runDir, "samples", "step_000030.png.tmp.png"), 30); // a grid being written: not shown
        return history;
    }

    private static void SaveNoise(string path, int seed)
    {
        var random = new Random(seed);
        using var image = new Image<L8>(64, 64);
        for (int y = 0; y < 64; y++)
            for (int x = 0; x < 64; x++)
                image[x, y] = new L8((byte)random.Next(256));
        image.SaveAsPng(path);
    }

    [Test]
    public void ReportHasTheSectionsOneSeriesEntryPerStepAndNoExternalUrls()
    {
        using var temp = new TempDirectory();
        string run = temp.File("my-run");
        RunHistory history = SyntheticRun(run);
        RunReport.Write(run, history);

        string html = File.ReadAllText(Path.Combine(run, RunReport.FileName));
        foreach (string part in new[]
                 {
                     "<section id=\"curves\">", "<img id=\"plot-losses\"", "<img id=\"plot-posterior\"", "<img id=\"plot-fid\"",
                     "<section id=\"samples\">", "<table id=\"final-metrics\">", "<h1 id=\"run-name\">my-run</h1>",
                     "<pre id=\"config-json\">", "&lt;b&gt;escaped&lt;/b&gt;", "synthetic:16",
                 })
        {
            Assert.That(html, Does.Contain(part));
        }
        Assert.That(html, Does.Not.Contain("<b>escaped</b>"));

        // Newest grid first; the temporary of a grid being written is not shown.
        var steps = Regex.Matches(html, "<figure data-step=\"(\\d+)\">").Select(m => int.Parse(m.Groups[1].Value)).ToArray();
        Assert.That(steps, Is.EqualTo(new[] { 20, 10 }));

        // Final metrics: the last evaluation and the last step line of metrics.jsonl.
        string table = Regex.Match(html, "<table id=\"final-metrics\">.*?</table>", RegexOptions.Singleline).Value;
        Assert.That(table, Does.Contain("Last evaluation, step 30").And.Contain("121.25").And.Contain("fmnist_fid"));
        Assert.That(table, Does.Contain($"Last logged step, step {Steps}").And.Contain("images_per_second"));

        // Self-contained: nothing is loaded from elsewhere.
        Assert.That(Regex.IsMatch(html, "(src|href)\\s*=\\s*[\"']?\\s*(https?:)?//", RegexOptions.IgnoreCase), Is.False);
        Assert.That(html, Does.Not.Contain("http://").And.Not.Contain("https://"));
        foreach (Match src in Regex.Matches(html, "src=\"([^\"]{0,30})"))
        {
            Assert.That(src.Groups[1].Value, Does.StartWith("data:image/png;base64,"));
        }

        using JsonDocument series = JsonDocument.Parse(ScriptJson(html, "series"));
        long[] seriesSteps = series.RootElement.GetProperty("step").EnumerateArray().Select(e => e.GetInt64()).ToArray();
        Assert.That(seriesSteps, Is.EqualTo(Enumerable.Range(1, Steps).Select(i => (long)i)));
        foreach (string key in new[] { "loss_d", "loss_adv", "loss_z", "loss_g", "real_mu_mean", "real_sigma_mean",
                     "fake_mu_mean", "fake_sigma_mean", "lr_d", "lr_g" })
        {
            Assert.That(series.RootElement.GetProperty(key).GetArrayLength(), Is.EqualTo(Steps), key);
        }
        Assert.That(series.RootElement.GetProperty("loss_z")[4].ValueKind, Is.EqualTo(JsonValueKind.Null), "NaN as null");
        Assert.That(series.RootElement.GetProperty("loss_d")[0].GetDouble(), Is.EqualTo(history.Steps[0].Metrics.LossD).Within(1e-6));

        using JsonDocument evals = JsonDocument.Parse(ScriptJson(html, "eval-series"));
        Assert.That(evals.RootElement.GetProperty("step").EnumerateArray().Select(e => e.GetInt64()), Is.EqualTo(new long[] { 20, 30 }));
        Assert.That(evals.RootElement.GetProperty("fmnist_fid")[1].GetDouble(), Is.EqualTo(121.25));

        foreach (string name in new[] { "losses.png", "posterior.png", "fid.png" }) Assert.That(File.Exists(Path.Combine(run, name)), name);
        Assert.That(Directory.EnumerateFiles(run, "*.tmp"), Is.Empty, "written through temporaries that are renamed");
    }

    [Test]
    public void ReportWithoutStepsOrEvaluationsHasNoFidChart()
    {
        using var temp = new TempDirectory();
        string run = Directory.CreateDirectory(temp.File("empty")).FullName;
        RunReport.Write(run, new RunHistory());
        string html = File.ReadAllText(Path.Combine(run, RunReport.FileName));
        Assert.That(html, Does.Contain("<img id=\"plot-losses\"").And.Not.Contain("plot-fid"));
        Assert.That(File.Exists(Path.Combine(run, "fid.png")), Is.False);
        using JsonDocument series = JsonDocument.Parse(ScriptJson(html, "series"));
        Assert.That(series.RootElement.GetProperty("step").GetArrayLength(), Is.Zero);
    }

    [Test]
    public void ChartsDecodeWithAxesTextAndALegend()
    {
        using var temp = new TempDirectory();
        string run = temp.File("run");
        RunReport.Write(run, SyntheticRun(run));
        foreach (string name in new[] { "losses.png", "posterior.png", "fid.png" })
        {
            using var image = Image.Load<Rgb24>(Path.Combine(run, name));
            Assert.That((image.Width, image.Height), Is.EqualTo((RunCharts.Width, RunCharts.Height)), name);
            var colours = new HashSet<Rgb24>();
            int darkInTitle = 0;
            image.ProcessPixelRows(rows =>
            {
                for (int y = 0; y < rows.Height; y++)
                {
                    Span<Rgb24> row = rows.GetRowSpan(y);
                    foreach (Rgb24 p in row) colours.Add(p);
                    if (y < 40)
                        for (int x = rows.Width / 4; x < 3 * rows.Width / 4; x++)
                            if (row[x].R < 100 && row[x].G < 100 && row[x].B < 100) darkInTitle++;
                }
            });
            Assert.That(colours, Has.Count.GreaterThan(50), $"{name}: not a flat image (anti-aliased lines and text)");
            Assert.That(darkInTitle, Is.GreaterThan(30), $"{name}: the title is drawn (a font was found)");
        }

        // The legend sits right of the data area: the first series' colour appears there.
        using (var losses = Image.Load<Rgb24>(Path.Combine(run, "losses.png")))
        {
            Assert.That(CountColour(losses, LossPlot.DColor, losses.Width - 130, losses.Width), Is.GreaterThan(10), "L_D in the legend");
            Assert.That(CountColour(losses, LossPlot.GColor, losses.Width - 130, losses.Width), Is.GreaterThan(10), "L_G in the legend");
        }
    }

    [Test]
    public void HistoryDropsStepsTrainedAgainAndReadsMetricsLines()
    {
        var history = new RunHistory();
        HistoryStep At(long s) => new(new StepMetrics(s, true, 1, 2, 3, 4, 5, 6, 7, 8), 9, 10);
        for (int s = 1; s <= 5; s++) history.Add(At(s));
        history.AddEval(new HistoryEval(4, new Dictionary<string, double> { ["fid"] = 1 }));
        history.Add(At(5)); // recorded, then logged: kept once
        history.Add(At(3)); // a roll-back to step 2 trains step 3 again
        Assert.That(history.Steps.Select(s => s.Step), Is.EqualTo(new long[] { 1, 2, 3 }));
        Assert.That(history.Evals, Is.Empty);

        RunHistory read = RunHistory.FromLines(
        [
            "{\"step\":50,\"loss_d\":1.5,\"loss_adv\":0.5,\"loss_z\":\"NaN\",\"loss_g\":0.7,\"real_mu_mean\":0,\"real_sigma_mean\":1,\"fake_mu_mean\":0,\"fake_sigma_mean\":1,\"lr_d\":0.0002,\"lr_g\":0.0002}",
            "{\"step\":50,\"eval\":{\"fmnist_fid\":99.5},\"eval_seconds\":2}",
            "{\"step\":100,\"loss_d\":1.2",
        ]);
        Assert.That(read.Steps, Has.Count.EqualTo(1));
        Assert.That(read.Steps[0].Metrics.LossD, Is.EqualTo(1.5f));
        Assert.That(float.IsNaN(read.Steps[0].Metrics.LossZ));
        Assert.That(read.Evals.Single().Scores["fmnist_fid"], Is.EqualTo(99.5));
    }

    [Test]
    public void LongRunsAreThinnedKeepingTheEnds()
    {
        int[] steps = Enumerable.Range(1, 10_001).ToArray();
        IReadOnlyList<int> thin = RunCharts.Thin(steps, 1000);
        Assert.That(thin.Count, Is.InRange(500, 1001));
        Assert.That(thin, Is.Ordered.Ascending.And.Unique);
        Assert.That((thin[0], thin[^1]), Is.EqualTo((1, 10_001)));
        Assert.That(RunCharts.Thin(steps, 20_000), Is.SameAs(steps));

        int[] newestFirst = Enumerable.Range(0, 100).Reverse().ToArray();
        IReadOnlyList<int> grids = RunReport.ChooseGrids(newestFirst, 40);
        Assert.That(grids, Has.Count.EqualTo(40));
        Assert.That((grids[0], grids[^1]), Is.EqualTo((99, 0)), "the newest and the first grid");
        Assert.That(grids, Is.Ordered.Descending);
    }

    [Test]
    public async Task TrainWritesTheReportWithEveryStep_AndResumeAddsTheNewSteps()
    {
        NativeRequirement.Require();
        using var temp = new TempDirectory();
        string run = temp.File("run");
        (int code, string error, string output) = await TrainerCli.Run(
            "train", "--dataset", "synthetic:16", "--batch-size", "8", "--base-channels", "4", "--noise-dim", "8", "--posterior-dim", "8",
            "--steps", "20", "--sample-every", "10", "--eval-at-end", "false", "--threads", "1", "--seed", "3", "--run-dir", run);
        Assert.That(code, Is.EqualTo(0), error + output);

        Assert.That(File.ReadAllLines(Path.Combine(run, "metrics.jsonl")), Has.Length.EqualTo(1), "LogEvery 50: the last step only");
        string html = File.ReadAllText(Path.Combine(run, RunReport.FileName));
        Assert.That(SeriesSteps(html), Is.EqualTo(Enumerable.Range(1, 20).Select(i => (long)i)));
        Assert.That(Regex.Matches(html, "<figure data-step=\"(\\d+)\">").Select(m => m.Groups[1].Value), Is.EqualTo(new[] { "20", "10" }));
        Assert.That(html, Does.Contain("Last logged step, step 20"));
        foreach (string name in new[] { "losses.png", "posterior.png" })
        {
            using var image = Image.Load<Rgb24>(Path.Combine(run, name));
            Assert.That(image.Width, Is.EqualTo(RunCharts.Width), name);
        }
        Assert.That(File.Exists(Path.Combine(run, "fid.png")), Is.False, "no evaluation, no FID chart");

        // Resumed: what metrics.jsonl has (step 20) and every new step.
        (code, error, output) = await TrainerCli.Run("train", "--resume", run, "--steps", "25");
        Assert.That(code, Is.EqualTo(0), error + output);
        html = File.ReadAllText(Path.Combine(run, RunReport.FileName));
        Assert.That(SeriesSteps(html), Is.EqualTo(new long[] { 20, 21, 22, 23, 24, 25 }));
    }

    [Test]
    public void ReportRendersInHeadlessChromium()
    {
        string? chromium = new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser" }.FirstOrDefault(File.Exists);
        if (chromium is null)
        {
            const string message = "Chromium is missing (/usr/bin/chromium): install it (Debian: apt-get install chromium) to render report.html.";
            if (Environment.GetEnvironmentVariable(NativeRequirement.RequireVariable) == "1") Assert.Fail(message);
            Assert.Ignore(message);
        }
        using var temp = new TempDirectory();
        string run = temp.File("chromium-run");
        RunReport.Write(run, SyntheticRun(run));
        string shot = temp.File("shot.png");
        var info = new ProcessStartInfo(chromium)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string a in new[]
                 {
                     "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
                     $"--user-data-dir={temp.File("profile")}", $"--screenshot={shot}", "--window-size=1200,1600",
                     new Uri(Path.Combine(run, RunReport.FileName)).AbsoluteUri,
                 })
        {
            info.ArgumentList.Add(a);
        }
        using var process = Process.Start(info)!;
        Task<string> stderr = process.StandardError.ReadToEndAsync(), stdout = process.StandardOutput.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(120)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail("chromium did not exit within 120 s");
        }
        Assert.That(File.Exists(shot), Is.True, $"no screenshot; chromium exited {process.ExitCode}:\n{stdout.Result}\n{stderr.Result}");
        if (Environment.GetEnvironmentVariable("P2GAN_REPORT_SCREENSHOT") is { Length: > 0 } keep) File.Copy(shot, keep, overwrite: true);

        using var image = Image.Load<Rgb24>(shot);
        Assert.That((image.Width, image.Height), Is.EqualTo((1200, 1600)));
        var colours = new HashSet<Rgb24>();
        image.ProcessPixelRows(rows =>
        {
            for (int y = 0; y < rows.Height; y++)
                foreach (Rgb24 p in rows.GetRowSpan(y)) colours.Add(p);
        });
        Assert.That(colours, Has.Count.GreaterThan(200), "a rendered page, not a blank one");
        // The header band and the L_D line colour (charts shown as images).
        Assert.That(CountColour(image, new Rgb24(0x20, 0x32, 0x4a), 0, image.Width), Is.GreaterThan(1000), "the header");
        Assert.That(CountColour(image, LossPlot.DColor, 0, image.Width), Is.GreaterThan(20), "the loss chart");
    }

    private static long[] SeriesSteps(string html)
    {
        using JsonDocument series = JsonDocument.Parse(ScriptJson(html, "series"));
        return series.RootElement.GetProperty("step").EnumerateArray().Select(e => e.GetInt64()).ToArray();
    }

    private static string ScriptJson(string html, string id)
    {
        Match m = Regex.Match(html, $"<script type=\"application/json\" id=\"{id}\">(.*?)</script>", RegexOptions.Singleline);
        Assert.That(m.Success, $"script {id}");
        return m.Groups[1].Value;
    }

    private static int CountColour(Image<Rgb24> image, Rgb24 colour, int x0, int x1)
    {
        int n = 0;
        image.ProcessPixelRows(rows =>
        {
            for (int y = 0; y < rows.Height; y++)
            {
                Span<Rgb24> row = rows.GetRowSpan(y);
                for (int x = Math.Max(0, x0); x < Math.Min(x1, rows.Width); x++)
                    if (row[x] == colour) n++;
            }
        });
        return n;
    }
}
