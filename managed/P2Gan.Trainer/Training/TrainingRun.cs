using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using P2Gan.Datasets;
using P2Gan.Imaging;
using P2Gan.Native;

namespace P2Gan.Trainer.Training;

/// <summary>
/// The training loop of 'p2gan train': steps over shuffled batches, logs and records
/// metrics, writes sample grids, and always ends with a grid and checkpoints/final.ckpt,
/// also when cancelled (the current step completes first).
/// </summary>
internal sealed class TrainingRun(ResolvedTrainConfig config, FashionMnistDataset dataset, ILogger logger)
{
    /// <summary>Grid of 8 x 8 samples.</summary>
    public const int GridSide = 8;

    /// <summary>Consecutive non-finite losses after which the run gives up.</summary>
    public const int MaxConsecutiveNonFinite = 10;

    /// <summary>Fixed sampling seed, so grids of one run are comparable across steps.</summary>
    private ulong SampleSeed => unchecked(config.Seed + 0x5A3EUL);

    /// <returns>True when all steps ran, false when cancelled.</returns>
    public bool Run(CancellationToken cancellationToken)
    {
        var folder = new RunFolder(config.RunDir);
        File.WriteAllText(folder.ConfigPath, JsonSerializer.Serialize(config, JsonDefaults.Indented));

        using P2GanModel model = P2GanModel.Create(config.ToModelOptions());
        logger.LogInformation(
            "Training {Steps} steps, batch {Batch}, {Count} images {Res}x{Res}x{C} from {Source}, device {Device}, native {Version}; run folder {RunDir}",
            config.Steps, config.BatchSize, dataset.Count, config.Resolution, config.Resolution, config.Channels,
            dataset.SourcePath, model.Options.Device, P2GanModel.NativeVersion, folder.Root);

        using var metrics = new MetricsWriter(folder.MetricsPath);
        var shuffler = new EpochShuffler(dataset.Count, config.BatchSize, config.Seed);
        var batch = new float[config.BatchSize * dataset.ImageElementCount];
        var shape = TensorShape.Nchw(config.BatchSize, dataset.Channels, dataset.Resolution, dataset.Resolution);
        var total = Stopwatch.StartNew();
        var sinceLog = Stopwatch.StartNew();
        int imagesSinceLog = 0, nonFiniteInARow = 0;
        bool cancelled = false;
        StepMetrics? unlogged = null; // last step not yet in metrics.jsonl

        // Console line and metrics.jsonl line for one step; images/s since the previous log.
        void Log(StepMetrics m)
        {
            double seconds = sinceLog.Elapsed.TotalSeconds;
            double imagesPerSecond = seconds > 0 ? imagesSinceLog / seconds : 0;
            logger.LogInformation(
                "step {Step,6}  L_D {LossD:F4}  L_adv {LossAdv:F4}  L_z {LossZ:F4}  L_G {LossG:F4}  mu(real) {RealMu:F3}  mu(fake) {FakeMu:F3}  {Ips:F1} img/s",
                m.Step, m.LossD, m.LossAdv, m.LossZ, m.LossG, m.RealMuMean, m.FakeMuMean, imagesPerSecond);
            metrics.Write(m, imagesPerSecond, total.Elapsed.TotalSeconds);
            imagesSinceLog = 0;
            unlogged = null;
            sinceLog.Restart();
        }

        for (int i = 0; i < config.Steps; i++)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                cancelled = true;
                logger.LogWarning("Stop requested: finishing at step {Step}", model.Step);
                if (unlogged is not null) Log(unlogged);
                break;
            }
            dataset.CopyBatch(shuffler.Next(), batch);
            StepMetrics m;
            try
            {
                m = model.TrainStep(batch, shape);
                nonFiniteInARow = 0;
            }
            catch (P2GanNonFiniteException e) when (e.IsLoss && ++nonFiniteInARow < MaxConsecutiveNonFinite)
            {
                // The native core applied no update; skip this batch and go on.
                logger.LogWarning("Step {Step}: non-finite loss, batch skipped ({Message})", model.Step, e.Message);
                continue;
            }
            imagesSinceLog += config.BatchSize;

            bool last = i == config.Steps - 1;
            unlogged = m;
            if (m.Step % config.LogEvery == 0 || last)
            {
                Log(m);
            }
            if (m.Step % config.SampleEvery == 0 && !last)
            {
                WriteGrid(model, folder.SamplePath(m.Step));
            }
        }

        WriteGrid(model, folder.SamplePath(model.Step));
        model.Save(folder.FinalCheckpointPath);
        logger.LogInformation("Wrote {Checkpoint} after {Step} steps in {Seconds:F1} s",
            folder.FinalCheckpointPath, model.Step, total.Elapsed.TotalSeconds);
        return !cancelled;
    }

    private void WriteGrid(P2GanModel model, string path)
    {
        int count = GridSide * GridSide;
        bool useEma = model.Options.EmaDecay > 0;
        float[] images = model.Sample(count, SampleSeed, useEma: useEma);
        ImageGrid.SavePng(path, images,
            TensorShape.Nchw(count, model.Options.Channels, model.Options.Resolution, model.Options.Resolution), GridSide);
        logger.LogInformation("Wrote samples {Path}{Ema}", path, useEma ? " (EMA generator)" : "");
    }
}
