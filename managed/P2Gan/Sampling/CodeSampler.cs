using P2Gan.Datasets;
using P2Gan.Training;

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
    public const int DefaultAggregateImages = AggregateCodes.DefaultImages;

    private const ulong CodeSalt = 0xC0DE5EEDUL; // codes and noise of one seed must differ
    private readonly P2GanModel _model;
    private readonly IImageDataset? _data;

    private CodeSampler(P2GanModel model, CodeSource source, IImageDataset? data, AggregateCodes? aggregate) =>
        (_model, Source, _data, Aggregate) = (model, source, data, aggregate);

    /// <summary>Where this sampler's codes come from.</summary>
    public CodeSource Source { get; }

    /// <summary>The Gaussian the codes are drawn from (<see cref="CodeSource.Aggregate"/> only; else null).</summary>
    public AggregateCodes? Aggregate { get; }

    /// <summary>The fitted mean per code dimension (<see cref="CodeSource.Aggregate"/> only; else empty).</summary>
    public ReadOnlySpan<float> AggregateMean => Aggregate is null ? default : Aggregate.MeanSpan;

    /// <summary>The fitted standard deviation per code dimension (<see cref="CodeSource.Aggregate"/> only; else empty).</summary>
    public ReadOnlySpan<float> AggregateStd => Aggregate is null ? default : Aggregate.StdSpan;

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
        if (source == CodeSource.Prior) return new CodeSampler(model, source, null, null);
        RequirePosterior(model, source);
        if (trainingImages is null) throw new ArgumentException($"code source {source} needs training images.", nameof(trainingImages));
        RequireShape(model, trainingImages);
        if (source == CodeSource.Posterior) return new CodeSampler(model, source, trainingImages, null);
        return new CodeSampler(model, source, trainingImages, AggregateCodes.Fit(model, trainingImages, aggregateImages));
    }

    /// <summary>A sampler of <paramref name="model"/> that draws codes from <paramref name="aggregate"/>, fitted
    /// before (<see cref="AggregateCodes.Fit"/>) or stored in a checkpoint (<see cref="AggregateCodes.ReadFromCheckpoint"/>).</summary>
    /// <param name="model">The model whose generator draws.</param>
    /// <param name="aggregate">Statistics with the model's PosteriorDim dimensions.</param>
    /// <exception cref="ArgumentException">A baseline model, or another number of dimensions.</exception>
    public static CodeSampler Create(P2GanModel model, AggregateCodes aggregate)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(aggregate);
        RequirePosterior(model, CodeSource.Aggregate);
        if (aggregate.Dimensions != model.Options.PosteriorDim)
        {
            throw new ArgumentException(
                $"the aggregate codes have {aggregate.Dimensions} dimensions; the model's codes have {model.Options.PosteriorDim}.", nameof(aggregate));
        }
        return new CodeSampler(model, CodeSource.Aggregate, null, aggregate);
    }

    /// <summary>The source a checkpoint's samples take by default: the one its run evaluated with (EvalCodes,
    /// kept in the checkpoint's training state), Prior for a baseline or a checkpoint without training state.</summary>
    /// <param name="checkpointPath">A .ckpt file.</param>
    /// <exception cref="InvalidDataException">The checkpoint's training state is unreadable.</exception>
    public static CodeSource DefaultSourceOf(string checkpointPath) => DefaultSourceOf(TrainingState.ReadIfPresent(checkpointPath));

    /// <summary>The source of <see cref="DefaultSourceOf(string)"/> for a training state already read (null: none stored).</summary>
    /// <param name="state">A checkpoint's training state (<see cref="TrainingState.ReadIfPresent"/>).</param>
    public static CodeSource DefaultSourceOf(TrainingState? state) => state?.Config.EffectiveEvalCodes ?? CodeSource.Prior;

    internal static void RequirePosterior(P2GanModel model, CodeSource source)
    {
        if (!model.Options.HasPosterior)
        {
            throw new ArgumentException(
                $"code source {source} needs a P2GAN model; this one is the {model.Options.Method} baseline, whose discriminator " +
                "gives scores, not posteriors: use Prior.", nameof(source));
        }
    }

    internal static void RequireShape(P2GanModel model, IImageDataset trainingImages)
    {
        ModelOptions o = model.Options;
        if (trainingImages.Resolution != o.Resolution || trainingImages.Channels != o.Channels)
        {
            throw new ArgumentException(
                $"the training images are {trainingImages.Resolution}x{trainingImages.Resolution}x{trainingImages.Channels}; " +
                $"the model takes {o.Resolution}x{o.Resolution}x{o.Channels}.", nameof(trainingImages));
        }
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
                Random random = GaussianNoise.SeededRandom(seed);
                int size = o.Channels * o.Resolution * o.Resolution;
                var images = new float[count * size];
                for (int i = 0; i < count; i++) _data!.CopyImage(random.Next(_data.Count), images.AsSpan(i * size, size));
                return _model.Sample(count, seed, images, TensorShape.Nchw(count, o.Channels, o.Resolution, o.Resolution), useEma);
            }
            default:
            {
                float[] noise = GaussianNoise.Draw(count * o.NoiseDim, seed);
                float[] codes = GaussianNoise.Draw(count * o.PosteriorDim, seed ^ CodeSalt);
                ReadOnlySpan<float> mean = Aggregate!.MeanSpan, std = Aggregate.StdSpan;
                for (int i = 0; i < codes.Length; i++)
                {
                    int j = i % o.PosteriorDim;
                    codes[i] = mean[j] + std[j] * codes[i];
                }
                return _model.Generate(noise, codes, count, useEma);
            }
        }
    }
}
