using System.Diagnostics;
using Microsoft.Extensions.Logging;
using P2Gan.Datasets;
using P2Gan.Evaluation;

namespace P2Gan.Training;

/// <summary>One evaluation during training: the "eval" object of metrics.jsonl and how long it took.</summary>
/// <param name="Step">The step evaluated.</param>
/// <param name="Scores">Metric name (<see cref="TrainEvaluation.Metrics"/> and the rest of the "eval" line) to value.</param>
/// <param name="Seconds">Wall time of the evaluation.</param>
public sealed record TrainingEvaluation(long Step, IReadOnlyDictionary<string, double> Scores, double Seconds);

/// <summary>
/// Evaluation during 'p2gan train' (docs/evaluation.md): EvalSamples generated images against the
/// run's test split, in the features of the cached Fashion-MNIST classifier for (Fashion-)MNIST
/// runs or of Inception-v3 when InceptionWeights is given, through the same code as 'p2gan eval'.
/// The feature network and the real statistics are prepared once, at the first evaluation.
/// </summary>
internal sealed class TrainingEvaluator(TrainingConfig config, IImageDataset trainingImages, ILogger logger) : IDisposable
{
    private FeatureNetwork? _net;
    private string _networkFile = "";
    private string _features = "";
    private RealStatistics? _real;
    private bool _unavailable; // warned once; no further attempts

    public bool IsDueAt(long step) => config.EvalEvery > 0 && step % config.EvalEvery == 0;

    public bool IsDueAtEnd => config.EvalEvery > 0 || config.EvalAtEnd;

    /// <summary>The aggregate posterior of the newest evaluation (EvalCodes Aggregate), kept in the checkpoints of its step.</summary>
    public Sampling.AggregateCodes? LastAggregate { get; private set; }

    /// <returns>Null when this run cannot be evaluated (warned once).</returns>
    public TrainingEvaluation? Evaluate(P2GanModel model, bool useEma)
    {
        if (_unavailable) return null;
        var clock = Stopwatch.StartNew();
        try
        {
            if (_net is null && !Prepare()) return null;
            // The same seed at every evaluation: the scores of a run differ by the model only.
            ulong seed = config.Model.Seed;
            // Fakes and reals at the model's resolution, both through the same network resize.
            FeatureResizeMode resize = FeatureEvaluation.ParseResize(config.EvalResize);
            // The codes of config.EvalCodes; the aggregate is fitted again at each evaluation (D changes).
            var codes = Sampling.CodeSampler.Create(model, config.EffectiveEvalCodes, trainingImages);
            LastAggregate = codes.Aggregate;
            (float[] features, float[] logits) = FeatureEvaluation.ExtractSamples(_net!, codes, model, config.EvalSamples, seed, useEma, resize);
            _real ??= FeatureEvaluation.RealStatistics(_net!, _networkFile, _features, config.Dataset, DatasetSplit.Test,
                model.Options.Resolution, config.EvalSamples, CacheSubdirectory("stats"), resize);
            EvaluationScores scores = EvaluationMetrics.Compute(_real, features, config.EvalSamples, logits, _net!, seed);
            return new TrainingEvaluation(model.Step, scores.ToDictionary(_features), clock.Elapsed.TotalSeconds);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or ArgumentException or P2GanException)
        {
            // A run of many hours must not die because its evaluation cannot run (e.g. no test split).
            _unavailable = true;
            logger.LogError("Evaluation disabled for this run: {Message}", e.Message.ReplaceLineEndings(" ").Trim());
            return null;
        }
    }

    private bool Prepare()
    {
        DatasetSpec spec = DatasetSpec.Parse(config.Dataset);
        if (spec.Kind is DatasetKind.FashionMnist or DatasetKind.Mnist)
        {
            logger.LogInformation("Evaluation: preparing the Fashion-MNIST classifier (trained once, then cached)");
            var options = new ClassifierTrainingOptions { Device = config.Runtime.Device };
            (_net, _networkFile) = FeatureEvaluation.OpenCachedClassifier(spec.Location, options, CacheSubdirectory("classifiers"),
                line => logger.LogInformation("{Line}", line));
            _features = FeatureEvaluation.Fmnist;
            return true;
        }
        if (config.InceptionWeights is { } weights)
        {
            _net = FeatureNetwork.LoadInception(weights, config.Runtime.Device);
            _networkFile = Path.GetFullPath(weights);
            _features = FeatureEvaluation.Inception;
            return true;
        }
        _unavailable = true;
        logger.LogWarning(
            "Evaluation skipped: dataset {Dataset} is not (fashion-)mnist and no InceptionWeights=FILE was given", config.Dataset);
        return false;
    }

    private string? CacheSubdirectory(string name) => config.EvalCacheDir is { } dir ? Path.Combine(dir, name) : null;

    public void Dispose() => _net?.Dispose();
}
