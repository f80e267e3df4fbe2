using System.Runtime.InteropServices;
using P2Gan.Native;

namespace P2Gan;

/// <summary>
/// A P2GAN model (discriminator, generator, optimizers, optional EMA) living in the native
/// core. Use one instance from one thread at a time. Buffers are float32, C-order; images
/// are NCHW in [-1, 1]. Managed code checks buffer lengths; the native core checks the rest
/// (shapes against the model, values, NaN policy) and its status becomes a P2GanException.
/// </summary>
public sealed unsafe partial class P2GanModel : IDisposable
{
    private readonly SafeModelHandle _handle;

    private P2GanModel(SafeModelHandle handle)
    {
        _handle = handle;
        NativeModelParams p = default;
        p.StructSize = (uint)sizeof(NativeModelParams);
        NativeStatus.ThrowIfFailed(NativeMethods.p2gan_model_get_params(_handle, &p));
        Options = ModelOptions.FromNative(p);
        NativeRuntimeParams r = default;
        r.StructSize = (uint)sizeof(NativeRuntimeParams);
        NativeStatus.ThrowIfFailed(NativeMethods.p2gan_model_get_runtime(_handle, &r));
        Runtime = RuntimeOptions.FromNative(r);
    }

    /// <summary>The model settings as the native core held them when the model was created or
    /// loaded (p2gan_model_get_params; a copy: changing it has no effect).</summary>
    /// <remarks><see cref="SetLearningRates"/> and <see cref="SetEmaDecay"/> do not update it.</remarks>
    public ModelOptions Options { get; }

    /// <summary>The runtime settings the model runs with (p2gan_model_get_runtime; a copy: changing it has no effect).</summary>
    public RuntimeOptions Runtime { get; }

    /// <summary>Training steps completed.</summary>
    public long Step
    {
        get
        {
            long step;
            NativeStatus.ThrowIfFailed(NativeMethods.p2gan_model_get_step(_handle, &step));
            return step;
        }
    }

    /// <summary>C * H * W of one image of this model.</summary>
    public long ImageElementCount => Options.ImageElementCount;

    /// <summary>Whether the native core can use a CUDA device.</summary>
    public static bool CudaIsAvailable
    {
        get
        {
            int available;
            NativeStatus.ThrowIfFailed(NativeMethods.p2gan_cuda_is_available(&available));
            return available != 0;
        }
    }

    /// <summary>The native library's version string.</summary>
    public static string NativeVersion =>
        Marshal.PtrToStringUTF8(NativeMethods.p2gan_version_string()) ?? string.Empty;

    /// <summary>The native library's ABI version, (major &lt;&lt; 16) | minor. Once the library
    /// has loaded, its major is the one these bindings were generated for and its minor at least
    /// theirs (the resolver refuses any other with <see cref="P2GanAbiMismatchException"/>).</summary>
    /// <exception cref="DllNotFoundException">The native library or one of its dependencies (LibTorch) is missing.</exception>
    public static uint NativeAbiVersion => NativeMethods.p2gan_abi_version();

    /// <summary>Creates a new model with <paramref name="options"/>, running with <paramref name="runtime"/>
    /// (null: the defaults, i.e. the CPU).</summary>
    /// <exception cref="ArgumentException">A setting is out of its range; the message names the .NET property.</exception>
    public static P2GanModel Create(ModelOptions options, RuntimeOptions? runtime = null) => CreateAlone(options, runtime);

    /// <summary>Creates a model that trains data-parallel in <paramref name="processGroup"/> (null: alone).
    /// Collective: every rank calls it with the same settings (a difference throws on every rank,
    /// naming the setting); every rank starts from rank 0's weights. Each <see cref="TrainStep(ReadOnlySpan{float}, TensorShape)"/>
    /// is then collective: N ranks with batch B/N compute what one process with batch B computes
    /// (docs/distributed.md).</summary>
    public static P2GanModel Create(ModelOptions options, RuntimeOptions? runtime, Distributed.ProcessGroup? processGroup)
    {
        var model = CreateAlone(options, runtime);
        return processGroup is null ? model : model.JoinGroup(processGroup);
    }

