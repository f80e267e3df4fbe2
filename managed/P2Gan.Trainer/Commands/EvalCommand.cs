using P2Gan.Trainer.Cli;
using System.Globalization;
using System.Text.Json;
using P2Gan.Datasets;
using P2Gan.Evaluation;

namespace P2Gan.Trainer.Commands;

/// <summary>'p2gan eval': FID, KID, precision/recall (and IS) of a checkpoint's samples or a
/// folder of images against a dataset split, in the features of the Fashion-MNIST classifier
/// or of the FID Inception-v3.</summary>
internal sealed class EvalCommand : ICommand
{
    private const int DefaultCount = 10000;
    private const ulong DefaultSeed = 0;

    public string Name => "eval";
    public string Summary => "FID/KID/precision/recall of a checkpoint's samples or an image folder against a dataset split";

    public IReadOnlyList<CliOption> Options { get; } =
    [
        CliOption.Value("Checkpoint", "FILE", "Generate N samples from this model (one of --checkpoint, --images, --fake-dataset)."),
        CliOption.Value("Images", "DIR", "Every image file below DIR, as folder:DIR (one of the three)."),
        CliOption.Value("FakeDataset", "SPEC", $"Any dataset as the fake set, e.g. {TrainClassifierCommand.DefaultDataset} or noise:10000 (one of the three)."),
        CliOption.Value("FakeSplit", "train|test", "Which split of --fake-dataset is evaluated.", "train"),
        CliOption.Value("Dataset", "SPEC", "The real images; also whose train split gives --codes posterior, or an aggregate the checkpoint does not store (else the run's dataset).", TrainClassifierCommand.DefaultDataset),
        CliOption.Value("Split", "test|train", "Which split of the dataset is real.", "test"),
        CliOption.Value("Count", "N", "Generated images; real images: min(N, split size).", DefaultCount.ToString(CultureInfo.InvariantCulture)),
        CliOption.Flag("Ema", "Sample the EMA generator."),
        CliOption.Value("Seed", "S", $"Sampling seed (chunk k of {FeatureEvaluation.Chunk} uses S + k).", DefaultSeed.ToString(CultureInfo.InvariantCulture)),
        CliOption.Value("Features", "fmnist|inception", "fmnist: the project's Fashion-MNIST classifier (128-d); inception: FID Inception-v3 (2048-d).", "fmnist"),
        CheckpointCodes.Option,
        CliOption.Value("Resize", "pytorch-fid|clean", "How the Inception network resizes both sides to 299x299: pytorch-fid 0.3.0's bilinear or clean-fid 0.1.35's \"clean\" (docs/evaluation.md).", FeatureEvaluation.ResizePytorchFid),
        CliOption.Value("Inception", "FILE", "pt_inception-2015-12-05-6726825d.pth or .safetensors (required with --features inception)."),
        CliOption.Value("Classifier", "FILE", "A classifier file from 'p2gan train-classifier --out'.", "the cached one"),
        CliOption.Value("ClassifierEpochs", "N", "Epochs of the classifier trained/reused from the cache.", "the default recipe"),
        CliOption.Value("ClassifierTrainLimit", "N", "Training images of that classifier (quick checks).", "all"),
        CliOption.Value("ClassifierDir", "DIR", "Classifier cache.", "$P2GAN_CACHE_DIR/classifiers or ~/.cache/p2gan/classifiers"),
        CliOption.Value("StatsDir", "DIR", "Real-data statistics cache.", "$P2GAN_CACHE_DIR/stats or ~/.cache/p2gan/stats"),
        CliOption.Value("Out", "FILE.json", "Write the results as JSON.", "none"),
        CliOption.Value("FeaturesOut", "FILE.npy", "The generated images' features [N, D]; the real ones go to FILE.real.npy.", "none"),
        CliOption.Value("Device", "NAME", "Device of the model and the feature network.", "cpu"),
        .. LoggingOptions.Options,
    ];

