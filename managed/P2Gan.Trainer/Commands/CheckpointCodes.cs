using P2Gan.Datasets;
using P2Gan.Sampling;
using P2Gan.Trainer.Cli;

namespace P2Gan.Trainer.Commands;

/// <summary>The --codes option of 'sample' and 'eval': where the codes that drive a checkpoint's G come
/// from. By default the source its run evaluated with, and the aggregate that evaluation stored, so that
/// a checkpoint samples and scores as its run reported it.</summary>
internal sealed class CheckpointCodes : IDisposable
{
    public static CliOption Option { get; } = CliOption.Value("Codes", "prior|posterior|aggregate",
        "Where the codes that drive G come from: the prior P_c, D's posterior of random training images, or a Gaussian fitted " +
        "to those posteriors (stored in the checkpoints of an evaluated step, else fitted on --dataset's train split; docs/results.md).",
        "the source the run evaluated with (EvalCodes); prior for a baseline or a checkpoint without training state");

    private readonly DisposableDataset? _images;

    private CheckpointCodes(CodeSampler sampler, string origin, DisposableDataset? images) =>
        (Sampler, Origin, _images) = (sampler, origin, images);

    public CodeSampler Sampler { get; }

    /// <summary>Where the codes came from, for the log.</summary>
    public string Origin { get; }

    public CodeSource Source => Sampler.Source;

    /// <summary>The --codes value; null when not given.</summary>
    public static CodeSource? Parse(CommandArguments a)
    {
        string? text = a.Optional("codes");
        if (text is null) return null;
        if (!Enum.TryParse(text, ignoreCase: true, out CodeSource source) || !Enum.IsDefined(source) || int.TryParse(text, out _))
        {
            throw new UsageException($"invalid --codes '{text}': use prior, posterior or aggregate.");
        }
        return source;
    }

    /// <summary>The sampler of <paramref name="checkpoint"/>'s codes. Opens the train split of <paramref name="datasetSpec"/>,
    /// else of the run's dataset, else of <paramref name="fallbackSpec"/>, only when the source needs images the
    /// checkpoint does not replace.</summary>
    public static CheckpointCodes Open(P2GanModel model, string checkpoint, CodeSource? requested, string? datasetSpec, string fallbackSpec)
    {
        P2Gan.Training.TrainingState? state = P2Gan.Training.TrainingState.ReadIfPresent(checkpoint); // read once: each read verifies the file
        CodeSource source = requested ?? CodeSampler.DefaultSourceOf(state);
        datasetSpec ??= state?.Config.Dataset ?? fallbackSpec;
        try
        {
            if (source == CodeSource.Prior) return new CheckpointCodes(CodeSampler.Create(model, source), "the prior P_c", null);
            if (source == CodeSource.Aggregate && state?.AggregateCodes is { } stored)
            {
                return new CheckpointCodes(CodeSampler.Create(model, stored), $"the aggregate stored in the checkpoint ({stored.Images} images at step {stored.Step})", null);
            }
            var images = new DisposableDataset(DatasetFactory.Open(datasetSpec,
                new DatasetOptions { Resolution = model.Options.Resolution, Channels = model.Options.Channels, Split = DatasetSplit.Train }));
            try
            {
                string origin = source == CodeSource.Posterior ? $"D's posterior of {datasetSpec} (train)" : $"the aggregate fitted on {datasetSpec} (train)";
                return new CheckpointCodes(CodeSampler.Create(model, source, images.Dataset), origin, images);
            }
            catch
            {
                images.Dispose();
                throw;
            }
        }
        catch (ArgumentException e) when (e is not UsageException)
        {
            throw new UsageException($"--codes {source.ToString().ToLowerInvariant()}: {e.Message}", e);
        }
    }

    public void Dispose() => _images?.Dispose();
}
