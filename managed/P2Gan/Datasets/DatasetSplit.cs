namespace P2Gan.Datasets;

/// <summary>Which part of a dataset that ships one (MNIST, Fashion-MNIST, CIFAR-10) to read.</summary>
public enum DatasetSplit
{
    /// <summary>Training images: train-images-idx3-ubyte, data_batch_1..5.bin.</summary>
    Train,
    /// <summary>Test images: t10k-images-idx3-ubyte, test_batch.bin.</summary>
    Test,
}