    public Task<int> RunAsync(CommandArguments a, CancellationToken cancellationToken)
    {
        string? checkpoint = a.Optional("checkpoint"), imagesDir = a.Optional("images"), fakeDataset = a.Optional("fake-dataset");
        if (new[] { checkpoint, imagesDir, fakeDataset }.Count(v => v is not null) != 1)
        {
            throw new UsageException("'eval' needs exactly one of --checkpoint FILE, --images DIR and --fake-dataset SPEC.");
        }
        if (a.Optional("fake-split") is not null && fakeDataset is null) throw new UsageException("--fake-split needs --fake-dataset.");
        int count = a.Positive("count", DefaultCount);
        ulong seed = a.Parse("seed", DefaultSeed);
        bool ema = a.Flag("ema");
        string datasetSpec = a.Optional("dataset") ?? TrainClassifierCommand.DefaultDataset;
        DatasetSplit split = ParseSplit("split", a.Optional("split") ?? "test");
        DatasetSplit fakeSplit = ParseSplit("fake-split", a.Optional("fake-split") ?? "train");
        string featuresName = (a.Optional("features") ?? FeatureEvaluation.Fmnist).ToLowerInvariant();
        if (featuresName is not (FeatureEvaluation.Fmnist or FeatureEvaluation.Inception))
        {
            throw new UsageException($"invalid --features '{featuresName}': use fmnist or inception.");
        }
        string? device = a.Optional("device");
        if (ema && checkpoint is null) throw new UsageException("--ema needs --checkpoint.");
        Sampling.CodeSource? requestedCodes = CheckpointCodes.Parse(a);
        if (requestedCodes is not null && checkpoint is null) throw new UsageException("--codes needs --checkpoint.");
        FeatureResizeMode resize = Usage(() => FeatureEvaluation.ParseResize(a.Optional("resize") ?? FeatureEvaluation.ResizePytorchFid), "resize");
        DatasetSpec realSpec = Usage(() => DatasetSpec.Parse(datasetSpec), "dataset");

        var report = new EvalReport
        {
            Source = checkpoint is not null ? $"checkpoint:{Path.GetFullPath(checkpoint)}"
                : imagesDir is not null ? $"folder:{Path.GetFullPath(imagesDir)}"
                : $"{fakeDataset} ({FeatureEvaluation.SplitName(fakeSplit)})",
            Ema = ema,
            Seed = seed,
            Dataset = datasetSpec,
            Split = FeatureEvaluation.SplitName(split),
            Features = featuresName,
            Resize = FeatureEvaluation.ResizeName(resize),
        };

        using CommandLogging logging = CommandLogging.Start(a);

        // Every input is opened (and so checked) before the feature network, whose first use may
        // train the classifier for minutes: a bad checkpoint, folder or dataset fails at once.
        int? realSide = DatasetFactory.NaturalResolution(realSpec, split);
        using P2GanModel? model = checkpoint is null ? null : P2GanModel.Load(checkpoint, device);
        if (model is not null && ema && model.Options.EmaDecay <= 0)
        {
            throw new UsageException($"invalid --ema: {checkpoint} was trained without an EMA generator (EmaDecay 0).");
        }
        IImageDataset? fakes = null;
        if (model is null)
        {
            // Images at their own size (no resampling), so that both sides meet the network's resize alike;
            // generated kinds (noise:N) have none and take the real images' size.
            DatasetSpec fakeSpec = Usage(() => DatasetSpec.Parse(imagesDir is not null ? $"folder:{imagesDir}" : fakeDataset!), "fake-dataset");
            int side = DatasetFactory.NaturalResolution(fakeSpec, fakeSplit) ?? realSide ?? (featuresName == FeatureEvaluation.Fmnist ? 28 : 299);
            fakes = OpenDataset(fakeSpec.ToString(), side, FeatureEvaluation.RealChannels(featuresName), imagesDir is not null ? DatasetSplit.Train : fakeSplit);
        }
        int resolution = model?.Options.Resolution ?? fakes!.Resolution;
        // The codes, with the training images they may need (opened before the network too).
        using CheckpointCodes? codes = model is null ? null : CheckpointCodes.Open(model, checkpoint!, requestedCodes, a.Optional("dataset"), datasetSpec);
        if (codes is not null)
        {
            report.Codes = codes.Source.ToString().ToLowerInvariant();
            logging.Progress("P2Gan.Trainer.Eval")($"Codes: {codes.Origin}");
        }

        using FeatureNetwork net = OpenFeatureNetwork(a, featuresName, datasetSpec, device, report, logging.Progress("P2Gan.Trainer.Eval"));

        // The generated (or dataset) images, in chunks, straight into features.
        float[] fakeFeatures, fakeLogits;
        if (model is not null)
        {
            (fakeFeatures, fakeLogits) = FeatureEvaluation.ExtractSamples(net, codes!.Sampler, model, count, seed, ema, resize);
        }
        else
        {
            count = Math.Min(count, fakes!.Count);
            (fakeFeatures, fakeLogits) = FeatureEvaluation.ExtractDataset(net, fakes, count, resize);
        }
        report.CountFake = count;

        RealStatistics real;
        try
        {
            real = FeatureEvaluation.RealStatistics(net, report.FeatureNetwork, featuresName, datasetSpec, split, resolution, count,
                a.Optional("stats-dir"), resize);
        }
        catch (ArgumentException e)
        {
            throw new UsageException(e.Message);
        }
        report.CountReal = real.Count;
        report.RealStatisticsCached = real.FromCache;

        report.SetScores(EvaluationMetrics.Compute(real, fakeFeatures, count, fakeLogits, net, seed));

        PrintTable(Console.Out, report);
        string? outPath = a.Optional("out");
        if (outPath is not null)
        {
            File.WriteAllText(outPath, JsonSerializer.Serialize(report, new JsonSerializerOptions { WriteIndented = true }) + "\n");
            Console.WriteLine($"Wrote {Path.GetFullPath(outPath)}");
        }
        string? featuresOut = a.Optional("features-out");
        if (featuresOut is not null)
        {
            NpyFile.Write(featuresOut, fakeFeatures, new TensorShape(count, net.FeatureDim));
            string realOut = Path.ChangeExtension(featuresOut, null) + ".real.npy";
            NpyFile.Write(realOut, real.Features, new TensorShape(real.Count, net.FeatureDim));
            Console.WriteLine($"Wrote {Path.GetFullPath(featuresOut)} and {Path.GetFullPath(realOut)}");
        }
        return Task.FromResult(ExitCodes.Success);
    }

