using System.Text.Json;

namespace P2Gan.Trainer.Training;

/// <summary>Appends one JSON object per logged step to metrics.jsonl, flushed at once so a
/// run that dies still leaves every line it logged.</summary>
internal sealed class MetricsWriter : IDisposable
{
    private readonly StreamWriter _writer;

    public MetricsWriter(string path)
    {
        _writer = new StreamWriter(path, append: false) { AutoFlush = true };
    }

    public void Write(StepMetrics m, double imagesPerSecond, double elapsedSeconds)
    {
        var line = new Dictionary<string, object>
        {
            ["step"] = m.Step,
            ["loss_d"] = m.LossD,
            ["loss_adv"] = m.LossAdv,
            ["loss_z"] = m.LossZ,
            ["loss_g"] = m.LossG,
            ["real_mu_mean"] = m.RealMuMean,
            ["real_sigma_mean"] = m.RealSigmaMean,
            ["fake_mu_mean"] = m.FakeMuMean,
            ["fake_sigma_mean"] = m.FakeSigmaMean,
            ["images_per_second"] = Math.Round(imagesPerSecond, 3),
            ["elapsed_seconds"] = Math.Round(elapsedSeconds, 3),
        };
        _writer.WriteLine(JsonSerializer.Serialize(line, JsonDefaults.Options));
    }

    public void Dispose() => _writer.Dispose();
}
