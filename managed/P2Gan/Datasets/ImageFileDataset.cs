using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace P2Gan.Datasets;

/// <summary>
/// Images decoded lazily from files (a folder, CelebA): the file list is fixed at construction,
/// each image is decoded, centre-cropped and resized when first read. Converted images are kept
/// as bytes up to a memory budget, so later epochs of small datasets skip decoding while huge
/// folders never fill memory.
/// </summary>
/// <remarks>
/// Bad input: a file that cannot be decoded (corrupt, truncated, unknown format, absurd size) is,
/// unless <c>strict</c>, replaced by the next decodable file in index order (wrapping around), so a
/// batch's composition depends only on the files, not on timing. It is logged once and counted in
/// <see cref="SkippedImages"/>. In strict mode the <see cref="InvalidDataException"/> propagates.
/// </remarks>
public sealed class ImageFileDataset : IImageDataset, IReportsSkippedImages
{
    /// <summary>Default budget of the converted-image cache.</summary>
    public const long DefaultCacheBytes = 256L * 1024 * 1024;

    private readonly string[] _files;
    private readonly int _maxCropSide;
    private readonly bool _strict;
    private readonly ILogger? _logger;
    private readonly ImageFileDecoder _decoder;
    private readonly ConcurrentDictionary<int, byte[]> _cache = new();
    private readonly ConcurrentDictionary<int, bool> _bad = new();
    private readonly long _cacheCapacity; // images, from the byte budget
    private readonly int _plane;

    /// <summary>A dataset over <paramref name="files"/>, decoded, cropped and resized on each read (and cached up to
    /// <paramref name="cacheBytes"/>); nothing is decoded here.</summary>
    /// <exception cref="ArgumentException"><paramref name="files"/> is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException">Resolution not positive or channels not 1 or 3.</exception>
    /// <param name="files">The image files, in dataset order.</param>
    /// <param name="description">A short text naming the dataset, for logs.</param>
    /// <param name="resolution">Side of the square images served.</param>
    /// <param name="channels">Channels of the images served (1 or 3).</param>
    /// <param name="maxCropSide">Side of the centre crop before resizing; 0 = the largest centred square.</param>
    /// <param name="strict">Whether an unreadable file fails the read instead of being skipped.</param>
    /// <param name="logger">Receives the skipped files; null = no logging.</param>
    /// <param name="maxPixels">Largest decoded image (width * height) accepted.</param>
    /// <param name="cacheBytes">Budget of the converted-image cache in bytes.</param>
    /// <param name="maxSide">Largest width or height accepted (checked from the header before decoding).</param>
    public ImageFileDataset(IReadOnlyList<string> files, string description, int resolution, int channels, int maxCropSide = 0,
        bool strict = false, ILogger? logger = null, long maxPixels = ImageFileDecoder.DefaultMaxPixels, long cacheBytes = DefaultCacheBytes,
        int maxSide = ImageFileDecoder.DefaultMaxSide)
    {
        ArgumentNullException.ThrowIfNull(files);
        if (files.Count == 0) throw new ArgumentException("no files.", nameof(files));
        if (resolution <= 0) throw new ArgumentOutOfRangeException(nameof(resolution), resolution, "Must be positive.");
        PixelConversion.CheckChannels(channels, nameof(channels));
        _files = files.ToArray();
        _maxCropSide = maxCropSide;
        _strict = strict;
        _logger = logger;
        _decoder = new ImageFileDecoder(maxPixels, maxSide);
        _plane = resolution * resolution;
        _cacheCapacity = Math.Max(0, cacheBytes) / (3L * _plane);
        Description = description;
        Resolution = resolution;
        Channels = channels;
    }

    /// <inheritdoc/>
    public string Description { get; }
    /// <inheritdoc/>
    public int Count => _files.Length;
    /// <inheritdoc/>
    public int Channels { get; }
    /// <inheritdoc/>
    public int Resolution { get; }
    /// <summary>Files found undecodable so far (only when not strict); each index that hit one read the next decodable file instead.</summary>
    public int SkippedImages => _bad.Count;

    /// <summary>The file behind <paramref name="index"/>.</summary>
    public string FilePath(int index) => _files[index];

    /// <inheritdoc/>
    public void CopyImage(int index, Span<float> destination)
    {
        if ((uint)index >= (uint)Count) throw new ArgumentOutOfRangeException(nameof(index), index, $"Dataset has {Count} images.");
        // Try index, then the following ones: the first decodable file replaces the bad ones.
        for (int step = 0; step < Count; step++)
        {
            int candidate = (index + step) % Count;
            byte[]? rgb = TryGet(candidate);
            if (rgb is not null)
            {
                PixelConversion.PlanarToSigned(rgb, 3, _plane, destination, Channels);
                return;
            }
        }
        throw new InvalidDataException($"{Description}: none of the {Count} image files can be decoded.");
    }

    /// <summary>Planar RGB bytes of a decodable file; null when it is bad (and not strict).</summary>
    private byte[]? TryGet(int index)
    {
        if (_cache.TryGetValue(index, out byte[]? cached)) return cached;
        if (_bad.ContainsKey(index)) return null;
        byte[] rgb;
        try
        {
            using Image<Rgb24> image = _decoder.Decode(_files[index]);
            rgb = new byte[3 * _plane];
            SquareImageConverter.CropResizeToPlanar(image, SquareImageConverter.CentreSquare(image.Width, image.Height, _maxCropSide), Resolution, rgb);
        }
        catch (InvalidDataException e) when (!_strict)
        {
            if (_bad.TryAdd(index, true))
            {
                _logger?.LogWarning("Skipping image {Index} ({Reason}); using the next decodable image instead", index, e.Message);
            }
            return null;
        }
        // Fill until the budget is reached, never evict: cheap and needs no locking beyond the dictionary.
        if (_cache.Count < _cacheCapacity) _cache.TryAdd(index, rgb);
        return rgb;
    }
}
