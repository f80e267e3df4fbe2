namespace P2Gan.Datasets;

/// <summary>The dataset formats <see cref="DatasetFactory"/> opens; spelled in specs as in <see cref="DatasetSpec.KindNames"/>.</summary>
public enum DatasetKind
{
    /// <summary>"fashion-mnist:DIR": IDX files, grey 28x28.</summary>
    FashionMnist,
    /// <summary>"mnist:DIR": IDX files, grey 28x28 (same layout as Fashion-MNIST).</summary>
    Mnist,
    /// <summary>"cifar10:DIR": CIFAR-10 binary batches, RGB 32x32.</summary>
    Cifar10,
    /// <summary>"celeba:DIR": aligned CelebA JPEGs (DIR or DIR/img_align_celeba), centre-cropped 140x140.</summary>
    CelebA,
    /// <summary>"folder:DIR": every image file below DIR, centre-cropped to a square.</summary>
    Folder,
    /// <summary>"synthetic:N": N procedurally drawn images, for tests.</summary>
    Synthetic,
    /// <summary>"noise:N": N images of uniform noise in [-1, 1], a floor for evaluation sanity checks.</summary>
    Noise,
}
