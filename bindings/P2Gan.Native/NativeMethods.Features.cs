using System.Runtime.InteropServices;

namespace P2Gan.Native;

/// <summary>
/// Bindings of the "evaluation: feature networks" section of p2gan.h (same rules as
/// <see cref="NativeMethods"/>): an opaque <c>p2gan_feature_net*</c> becomes a
/// <see cref="SafeFeatureNetHandle"/>, labels are int32, statuses are returned as int.
/// </summary>
internal static unsafe partial class NativeMethods
{
    [LibraryImport(NativeAbi.LibraryName, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int p2gan_inception_load(string weightsPath, string? device, out SafeFeatureNetHandle net);

    [LibraryImport(NativeAbi.LibraryName, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int p2gan_classifier_create(string? device, ulong seed, out SafeFeatureNetHandle net);

    [LibraryImport(NativeAbi.LibraryName)]
    internal static partial int p2gan_classifier_train_step(
        SafeFeatureNetHandle net, float* images, nuint imagesCount, long* shape, nuint rank,
        int* labels, nuint labelsCount, float learningRate, float* loss);

    [LibraryImport(NativeAbi.LibraryName, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int p2gan_classifier_save(SafeFeatureNetHandle net, string path);

    [LibraryImport(NativeAbi.LibraryName, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int p2gan_classifier_load(string path, string? device, out SafeFeatureNetHandle net);

    /// <summary>Raw pointer on purpose: only <see cref="SafeFeatureNetHandle.ReleaseHandle"/> calls it.</summary>
    [LibraryImport(NativeAbi.LibraryName)]
    internal static partial void p2gan_feature_net_destroy(nint net);

    [LibraryImport(NativeAbi.LibraryName)]
    internal static partial int p2gan_feature_net_info(
        SafeFeatureNetHandle net, out int kind, out int featureDim, out int logitDim);

    [LibraryImport(NativeAbi.LibraryName)]
    internal static partial int p2gan_feature_net_extract(
        SafeFeatureNetHandle net, float* images, nuint imagesCount, long* shape, nuint rank, int resizeMode,
        float* features, nuint featuresCount, float* logits, nuint logitsCount);
}