    private static T Usage<T>(Func<T> parse, string option)
    {
        try
        {
            return parse();
        }
        catch (ArgumentException e)
        {
            throw new UsageException($"--{option}: {e.Message}");
        }
    }

    private static DatasetSplit ParseSplit(string option, string value) => value.ToLowerInvariant() switch
    {
        "test" => DatasetSplit.Test,
        "train" => DatasetSplit.Train,
        string s => throw new UsageException($"invalid --{option} '{s}': use test or train."),
    };

    private static FeatureNetwork OpenFeatureNetwork(CommandArguments a, string featuresName, string datasetSpec, string? device, EvalReport report, Action<string> progress)
    {
        if (featuresName == FeatureEvaluation.Inception)
        {
            string weights = a.Optional("inception") ?? throw new UsageException("--features inception needs --inception FILE (pytorch-fid's weights).");
            report.FeatureNetwork = Path.GetFullPath(weights);
            return FeatureNetwork.LoadInception(weights, device);
        }
        string? file = a.Optional("classifier");
        if (file is not null)
        {
            report.FeatureNetwork = Path.GetFullPath(file);
            return FeatureNetwork.LoadClassifier(file, device);
        }
        var defaults = new ClassifierTrainingOptions();
        var options = defaults with
        {
            Epochs = a.Positive("classifier-epochs", defaults.Epochs),
            TrainLimit = a.Optional("classifier-train-limit") is null ? null : a.Positive("classifier-train-limit", 1),
            Device = device,
        };
        // The classifier always learns Fashion-MNIST's training split, whatever split is evaluated.
        string directory = TrainClassifierCommand.FashionMnistDirectory(datasetSpec);
        (FeatureNetwork net, report.FeatureNetwork) =
            FeatureEvaluation.OpenCachedClassifier(directory, options, a.Optional("classifier-dir"), progress);
        return net;
    }

    private static IImageDataset OpenDataset(string spec, int resolution, int channels, DatasetSplit split)
    {
        try
        {
            return DatasetFactory.Open(spec, new DatasetOptions { Resolution = resolution, Channels = channels, Split = split });
        }
        catch (ArgumentException e)
        {
            throw new UsageException(e.Message);
        }
    }

    private static void PrintTable(TextWriter output, EvalReport r)
    {
        string Row(string name, string value) => $"  {name,-22} {value}";
        var ic = CultureInfo.InvariantCulture;
        output.WriteLine($"eval: {r.Source} vs {r.Dataset} ({r.Split}), features {r.Features}, resize {r.Resize}");
        output.WriteLine(Row("images (fake / real)", $"{r.CountFake} / {r.CountReal}"));
        output.WriteLine(Row(r.Features == "fmnist" ? "FMNIST-FID" : "FID", r.Fid.ToString("F4", ic)));
        output.WriteLine(Row("KID (mean +- std)", $"{r.KidMean.ToString("F6", ic)} +- {r.KidStd.ToString("F6", ic)}"));
        output.WriteLine(Row("precision", r.Precision.ToString("F4", ic)));
        output.WriteLine(Row("recall", r.Recall.ToString("F4", ic)));
        output.WriteLine(Row(r.Features == "fmnist" ? "IS over 10 FMNIST classes" : "IS", $"{r.IsMean.ToString("F4", ic)} +- {r.IsStd.ToString("F4", ic)}"));
    }
}

/// <summary>What 'p2gan eval' prints and writes as JSON.</summary>
internal sealed class EvalReport
{
    public string Source { get; set; } = "";
    public bool Ema { get; set; }
    public ulong Seed { get; set; }
    public string Dataset { get; set; } = "";
    public string Split { get; set; } = "";
    public string Features { get; set; } = "";
    /// <summary>The network's resize of both sides: "pytorch-fid" or "clean".</summary>
    public string Resize { get; set; } = "";
    public string Codes { get; set; } = "prior";
    public string FeatureNetwork { get; set; } = "";
    public int CountFake { get; set; }
    public int CountReal { get; set; }
    public double Fid { get; set; }
    public double KidMean { get; set; }
    public double KidStd { get; set; }
    public double Precision { get; set; }
    public double Recall { get; set; }
    /// <summary>Inception score; with fmnist features, over the classifier's 10 classes.</summary>
    public double IsMean { get; set; }
    public double IsStd { get; set; }
    public bool RealStatisticsCached { get; set; }

    public void SetScores(EvaluationScores s) =>
        (Fid, KidMean, KidStd, Precision, Recall, IsMean, IsStd) = (s.Fid, s.KidMean, s.KidStd, s.Precision, s.Recall, s.IsMean, s.IsStd);
}

/// <summary>Disposes a dataset that holds files open (folder datasets) with the command.</summary>
internal sealed class DisposableDataset(IImageDataset dataset) : IDisposable
{
    public IImageDataset Dataset => dataset;

    public void Dispose() => (dataset as IDisposable)?.Dispose();
}
