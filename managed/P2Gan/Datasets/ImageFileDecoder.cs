using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Memory;
using SixLabors.ImageSharp.PixelFormats;

namespace P2Gan.Datasets;

/// <summary>
/// Decodes one image file (PNG, JPEG, BMP, GIF, WebP, TGA, ...) to RGB24 with ImageSharp, refusing
/// images whose declared size is absurd before any pixel buffer is allocated. Every failure is an
/// <see cref="InvalidDataException"/> that names the file, whatever ImageSharp threw.
/// </summary>
public sealed class ImageFileDecoder
{
    /// <summary>64 megapixels (8192 x 8192): far beyond any training image, small enough to decode safely.</summary>
    public const long DefaultMaxPixels = 8192L * 8192;

    /// <summary>8192: the longest side accepted by default.</summary>
    public const int DefaultMaxSide = 8192;

    private readonly Configuration _configuration;

    /// <summary>A decoder that refuses images beyond the limits before decoding them.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A limit is not positive.</exception>
    /// <param name="maxPixels">Largest width x height accepted, checked from the header before decoding.</param>
    /// <param name="maxSide">Largest width or height accepted, checked from the header before decoding.</param>
    public ImageFileDecoder(long maxPixels = DefaultMaxPixels, int maxSide = DefaultMaxSide)
    {
        if (maxPixels <= 0) throw new ArgumentOutOfRangeException(nameof(maxPixels), maxPixels, "Must be positive.");
        if (maxSide <= 0) throw new ArgumentOutOfRangeException(nameof(maxSide), maxSide, "Must be positive.");
        MaxPixels = maxPixels;
        MaxSide = maxSide;
        _configuration = Configuration.Default.Clone();
        // The loader already decodes several images at once; ImageSharp's own row parallelism
        // on top of that only adds scheduling cost for small images.
        _configuration.MaxDegreeOfParallelism = 1;
        // Second line of defence behind Identify: no single buffer beyond what MaxPixels of
        // RGBA32 (the widest intermediate format) needs, plus headroom.
        int limitMb = (int)Math.Clamp(maxPixels * 4 * 2 / (1024 * 1024) + 16, 16, int.MaxValue);
        _configuration.MemoryAllocator = MemoryAllocator.Create(new MemoryAllocatorOptions { AllocationLimitMegabytes = limitMb });
    }

    /// <summary>Largest width x height accepted, checked from the header before decoding.</summary>
    public long MaxPixels { get; }

    /// <summary>Largest width or height in pixels accepted, checked from the header before decoding.</summary>
    public int MaxSide { get; }

    /// <summary>Decodes <paramref name="path"/>; the caller disposes the image.</summary>
    /// <exception cref="InvalidDataException">Unreadable, unknown format, corrupt, truncated or too large.</exception>
    public Image<Rgb24> Decode(string path)
    {
        try
        {
            using FileStream stream = File.OpenRead(path);
            IImageInfo? info = Image.Identify(_configuration, stream);
            if (info is null) throw new InvalidDataException($"image '{path}': unknown image format.");
            if ((long)info.Width * info.Height > MaxPixels || info.Width <= 0 || info.Height <= 0 ||
                info.Width > MaxSide || info.Height > MaxSide)
            {
                throw new InvalidDataException(
                    $"image '{path}' declares {info.Width}x{info.Height} pixels; the limit is {MaxSide} pixels a side and " +
                    $"{MaxPixels} pixels in all (refused before decoding).");
            }
            stream.Position = 0;
            return Image.Load<Rgb24>(_configuration, stream);
        }
        catch (InvalidDataException)
        {
            throw;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // ImageSharp throws several types (UnknownImageFormatException, InvalidImageContentException,
            // ImageFormatException, NotSupportedException, IOException...): one type for callers.
            throw new InvalidDataException($"image '{path}' cannot be decoded: {e.Message}", e);
        }
    }
}
