using P2Gan.Trainer.Cli;
using System.Globalization;
using P2Gan.Datasets;
using P2Gan.Evaluation;

namespace P2Gan.Trainer.Commands;

/// <summary>'p2gan train-classifier': the Fashion-MNIST classifier behind FMNIST-FID, trained
/// once per data and recipe (cached by content hash), then its test accuracy.</summary>
internal sealed class TrainClassifierCommand : ICommand
{
    internal const string DefaultDataset = P2Gan.Training.TrainingConfig.DefaultDataset;

    public string Name => "train-classifier";
    public string Summary => "train (or reuse from the cache) the Fashion-MNIST classifier for FMNIST-FID; prints test accuracy";

    private static readonly ClassifierTrainingOptions Recipe = new();

    public IReadOnlyList<CliOption> Options { get; } =
    [
        CliOption.Value("Dataset", "SPEC", "Fashion-MNIST folder with the train/t10k images and labels.", DefaultDataset),
        CliOption.Value("Epochs", "N", $"Passes over the training split (batch {Recipe.BatchSize}, Adam lr " +
            $"{Recipe.LearningRate.ToString(CultureInfo.InvariantCulture)}, last epoch 0.3x).", Recipe.Epochs.ToString(CultureInfo.InvariantCulture)),
        CliOption.Value("Seed", "S", "Initial weights and shuffles.", Recipe.Seed.ToString(CultureInfo.InvariantCulture)),
        CliOption.Value("TrainLimit", "N", "Train on the first N training images only (quick checks).", "all"),
        CliOption.Value("TestLimit", "N", "Measure accuracy on the first N test images only.", "all"),
        CliOption.Value("ClassifierDir", "DIR", "Classifier cache.", "$P2GAN_CACHE_DIR/classifiers or ~/.cache/p2gan/classifiers"),
        CliOption.Value("Out", "FILE", "Also copy the trained classifier here.", "none"),
        CliOption.Value("Device", "NAME", "cpu or cuda[:N].", "cpu"),
        .. LoggingOptions.Options,
    ];

    public Task<int> RunAsync(CommandArguments a, CancellationToken cancellationToken)
    {
        var defaults = new ClassifierTrainingOptions();
        string directory = FashionMnistDirectory(a.Optional("dataset") ?? DefaultDataset);
        var options = defaults with
        {
            Epochs = a.Positive("epochs", defaults.Epochs),
            Seed = a.Parse("seed", defaults.Seed),
            TrainLimit = a.Optional("train-limit") is null ? null : a.Positive("train-limit", 1),
            Device = a.Optional("device"),
        };
        int? testLimit = a.Optional("test-limit") is null ? null : a.Positive("test-limit", 1);

        using CommandLogging logging = CommandLogging.Start(a);
        CachedClassifier cached = ClassifierTraining.GetOrTrain(directory, options, a.Optional("classifier-dir"),
            logging.Progress("P2Gan.Trainer.TrainClassifier"));
        using FeatureNetwork net = FeatureNetwork.LoadClassifier(cached.Path, options.Device);
        double accuracy = ClassifierTraining.Accuracy(net, directory, DatasetSplit.Test, testLimit);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"test accuracy: {accuracy * 100:F2}% ({(cached.FromCache ? "cached" : $"trained in {cached.TrainingTime.TotalSeconds:F1} s")}, {cached.Path})"));
        string? outPath = a.Optional("out");
        if (outPath is not null)
        {
            File.Copy(cached.Path, outPath, overwrite: true);
            Console.WriteLine($"Wrote {Path.GetFullPath(outPath)}");
        }
        return Task.FromResult(ExitCodes.Success);
    }

    /// <summary>The folder of a "fashion-mnist:DIR" (or "mnist:DIR") spec.</summary>
    internal static string FashionMnistDirectory(string spec)
    {
        DatasetSpec parsed;
        try
        {
            parsed = DatasetSpec.Parse(spec);
        }
        catch (ArgumentException e)
        {
            throw new UsageException($"invalid --dataset '{spec}': {e.Message}");
        }
        if (parsed.Kind is not (DatasetKind.FashionMnist or DatasetKind.Mnist))
        {
            throw new UsageException($"invalid --dataset '{spec}': the classifier needs fashion-mnist:DIR (with labels).");
        }
        return parsed.Location;
    }
}
