using P2Gan.Native;

namespace P2Gan.Evaluation;

/// <summary>
/// The trainable Fashion-MNIST classifier (10 classes) behind
/// <see cref="FeatureNetworkKind.FashionMnistClassifier"/>: weights, Adam state and step in the
/// native core. Train it with <see cref="TrainStep"/> (or <see cref="ClassifierTraining"/>), save it
/// with <see cref="Save"/>, and evaluate with it through <see cref="ToFeatureNetwork"/> or
/// <see cref="FeatureNetwork.LoadClassifier"/>. Use one instance from one thread at a time.
/// </summary>
public sealed unsafe class FashionMnistClassifier : IDisposable
{
    private readonly SafeClassifierHandle _handle;

    private FashionMnistClassifier(SafeClassifierHandle handle) => _handle = handle;

    /// <summary>A new, untrained classifier initialised from <paramref name="seed"/>.</summary>
    /// <param name="seed">Initial weights.</param>
    /// <param name="device">"cpu" (null) or "cuda[:N]".</param>
    public static FashionMnistClassifier Create(ulong seed, string? device = null)
    {
        NativeStatus.ThrowIfFailed(NativeMethods.p2gan_classifier_create(device, seed, out SafeClassifierHandle handle));
        return new FashionMnistClassifier(handle);
    }

    /// <summary>Continues a classifier written by <see cref="Save"/> (weights, Adam state, step).</summary>
    /// <param name="path">The classifier file.</param>
    /// <param name="device">"cpu" (null) or "cuda[:N]".</param>
    public static FashionMnistClassifier Load(string path, string? device = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        NativeStatus.ThrowIfFailed(NativeMethods.p2gan_classifier_load(path, device, out SafeClassifierHandle handle));
        return new FashionMnistClassifier(handle);
    }

    /// <summary>One optimisation step on images [B, 1, H, W] in [-1, 1] with labels 0..9.</summary>
    /// <returns>The batch's cross-entropy before the step.</returns>
    public float TrainStep(ReadOnlySpan<float> images, TensorShape shape, ReadOnlySpan<int> labels, float learningRate)
    {
        FeatureNetwork.RequireImages(images, shape, nameof(images));
        if (labels.Length != shape[0])
        {
            throw new ArgumentException($"labels has {labels.Length} values; the batch has {shape[0]} images.", nameof(labels));
        }
        long[] dims = shape.ToArray();
        float loss = 0;
        fixed (float* x = images)
        fixed (int* y = labels)
        fixed (long* d = dims)
        {
            NativeStatus.ThrowIfFailed(NativeMethods.p2gan_classifier_train_step(
                _handle, x, (nuint)images.Length, d, (nuint)dims.Length, y, (nuint)labels.Length, learningRate, &loss));
        }
        return loss;
    }

    /// <summary>Writes the classifier (weights, optimizer state, step) atomically.</summary>
    public void Save(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        NativeStatus.ThrowIfFailed(NativeMethods.p2gan_classifier_save(_handle, path));
    }

    /// <summary>A feature network holding a copy of the classifier's current weights (later
    /// training steps do not change it); dispose it separately.</summary>
    public FeatureNetwork ToFeatureNetwork()
    {
        NativeStatus.ThrowIfFailed(NativeMethods.p2gan_classifier_feature_net(_handle, out SafeFeatureNetHandle handle));
        return FeatureNetwork.FromHandle(handle);
    }

    /// <summary>Frees the native classifier.</summary>
    public void Dispose() => _handle.Dispose();
}
