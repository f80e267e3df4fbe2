namespace P2Gan.Datasets;

/// <summary>A dataset that replaces undecodable images (see docs/datasets.md) and counts them.</summary>
public interface IReportsSkippedImages
{
    /// <summary>Distinct images found undecodable so far and replaced.</summary>
    int SkippedImages { get; }
}
