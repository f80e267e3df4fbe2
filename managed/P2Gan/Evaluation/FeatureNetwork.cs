using P2Gan.Native;

namespace P2Gan.Evaluation;

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
        int kind, featureDim, logitDim;
        NativeStatus.ThrowIfFailed(NativeMethods.p2gan_feature_net_info(_handle, &kind, &featureDim, &logitDim));
        Kind = (FeatureNetworkKind)kind;
        FeatureDim = featureDim;
        LogitDim = logitDim;
        nuint length;
        NativeStatus.ThrowIfFailed(NativeMethods.p2gan_feature_net_source_sha256(_handle, null, 0, &length));
        var text = new byte[(int)length + 1];
        fixed (byte* p = text)
        {
            NativeStatus.ThrowIfFailed(NativeMethods.p2gan_feature_net_source_sha256(_handle, p, (nuint)text.Length, &length));
        }
        SourceSha256 = System.Text.Encoding.ASCII.GetString(text, 0, (int)length);
    }

    /// <summary>The SHA-256 (lowercase hex) of the file the network was loaded from, hashed once by
    /// the native loader: the identity of its weights. Empty for a network not loaded from a file.</summary>
    public string SourceSha256 { get; }

    /// <summary>Which network this is.</summary>
    public FeatureNetworkKind Kind { get; }

    /// <summary>Length of one image's feature vector (2048 for Inception, 128 for the classifier).</summary>
    public int FeatureDim { get; }

    /// <summary>Length of one image's logit vector (1008 for Inception, 10 for the classifier).</summary>
    public int LogitDim { get; }

    /// <summary>Loads a classifier file written by <see cref="FashionMnistClassifier.Save"/> as a feature network.</summary>
    /// <param name="path">The classifier file.</param>
    /// <param name="device">"cpu" (null) or "cuda[:N]".</param>
    public static FeatureNetwork LoadClassifier(string path, string? device = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        NativeStatus.ThrowIfFailed(NativeMethods.p2gan_feature_net_load_classifier(path, device, out SafeFeatureNetHandle handle));
        return new FeatureNetwork(handle);
    }

    /// <summary>Loads the FID Inception-v3 from pytorch-fid's .pth weights or an equivalent .safetensors file.</summary>
    public static FeatureNetwork LoadInception(string weightsPath, string? device = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(weightsPath);
        NativeStatus.ThrowIfFailed(NativeMethods.p2gan_inception_load(weightsPath, device, out SafeFeatureNetHandle handle));
        return new FeatureNetwork(handle);
    }

    /// <summary>Wraps a handle the native core returned (e.g. by <c>p2gan_classifier_feature_net</c>).</summary>
    internal static FeatureNetwork FromHandle(SafeFeatureNetHandle handle) => new(handle);

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

    /// <summary>Frees the native network.</summary>
    public void Dispose() => _handle.Dispose();

    internal static void RequireImages(ReadOnlySpan<float> images, TensorShape shape, string name)
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
