using P2Gan.Datasets;
using P2Gan.Evaluation;
using P2Gan.Tests.Support;

namespace P2Gan.Tests.Evaluation;

/// <summary>A tiny labelled Fashion-MNIST folder (train and test IDX images + labels).</summary>
internal static class TinyFashionMnist
{
    public static string Write(string directory, int train = 64, int test = 32)
    {
        Directory.CreateDirectory(directory);
        WriteSplit(directory, FashionMnistDataset.TrainImagesFileName, ClassifierTraining.TrainLabelsFileName, train);
        WriteSplit(directory, FashionMnistDataset.TestImagesFileName, ClassifierTraining.TestLabelsFileName, test);
        return directory;
    }

    private static void WriteSplit(string directory, string images, string labels, int count)
    {
        IdxTestFiles.WriteImages(Path.Combine(directory, images + ".gz"), SyntheticImages.ShapeBytes(count, 28, 28), count, 28, 28, gzip: true);
        IdxTestFiles.WriteLabels(Path.Combine(directory, labels + ".gz"),
            Enumerable.Range(0, count).Select(i => (byte)(i % 10)).ToArray(), gzip: true);
    }
}
