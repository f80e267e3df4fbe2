using P2Gan.Native;

namespace P2Gan.Evaluation;

/// <summary>Which network a <see cref="FeatureNetwork"/> is (values of P2GAN_FEATURE_NET_*).</summary>
public enum FeatureNetworkKind
{
    /// <summary>pytorch-fid's Inception-v3: 2048-d pool features, 1008 logits.</summary>
    InceptionFid = 0,

    /// <summary>The project's Fashion-MNIST CNN: 128-d penultimate features, 10 logits.</summary>
    FashionMnistClassifier = 1,
}

/// <summary>How the Inception network resizes its input (values of P2GAN_RESIZE_*).</summary>
public enum FeatureResizeMode
{
    /// <summary>Bilinear, align_corners = false, no antialiasing (pytorch-fid).</summary>
    PytorchFid = 0,

    /// <summary>clean-fid style antialiased resize.</summary>
    Antialiased = 1,
}

/// <summary>
/// A feature network in the native core: maps images [B, C, H, W] in [-1, 1] (C in {1, 3},
/// H == W >= 8) to features [B, FeatureDim] and logits [B, LogitDim]. One thread at a time.
/// </summary>
public sealed unsafe class FeatureNetwork : IDisposable
{
    private readonly SafeFeatureNetHandle _handle;

    private FeatureNetwork(SafeFeatureNetHandle handle)
    {
        _handle = handle;
        NativeStatus.ThrowIfFailed(NativeMethods.p2gan_feature_net_info(_handle, out int kind, out int featureDim, out int logitDim));
        Kind = (FeatureNetworkKind)kind;
        FeatureDim = featureDim;
        LogitDim = logitDim;
    }

    public FeatureNetworkKind Kind { get; }

    public int FeatureDim { get; }

    public int LogitDim { get; }

    /// <summary>A new, untrained Fashion-MNIST classifier initialised from <paramref name="seed"/>.</summary>
    public static FeatureNetwork CreateClassifier(ulong seed, string? device = null)
    {
        NativeStatus.ThrowIfFailed(NativeMethods.p2gan_classifier_create(device, seed, out SafeFeatureNetHandle handle));
        return new FeatureNetwork(handle);
    }

    /// <summary>Loads a classifier written by <see cref="Save"/>.</summary>
    public static FeatureNetwork LoadClassifier(string path, string? device = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        NativeStatus.ThrowIfFailed(NativeMethods.p2gan_classifier_load(path, device, out SafeFeatureNetHandle handle));
        return new FeatureNetwork(handle);
    }

    /// <summary>Loads the FID Inception-v3 from pytorch-fid's .pth weights or an equivalent .safetensors file.</summary>
    public static FeatureNetwork LoadInception(string weightsPath, string? device = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(weightsPath);
        NativeStatus.ThrowIfFailed(NativeMethods.p2gan_inception_load(weightsPath, device, out SafeFeatureNetHandle handle));
        return new FeatureNetwork(handle);
    }

    /// <summary>One optimisation step of a classifier on images [B, 1, H, W] with labels 0..9;
    /// returns the batch's cross-entropy before the step.</summary>
    public float TrainStep(ReadOnlySpan<float> images, TensorShape shape, ReadOnlySpan<int> labels, float learningRate)
    {
        RequireImages(images, shape, nameof(images));
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

    /// <summary>Writes a classifier (weights, optimizer state, step) atomically.</summary>
    public void Save(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        NativeStatus.ThrowIfFailed(NativeMethods.p2gan_classifier_save(_handle, path));
    }

    /// <summary>Features [B * FeatureDim] and logits [B * LogitDim], row-major.</summary>
    public (float[] Features, float[] Logits) Extract(
        ReadOnlySpan<float> images, TensorShape shape, FeatureResizeMode resizeMode = FeatureResizeMode.PytorchFid)
    {
        RequireImages(images, shape, nameof(images));
        var features = new float[checked(shape[0] * FeatureDim)];
        var logits = new float[checked(shape[0] * LogitDim)];
        Extract(images, shape, features, logits, resizeMode);
        return (features, logits);
    }

    /// <summary>Writes features and logits into caller buffers; pass an empty span to skip either.</summary>
    public void Extract(ReadOnlySpan<float> images, TensorShape shape, Span<float> features, Span<float> logits,
        FeatureResizeMode resizeMode = FeatureResizeMode.PytorchFid)
    {
        RequireImages(images, shape, nameof(images));
        long[] dims = shape.ToArray();
        fixed (float* x = images)
        fixed (float* f = features)
        fixed (float* l = logits)
        fixed (long* d = dims)
        {
            NativeStatus.ThrowIfFailed(NativeMethods.p2gan_feature_net_extract(
                _handle, x, (nuint)images.Length, d, (nuint)dims.Length, (int)resizeMode,
                features.IsEmpty ? null : f, (nuint)features.Length,
                logits.IsEmpty ? null : l, (nuint)logits.Length));
        }
    }

    public void Dispose() => _handle.Dispose();

    private static void RequireImages(ReadOnlySpan<float> images, TensorShape shape, string name)
    {
        if (shape.Rank != 4 || shape[0] <= 0)
        {
            throw new ArgumentException($"{name} needs a shape [B, C, H, W] with B > 0, got {shape}.", name);
        }
        if (images.Length != shape.ElementCount)
        {
            throw new ArgumentException($"{name} has {images.Length} values; shape {shape} requires {shape.ElementCount}.", name);
        }
    }
}