    /// <summary>Loads a checkpoint (<see cref="Load(string, RuntimeOptions?)"/>) into a model that trains
    /// data-parallel in <paramref name="processGroup"/>. Collective; every rank continues from rank 0's state.</summary>
    public static P2GanModel Load(string checkpointPath, RuntimeOptions? runtime, Distributed.ProcessGroup? processGroup)
    {
        var model = Load(checkpointPath, runtime);
        return processGroup is null ? model : model.JoinGroup(processGroup);
    }

    private P2GanModel JoinGroup(Distributed.ProcessGroup processGroup)
    {
        try
        {
            NativeStatus.ThrowIfFailed(NativeMethods.p2gan_model_set_process_group(_handle, processGroup.Handle));
            ProcessGroup = processGroup;
            return this;
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>The process group the model trains in, or null when it trains alone.</summary>
    public Distributed.ProcessGroup? ProcessGroup { get; private set; }

    private static P2GanModel CreateAlone(ModelOptions options, RuntimeOptions? runtime)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        runtime?.Validate();
        NativeModelParams p = options.ToNative();
        SafeModelHandle handle;
        if (runtime is null)
        {
            NativeStatus.ThrowIfFailed(NativeMethods.p2gan_model_create(&p, null, out handle));
        }
        else
        {
            NativeRuntimeParams r = runtime.ToNative();
            NativeStatus.ThrowIfFailed(NativeMethods.p2gan_model_create(&p, &r, out handle));
        }
        return new P2GanModel(handle);
    }

    /// <summary>Creates a model from a checkpoint's own settings, running with <paramref name="runtime"/>
    /// (null: the defaults, i.e. the CPU).</summary>
    public static P2GanModel Load(string checkpointPath, RuntimeOptions? runtime = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(checkpointPath);
        runtime?.Validate();
        SafeModelHandle handle;
        if (runtime is null)
        {
            NativeStatus.ThrowIfFailed(NativeMethods.p2gan_model_load(checkpointPath, null, out handle));
        }
        else
        {
            NativeRuntimeParams r = runtime.ToNative();
            NativeStatus.ThrowIfFailed(NativeMethods.p2gan_model_load(checkpointPath, &r, out handle));
        }
        return new P2GanModel(handle);
    }

    /// <summary>Creates a model from a checkpoint's own settings on <paramref name="device"/>
    /// ("cpu", "cuda", "cuda:N"; null: the default runtime settings), the other runtime settings at their defaults.</summary>
    public static P2GanModel Load(string checkpointPath, string? device) =>
        Load(checkpointPath, device is null ? null : new RuntimeOptions { Device = device });

    /// <summary>Reads only the model settings stored in a checkpoint.</summary>
    public static ModelOptions ReadCheckpointOptions(string checkpointPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(checkpointPath);
        NativeModelParams p = default;
        p.StructSize = (uint)sizeof(NativeModelParams);
        NativeStatus.ThrowIfFailed(NativeMethods.p2gan_checkpoint_read_params(checkpointPath, &p));
        return ModelOptions.FromNative(p);
    }

    /// <summary>Restores a checkpoint of the same architecture into this model.</summary>
    public void Restore(string checkpointPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(checkpointPath);
        NativeStatus.ThrowIfFailed(NativeMethods.p2gan_model_restore(_handle, checkpointPath));
    }

    /// <summary>Writes a checkpoint atomically. <paramref name="hostState"/> (e.g. JSON of the
    /// caller's data position and schedules) is stored with it; see <see cref="ReadCheckpointHostState"/>.</summary>
    public void Save(string checkpointPath, string? hostState = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(checkpointPath);
        NativeStatus.ThrowIfFailed(NativeMethods.p2gan_model_save(_handle, checkpointPath, hostState));
    }

    /// <summary>The host state stored by <see cref="Save"/> ("" when none).</summary>
    public static string ReadCheckpointHostState(string checkpointPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(checkpointPath);
        nuint length;
        NativeStatus.ThrowIfFailed(NativeMethods.p2gan_checkpoint_read_host_state(checkpointPath, null, 0, &length));
        var bytes = new byte[checked((int)length + 1)];
        fixed (byte* output = bytes)
        {
            NativeStatus.ThrowIfFailed(
                NativeMethods.p2gan_checkpoint_read_host_state(checkpointPath, output, (nuint)bytes.Length, &length));
        }
        return System.Text.Encoding.UTF8.GetString(bytes, 0, (int)length);
    }

    /// <summary>Writes every weight and buffer to a safetensors file with PyTorch-style names.</summary>
    public void ExportSafetensors(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        NativeStatus.ThrowIfFailed(NativeMethods.p2gan_model_export_safetensors(_handle, path));
    }

    /// <summary>Changes the Adam learning rates from the next step on.</summary>
    public void SetLearningRates(float learningRateD, float learningRateG)
    {
        NativeStatus.ThrowIfFailed(NativeMethods.p2gan_model_set_learning_rates(_handle, learningRateD, learningRateG));
    }

    /// <summary>Changes the EMA decay from the next G update on (EMA warm-up); needs a model with EMA.</summary>
    public void SetEmaDecay(float decay)
    {
        NativeStatus.ThrowIfFailed(NativeMethods.p2gan_model_set_ema_decay(_handle, decay));
    }

    /// <summary>One training iteration on a batch of real images [B, C, H, W].</summary>
    public StepMetrics TrainStep(ReadOnlySpan<float> batch, TensorShape shape)
    {
        RequireLength(batch, shape.ElementCount, nameof(batch), $"shape {shape}");
        long[] dims = shape.ToArray();
        NativeStepMetrics m = default;
        m.StructSize = (uint)sizeof(NativeStepMetrics);
        fixed (float* real = batch)
        fixed (long* dimsPtr = dims)
        {
            NativeStatus.ThrowIfFailed(NativeMethods.p2gan_model_train_step(
                _handle, real, (nuint)batch.Length, dimsPtr, (nuint)dims.Length, &m));
        }
        return new StepMetrics(m.Step, m.GUpdated != 0, m.LossD, m.LossAdv, m.LossZ, m.LossG,
            m.RealMuMean, m.RealSigmaMean, m.FakeMuMean, m.FakeSigmaMean);
    }

    /// <summary>Generates <paramref name="count"/> images from noise [count, n] and codes [count, d].</summary>
    /// <returns>The images [count, C, H, W] in [-1, 1].</returns>
    public float[] Generate(ReadOnlySpan<float> noise, ReadOnlySpan<float> codes, int count, bool useEma = false)
    {
        RequirePositive(count, nameof(count));
        var images = new float[checked(count * ImageElementCount)];
        GenerateInto(noise, codes, count, images, useEma);
        return images;
    }

    /// <summary>As <see cref="Generate"/>, into <paramref name="destination"/> (count * <see cref="ImageElementCount"/> values).</summary>
    public void GenerateInto(ReadOnlySpan<float> noise, ReadOnlySpan<float> codes, int count, Span<float> destination, bool useEma = false)
    {
        RequirePositive(count, nameof(count));
        RequireLength(noise, (long)count * Options.NoiseDim, nameof(noise), "count * NoiseDim");
        RequireLength(codes, (long)count * Options.PosteriorDim, nameof(codes), "count * PosteriorDim");
        RequireLength(destination, (long)count * ImageElementCount, nameof(destination), "count * ImageElementCount");
        fixed (float* n = noise)
        fixed (float* c = codes)
        fixed (float* o = destination)
        {
            NativeStatus.ThrowIfFailed(NativeMethods.p2gan_model_generate(
                _handle, count, n, (nuint)noise.Length, c, (nuint)codes.Length, useEma ? 1 : 0, o, (nuint)destination.Length));
        }
    }

    /// <summary>
    /// Samples <paramref name="count"/> images from <paramref name="seed"/>. Codes come from the
    /// posteriors of <paramref name="realImages"/> when given (batch size must equal count),
    /// otherwise from the prior P_c.
    /// </summary>
    /// <returns>The images [count, C, H, W] in [-1, 1].</returns>
    public float[] Sample(int count, ulong seed, ReadOnlySpan<float> realImages = default, TensorShape? shape = null, bool useEma = false)
    {
        RequirePositive(count, nameof(count));
        var images = new float[checked(count * ImageElementCount)];
        SampleInto(count, seed, images, realImages, shape, useEma);
        return images;
    }

    /// <summary>As <see cref="Sample"/>, into <paramref name="destination"/> (count * <see cref="ImageElementCount"/> values).</summary>
    public void SampleInto(int count, ulong seed, Span<float> destination, ReadOnlySpan<float> realImages = default,
        TensorShape? shape = null, bool useEma = false)
    {
        RequirePositive(count, nameof(count));
        RequireLength(destination, (long)count * ImageElementCount, nameof(destination), "count * ImageElementCount");
        long[]? dims = null;
        if (!realImages.IsEmpty)
        {
            if (shape is null)
            {
                throw new ArgumentException("A shape is required when real images are given.", nameof(shape));
            }
            RequireLength(realImages, shape.Value.ElementCount, nameof(realImages), $"shape {shape}");
            dims = shape.Value.ToArray();
        }
        fixed (float* real = realImages)
        fixed (long* dimsPtr = dims)
        fixed (float* o = destination)
        {
            NativeStatus.ThrowIfFailed(NativeMethods.p2gan_model_sample(
                _handle, count, seed, realImages.IsEmpty ? null : real, (nuint)realImages.Length,
                dimsPtr, (nuint)(dims?.Length ?? 0), useEma ? 1 : 0, o, (nuint)destination.Length));
        }
    }

    /// <summary>Posterior N(mu, sigma^2) of images [B, C, H, W]: two arrays [B, d].</summary>
    public (float[] Mu, float[] Sigma) Encode(ReadOnlySpan<float> images, TensorShape shape)
    {
        RequireImageBatch(images, shape, nameof(images));
        long outCount = checked(shape[0] * Options.PosteriorDim);
        var mu = new float[outCount];
        var sigma = new float[outCount];
        EncodeInto(images, shape, mu, sigma);
        return (mu, sigma);
    }

    /// <summary>As <see cref="Encode"/>, into <paramref name="mu"/> and <paramref name="sigma"/> (B * d values each).</summary>
    public void EncodeInto(ReadOnlySpan<float> images, TensorShape shape, Span<float> mu, Span<float> sigma)
    {
        RequireImageBatch(images, shape, nameof(images));
        long[] dims = shape.ToArray();
        long outCount = checked(dims[0] * Options.PosteriorDim);
        RequireLength(mu, outCount, nameof(mu), "B * PosteriorDim");
        RequireLength(sigma, outCount, nameof(sigma), "B * PosteriorDim");
        fixed (float* x = images)
        fixed (long* dimsPtr = dims)
        fixed (float* m = mu)
        fixed (float* s = sigma)
        {
            NativeStatus.ThrowIfFailed(NativeMethods.p2gan_model_encode(
                _handle, x, (nuint)images.Length, dimsPtr, (nuint)dims.Length, m, s, (nuint)outCount));
        }
    }

    /// <summary><paramref name="steps"/> images on the line from (noiseA, codeA) to (noiseB, codeB), ends included.</summary>
    /// <returns>The images [steps, C, H, W] in [-1, 1].</returns>
    public float[] Interpolate(ReadOnlySpan<float> noiseA, ReadOnlySpan<float> noiseB,
        ReadOnlySpan<float> codeA, ReadOnlySpan<float> codeB, int steps, bool useEma = false)
    {
        if (steps < 2) throw new ArgumentOutOfRangeException(nameof(steps), steps, "At least 2 steps (both ends) are needed.");
        var images = new float[checked(steps * ImageElementCount)];
        InterpolateInto(noiseA, noiseB, codeA, codeB, steps, images, useEma);
        return images;
    }

    /// <summary>As <see cref="Interpolate"/>, into <paramref name="destination"/> (steps * <see cref="ImageElementCount"/> values).</summary>
    public void InterpolateInto(ReadOnlySpan<float> noiseA, ReadOnlySpan<float> noiseB,
        ReadOnlySpan<float> codeA, ReadOnlySpan<float> codeB, int steps, Span<float> destination, bool useEma = false)
    {
        if (steps < 2) throw new ArgumentOutOfRangeException(nameof(steps), steps, "At least 2 steps (both ends) are needed.");
        RequireLength(noiseA, Options.NoiseDim, nameof(noiseA), "NoiseDim");
        RequireLength(noiseB, Options.NoiseDim, nameof(noiseB), "NoiseDim");
        RequireLength(codeA, Options.PosteriorDim, nameof(codeA), "PosteriorDim");
        RequireLength(codeB, Options.PosteriorDim, nameof(codeB), "PosteriorDim");
        RequireLength(destination, (long)steps * ImageElementCount, nameof(destination), "steps * ImageElementCount");
        fixed (float* na = noiseA)
        fixed (float* nb = noiseB)
        fixed (float* ca = codeA)
        fixed (float* cb = codeB)
        fixed (float* o = destination)
        {
            NativeStatus.ThrowIfFailed(NativeMethods.p2gan_model_interpolate(
                _handle, na, nb, (nuint)noiseA.Length, ca, cb, (nuint)codeA.Length, steps, useEma ? 1 : 0,
                o, (nuint)destination.Length));
        }
    }

    /// <summary>
    /// The full evaluation-mode pass (docs/architecture.md): real [B, C, H, W], noise [B, n],
    /// posterior noise e' [B, d] -> posteriors, codes, fakes and closed-form losses.
    /// </summary>
    public ForwardResult Forward(ReadOnlySpan<float> real, TensorShape shape, ReadOnlySpan<float> noise, ReadOnlySpan<float> posteriorNoise)
    {
        RequireImageBatch(real, shape, nameof(real));
        long batch = shape[0];
        RequireLength(noise, batch * Options.NoiseDim, nameof(noise), "B * NoiseDim");
        RequireLength(posteriorNoise, batch * Options.PosteriorDim, nameof(posteriorNoise), "B * PosteriorDim");
        long posteriorCount = checked(batch * Options.PosteriorDim);
        long fakeCount = checked(batch * ImageElementCount);
        var muReal = new float[posteriorCount];
        var sigmaReal = new float[posteriorCount];
        var codes = new float[posteriorCount];
        var fake = new float[fakeCount];
        var muFake = new float[posteriorCount];
        var sigmaFake = new float[posteriorCount];
        long[] dims = shape.ToArray();
        NativeLosses losses = default;
        losses.StructSize = (uint)sizeof(NativeLosses);
        fixed (float* r = real)
        fixed (long* dimsPtr = dims)
        fixed (float* n = noise)
        fixed (float* e = posteriorNoise)
        fixed (float* mr = muReal)
        fixed (float* sr = sigmaReal)
        fixed (float* c = codes)
        fixed (float* f = fake)
        fixed (float* mf = muFake)
        fixed (float* sf = sigmaFake)
        {
            NativeStatus.ThrowIfFailed(NativeMethods.p2gan_model_forward(
                _handle, r, (nuint)real.Length, dimsPtr, (nuint)dims.Length,
                n, (nuint)noise.Length, e, (nuint)posteriorNoise.Length,
                mr, sr, c, f, mf, sf, (nuint)posteriorCount, (nuint)fakeCount, &losses));
        }
        return new ForwardResult(muReal, sigmaReal, codes, fake, muFake, sigmaFake,
            new ForwardLosses(losses.LossD, losses.LossAdv, losses.LossZ, losses.LossG));
    }

    /// <summary>Frees the native model.</summary>
    public void Dispose() => _handle.Dispose();

    private static void RequirePositive(int value, string name)
    {
        if (value <= 0) throw new ArgumentOutOfRangeException(name, value, $"{name} must be positive.");
    }

    private static void RequireLength(ReadOnlySpan<float> buffer, long expected, string name, string what)
    {
        if (buffer.Length != expected)
        {
            throw new ArgumentException($"{name} has {buffer.Length} values; {what} requires {expected}.", name);
        }
    }

    private static void RequireImageBatch(ReadOnlySpan<float> images, TensorShape shape, string name)
    {
        if (shape.Rank != 4 || shape[0] <= 0)
        {
            throw new ArgumentException($"{name} needs a shape [B, C, H, W] with B > 0; got {shape}.", nameof(shape));
        }
        RequireLength(images, shape.ElementCount, name, $"shape {shape}");
    }
}
