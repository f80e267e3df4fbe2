using Microsoft.Extensions.Logging;

namespace P2Gan.Datasets;

/// <summary>How <see cref="DatasetFactory.Open(string, DatasetOptions)"/> converts a dataset for the model.</summary>
public sealed record DatasetOptions
{
    /// <summary>Side of the square images the model takes.</summary>
    public int Resolution { get; init; } = 32;

    /// <summary>1 (grey) or 3 (RGB); 0 = the dataset's natural count (<see cref="DatasetFactory.NaturalChannels(string)"/>).</summary>
    public int Channels { get; init; }

    /// <summary>Fail on the first undecodable image instead of replacing it (see docs/datasets.md).</summary>
    public bool Strict { get; init; }

    /// <summary>Train or test images, for the kinds that have both.</summary>
    public DatasetSplit Split { get; init; } = DatasetSplit.Train;

    /// <summary>Receives the warnings about skipped images; null = silent.</summary>
    public ILogger? Logger { get; init; }

    /// <summary>Width x height above which an image is refused before it is decoded (from its header):
    /// skipped like an undecodable image, or an error when <see cref="Strict"/>.</summary>
    public long MaxImagePixels { get; init; } = ImageFileDecoder.DefaultMaxPixels;

    /// <summary>Width or height above which an image is refused before it is decoded (as <see cref="MaxImagePixels"/>).</summary>
    public int MaxImageSide { get; init; } = ImageFileDecoder.DefaultMaxSide;
}
