using System.Globalization;
using P2Gan.Datasets;
using P2Gan.Evaluation;

namespace P2Gan.Trainer.Commands;

/// <summary>'p2gan train-classifier': the Fashion-MNIST classifier behind FMNIST-FID, trained
/// once per data and recipe (cached by content hash), then its test accuracy.</summary>
internal sealed class TrainClassifierCommand : ICommand
{
    internal const string DefaultDataset = "fashion-mnist:/usr/share/datasets/fashion-mnist";

    public string Name => "train-classifier";
    public string Summary => "train (or reuse from the cache) the Fashion-MNIST classifier for FMNIST-FID; prints test accuracy";

    public void PrintHelp(TextWriter output)
    {
        var d = new ClassifierTrainingOptions();
        output.WriteLine("Usage: p2gan train-classifier [--dataset fashion-mnist:DIR] [--epochs N] [--seed S] [--out FILE]");
        output.WriteLine();
        output.WriteLine("Options (default):");
        output.WriteLine($"  --dataset SPEC      ({DefaultDataset}) Fashion-MNIST folder with the train/t10k images and labels");
        output.WriteLine($"  --epochs N          ({d.Epochs}) passes over the training split (batch {d.BatchSize}, Adam lr {d.LearningRate}, last epoch 0.3x)");
        output.WriteLine($"  --seed S            ({d.Seed}) initial weights and shuffles");
        output.WriteLine("  --train-limit N     (all) train on the first N training images only (quick checks)");
        output.WriteLine("  --test-limit N      (all) measure accuracy on the first N test images only");
        output.WriteLine("  --classifier-dir DIR ($P2GAN_CACHE_DIR/classifiers or ~/.cache/p2gan/classifiers) classifier cache");
        output.WriteLine("  --out FILE          (none) also copy the trained classifier here");
        output.WriteLine("  --device NAME       (cpu) cpu or cuda[:N]");
    }

    public Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var a = CommandArguments.Parse(Name, args,
            ["dataset", "epochs", "seed", "train-limit", "test-limit", "classifier-dir", "out", "device"], []);
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

        CachedClassifier cached = ClassifierTraining.GetOrTrain(directory, options, a.Optional("classifier-dir"), Console.WriteLine);
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
