using System.Runtime.InteropServices;

namespace P2Gan.Native;

/// <summary>
/// One source-generated binding per function of native/include/p2gan/p2gan.h, named exactly
/// like the C function (HeaderBindingConsistencyTests relies on that). Mapping rules:
/// size_t -> nuint, int64_t -> long, int32_t flags -> int, opaque model -> SafeModelHandle,
/// returned <c>const char*</c> -> nint (library-owned: read it, never free it).
/// Statuses are returned as int; callers pass them to <see cref="NativeStatus.ThrowIfFailed"/>.
/// </summary>
internal static unsafe partial class NativeMethods
{
    // ---- library ----------------------------------------------------------------

    [LibraryImport(NativeAbi.LibraryName)]
    internal static partial uint p2gan_abi_version();

    [LibraryImport(NativeAbi.LibraryName)]
    internal static partial nint p2gan_version_string();

    [LibraryImport(NativeAbi.LibraryName)]
    internal static partial nint p2gan_last_error();

    [LibraryImport(NativeAbi.LibraryName)]
    internal static partial int p2gan_log_set(
        delegate* unmanaged[Cdecl]<int, byte*, void*, void> callback, void* userData);

    [LibraryImport(NativeAbi.LibraryName)]
    internal static partial int p2gan_cuda_is_available(out int available);

    // ---- model ------------------------------------------------------------------

    [LibraryImport(NativeAbi.LibraryName)]
    internal static partial NativeModelParams p2gan_model_default_params();

    [LibraryImport(NativeAbi.LibraryName)]
    internal static partial int p2gan_model_create(in NativeModelParams parameters, out SafeModelHandle model);

    /// <summary>Raw pointer on purpose: only <see cref="SafeModelHandle.ReleaseHandle"/> calls it.</summary>
    [LibraryImport(NativeAbi.LibraryName)]
    internal static partial void p2gan_model_destroy(nint model);

    [LibraryImport(NativeAbi.LibraryName)]
    internal static partial int p2gan_model_get_params(SafeModelHandle model, out NativeModelParams parameters);

    [LibraryImport(NativeAbi.LibraryName)]
    internal static partial int p2gan_model_get_step(SafeModelHandle model, out long step);

    [LibraryImport(NativeAbi.LibraryName)]
    internal static partial int p2gan_model_set_learning_rates(SafeModelHandle model, float lrD, float lrG);

    [LibraryImport(NativeAbi.LibraryName)]
    internal static partial int p2gan_model_set_ema_decay(SafeModelHandle model, float decay);

    [LibraryImport(NativeAbi.LibraryName)]
    internal static partial int p2gan_model_train_step(
        SafeModelHandle model, float* real, nuint realCount, long* shape, nuint rank,
        NativeStepMetrics* metrics);

    [LibraryImport(NativeAbi.LibraryName)]
    internal static partial int p2gan_model_generate(
        SafeModelHandle model, long count, float* noise, nuint noiseCount,
        float* codes, nuint codesCount, int useEma, float* images, nuint imagesCount);

    [LibraryImport(NativeAbi.LibraryName)]
    internal static partial int p2gan_model_sample(
        SafeModelHandle model, long count, ulong seed, float* real, nuint realCount,
        long* shape, nuint rank, int useEma, float* images, nuint imagesCount);

    [LibraryImport(NativeAbi.LibraryName)]
    internal static partial int p2gan_model_encode(
        SafeModelHandle model, float* images, nuint imagesCount, long* shape, nuint rank,
        float* mu, float* sigma, nuint outCount);

    [LibraryImport(NativeAbi.LibraryName)]
    internal static partial int p2gan_model_interpolate(
        SafeModelHandle model, float* noiseA, float* noiseB, nuint noiseCount,
        float* codeA, float* codeB, nuint codeCount, long steps, int useEma,
        float* images, nuint imagesCount);

    [LibraryImport(NativeAbi.LibraryName)]
    internal static partial int p2gan_model_forward(
        SafeModelHandle model, float* real, nuint realCount, long* shape, nuint rank,
        float* noise, nuint noiseCount, float* posteriorNoise, nuint posteriorNoiseCount,
        float* muReal, float* sigmaReal, float* codes, float* fake,
        float* muFake, float* sigmaFake, nuint posteriorCount, nuint fakeCount,
        NativeLosses* losses);

    // ---- persistence ------------------------------------------------------------

    [LibraryImport(NativeAbi.LibraryName, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int p2gan_model_save(SafeModelHandle model, string path, string? hostState);

    [LibraryImport(NativeAbi.LibraryName, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int p2gan_model_restore(SafeModelHandle model, string path);

    [LibraryImport(NativeAbi.LibraryName, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int p2gan_model_load(string path, string? device, out SafeModelHandle model);

    /// <summary>Size-query idiom: call with out = null for the length, then with a buffer.</summary>
    [LibraryImport(NativeAbi.LibraryName, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int p2gan_checkpoint_read_host_state(string path, byte* output, nuint capacity, out nuint length);

    [LibraryImport(NativeAbi.LibraryName, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int p2gan_checkpoint_read_params(string path, out NativeModelParams parameters);

    [LibraryImport(NativeAbi.LibraryName, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int p2gan_model_export_safetensors(SafeModelHandle model, string path);
}
