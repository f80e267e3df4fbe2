using System.Text.Json.Serialization;
using P2Gan.Datasets;
using P2Gan.Training;

namespace P2Gan.Sampling;

/// <summary>
/// The aggregate posterior of a model: one diagonal Gaussian moment-matched to D's posteriors
/// N(mu, sigma^2) of training images (mean E[mu], variance E[mu^2 + sigma^2] - E[mu]^2 per
/// dimension). Fitted once, it lets G be sampled close to what training fed it without keeping
/// images around. A run's evaluation stores the one it fitted in the checkpoints written at that
/// step (best.ckpt, final.ckpt), so <see cref="ReadFromCheckpoint"/> gives it back.
/// </summary>
public sealed class AggregateCodes
{
    /// <summary>Images encoded by default.</summary>
    public const int DefaultImages = 10000;

    private const int EncodeChunk = 500;

    private readonly float[] _mean;
    private readonly float[] _std;

    /// <summary>Statistics fitted elsewhere (e.g. read from a file of the caller's).</summary>
    /// <param name="mean">Mean per code dimension.</param>
    /// <param name="std">Standard deviation per code dimension, same length, each finite and at least 0.</param>
    /// <param name="step">The model step whose D encoded the images.</param>
    /// <param name="images">How many images were encoded.</param>
    /// <exception cref="ArgumentException">Lengths differ, are 0, or a value is not finite or a std is negative.</exception>
    [JsonConstructor]
    public AggregateCodes(IReadOnlyList<float> mean, IReadOnlyList<float> std, long step, int images)
    {
        ArgumentNullException.ThrowIfNull(mean);
        ArgumentNullException.ThrowIfNull(std);
        if (mean.Count == 0 || mean.Count != std.Count)
        {
            throw new ArgumentException($"aggregate codes need one mean and one std per dimension (got {mean.Count} and {std.Count}).", nameof(std));
        }
        for (int j = 0; j < mean.Count; j++)
        {
            if (!float.IsFinite(mean[j]) || !float.IsFinite(std[j]) || std[j] < 0)
            {
                throw new ArgumentException($"aggregate codes: dimension {j} has mean {mean[j]} and std {std[j]}; both must be finite and the std at least 0.", nameof(mean));
            }
        }
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(images);
        (_mean, _std, Step, Images) = (mean.ToArray(), std.ToArray(), step, images);
        (Mean, Std) = (Array.AsReadOnly(_mean), Array.AsReadOnly(_std));
    }

    /// <summary>Mean per code dimension: a read-only view of the object's own copy, so a sampler's codes cannot change under it.</summary>
    public IReadOnlyList<float> Mean { get; }

    /// <summary>Standard deviation per code dimension (read-only, like <see cref="Mean"/>).</summary>
    public IReadOnlyList<float> Std { get; }

    internal ReadOnlySpan<float> MeanSpan => _mean;

    internal ReadOnlySpan<float> StdSpan => _std;

    /// <summary>The model step whose D encoded the images.</summary>
    public long Step { get; }

    /// <summary>How many images were encoded.</summary>
    public int Images { get; }

    /// <summary>Code dimensions (the model's PosteriorDim).</summary>
    [JsonIgnore]
    public int Dimensions => _mean.Length;

    /// <summary>Encodes the first min(<paramref name="count"/>, N) images of <paramref name="trainingImages"/>
    /// with <paramref name="model"/>'s D and fits the Gaussian, accumulating in double.</summary>
    /// <param name="model">A P2GAN model (a baseline's D gives scores, not posteriors).</param>
    /// <param name="trainingImages">Images of the model's resolution and channels.</param>
    /// <param name="count">Images to encode, at least 2.</param>
    /// <exception cref="ArgumentException">A baseline model, or images of another shape.</exception>
    public static AggregateCodes Fit(P2GanModel model, IImageDataset trainingImages, int count = DefaultImages)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(trainingImages);
        CodeSampler.RequirePosterior(model, CodeSource.Aggregate);
        CodeSampler.RequireShape(model, trainingImages);
        if (count < 2) throw new ArgumentOutOfRangeException(nameof(count), count, "At least 2 images.");
        count = Math.Min(count, trainingImages.Count);
        if (count < 2) throw new ArgumentException($"the training images hold {trainingImages.Count} image(s); the aggregate needs at least 2.", nameof(trainingImages));
        ModelOptions o = model.Options;
        int d = o.PosteriorDim, size = o.Channels * o.Resolution * o.Resolution;
        var sum = new double[d];
        var sumSquares = new double[d];
        for (int start = 0; start < count; start += EncodeChunk)
        {
            int n = Math.Min(EncodeChunk, count - start);
            var images = new float[n * size];
            for (int i = 0; i < n; i++) trainingImages.CopyImage(start + i, images.AsSpan(i * size, size));
            (float[] mu, float[] sigma) = model.Encode(images, TensorShape.Nchw(n, o.Channels, o.Resolution, o.Resolution));
            for (int i = 0; i < mu.Length; i++)
            {
                sum[i % d] += mu[i];
                sumSquares[i % d] += (double)mu[i] * mu[i] + (double)sigma[i] * sigma[i];
            }
        }
        var mean = new float[d];
        var std = new float[d];
        for (int j = 0; j < d; j++)
        {
            double m = sum[j] / count;
            mean[j] = (float)m;
            std[j] = (float)Math.Sqrt(Math.Max(0, sumSquares[j] / count - m * m));
        }
        return new AggregateCodes(mean, std, model.Step, count);
    }

    /// <summary>The aggregate a run's evaluation stored in <paramref name="checkpointPath"/>; null when it
    /// holds none (no evaluation at its step, a baseline, EvalCodes other than Aggregate, or a checkpoint
    /// written by <see cref="P2GanModel.Save"/> without training state).</summary>
    /// <exception cref="InvalidDataException">The checkpoint's training state is unreadable.</exception>
    public static AggregateCodes? ReadFromCheckpoint(string checkpointPath) =>
        TrainingState.ReadIfPresent(checkpointPath)?.AggregateCodes;
}
