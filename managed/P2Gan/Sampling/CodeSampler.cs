using P2Gan.Datasets;

namespace P2Gan.Sampling;

/// <summary>Where the posterior codes that drive G come from when sampling (issue #13, docs/results.md).
/// Training feeds G the posterior codes of real images; sampling from the prior P_c feeds it codes
/// it may rarely have seen.</summary>
public enum CodeSource
{
    /// <summary>The prior P_c = N((mu_a + mu_b)/2, ((sigma_a + sigma_b)/2)^2 I): no data needed.</summary>
    Prior,
    /// <summary>D's posterior of random training images (a code drawn from each image's N(mu, sigma^2)).</summary>
    Posterior,
    /// <summary>A diagonal Gaussian fitted to the posteriors of the training images (their mixture's mean and
    /// variance per dimension): close to what training feeds G, without keeping images around.</summary>
    Aggregate,
}

/// <summary>
/// Samples a model's generator with codes from a <see cref="CodeSource"/>. The same seed gives the same
/// images. For <see cref="CodeSource.Posterior"/> and <see cref="CodeSource.Aggregate"/> the training
/// images must have the model's resolution and channels.
/// </summary>
public sealed class CodeSampler
{
    /// <summary>Images encoded to fit <see cref="CodeSource.Aggregate"/> by default.</summary>
    public const int DefaultAggregateImages = 10000;

    private const int EncodeChunk = 500;
    private const ulong CodeSalt = 0xC0DE5EEDUL; // codes and noise of one seed must differ
    private readonly P2GanModel _model;
    private readonly IImageDataset? _data;
    private readonly float[]? _mean, _std;

    private CodeSampler(P2GanModel model, CodeSource source, IImageDataset? data, float[]? mean, float[]? std) =>
        (_model, Source, _data, _mean, _std) = (model, source, data, mean, std);

    /// <summary>Where this sampler's codes come from.</summary>
    public CodeSource Source { get; }

    /// <summary>The fitted mean per code dimension (<see cref="CodeSource.Aggregate"/> only; else empty).</summary>
    public ReadOnlySpan<float> AggregateMean => _mean;

    /// <summary>The fitted standard deviation per code dimension (<see cref="CodeSource.Aggregate"/> only; else empty).</summary>
    public ReadOnlySpan<float> AggregateStd => _std;

    /// <summary>A sampler of <paramref name="model"/> (not owned: keep it alive while sampling).</summary>
    /// <param name="model">The model whose generator draws.</param>
    /// <param name="source">Where the codes come from.</param>
    /// <param name="trainingImages">Needed by Posterior and Aggregate: the images whose posteriors give the codes.</param>
    /// <param name="aggregateImages">Images encoded to fit the aggregate (the first min(N, count)).</param>
    /// <exception cref="ArgumentException">No or mismatched training images for a source that needs them.</exception>
    public static CodeSampler Create(P2GanModel model, CodeSource source, IImageDataset? trainingImages = null,
        int aggregateImages = DefaultAggregateImages)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (source == CodeSource.Prior) return new CodeSampler(model, source, null, null, null);
        if (!model.Options.HasPosterior)
        {
            throw new ArgumentException(
                $"code source {source} needs a P2GAN model; this one is the {model.Options.Method} baseline, whose discriminator " +
                "gives scores, not posteriors: use Prior.", nameof(source));
        }
        if (trainingImages is null) throw new ArgumentException($"code source {source} needs training images.", nameof(trainingImages));
        ModelOptions o = model.Options;
        if (trainingImages.Resolution != o.Resolution || trainingImages.Channels != o.Channels)
        {
            throw new ArgumentException(
                $"the training images are {trainingImages.Resolution}x{trainingImages.Resolution}x{trainingImages.Channels}; " +
                $"the model takes {o.Resolution}x{o.Resolution}x{o.Channels}.", nameof(trainingImages));
        }
        if (source == CodeSource.Posterior) return new CodeSampler(model, source, trainingImages, null, null);
        if (aggregateImages < 2) throw new ArgumentOutOfRangeException(nameof(aggregateImages), aggregateImages, "At least 2 images.");
        (float[] mean, float[] std) = FitAggregate(model, trainingImages, Math.Min(aggregateImages, trainingImages.Count));
        return new CodeSampler(model, source, trainingImages, mean, std);
    }

    /// <summary><paramref name="count"/> images [count, C, R, R] in [-1, 1].</summary>
    /// <param name="count">Images to draw.</param>
    /// <param name="seed">The same seed gives the same images.</param>
    /// <param name="useEma">Sample the EMA generator.</param>
    public float[] Sample(int count, ulong seed, bool useEma = false)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        ModelOptions o = _model.Options;
        switch (Source)
        {
            case CodeSource.Prior:
                return _model.Sample(count, seed, useEma: useEma);
            case CodeSource.Posterior:
            {
                // Random training images from the seed, through D's posterior (the model's own draw).
                var random = new Random(unchecked((int)seed ^ (int)(seed >> 32)));
                int size = o.Channels * o.Resolution * o.Resolution;
                var images = new float[count * size];
                for (int i = 0; i < count; i++) _data!.CopyImage(random.Next(_data.Count), images.AsSpan(i * size, size));
                return _model.Sample(count, seed, images, TensorShape.Nchw(count, o.Channels, o.Resolution, o.Resolution), useEma);
            }
            default:
            {
                float[] noise = GaussianNoise.Draw(count * o.NoiseDim, seed);
                float[] codes = GaussianNoise.Draw(count * o.PosteriorDim, seed ^ CodeSalt);
                for (int i = 0; i < codes.Length; i++)
                {
                    int j = i % o.PosteriorDim;
                    codes[i] = _mean![j] + _std![j] * codes[i];
                }
                return _model.Generate(noise, codes, count, useEma);
            }
        }
    }

    // The mixture of the images' N(mu, sigma^2) as one Gaussian per dimension: mean E[mu],
    // variance E[mu^2 + sigma^2] - E[mu]^2, accumulated in double.
    private static (float[] Mean, float[] Std) FitAggregate(P2GanModel model, IImageDataset data, int count)
    {
        ModelOptions o = model.Options;
        int d = o.PosteriorDim, size = o.Channels * o.Resolution * o.Resolution;
        var sum = new double[d];
        var sumSquares = new double[d];
        for (int start = 0; start < count; start += EncodeChunk)
        {
            int n = Math.Min(EncodeChunk, count - start);
            var images = new float[n * size];
            for (int i = 0; i < n; i++) data.CopyImage(start + i, images.AsSpan(i * size, size));
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
        return (mean, std);
    }
}
