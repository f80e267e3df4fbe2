using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace P2Gan.Evaluation;

/// <summary>
/// What real-data statistics depend on. Any change of a field is a different cache entry:
/// the file name is a hash of all four, and a loaded file must repeat them in its header.
/// </summary>
/// <param name="Dataset">Identifies the data, e.g. "fashion-mnist" plus a hash of its files.</param>
/// <param name="Split">"train" or "test" (any text).</param>
/// <param name="FeatureNetwork">Identifies the feature extractor and how it was run: a hash of its
/// weights plus anything else that changes the features (resize mode, input conversion).</param>
/// <param name="ImageCount">Real images the statistics were computed from.</param>
public sealed record StatisticsKey(string Dataset, string Split, string FeatureNetwork, long ImageCount)
{
    /// <summary>The canonical text the file name hashes: fields joined by '\n', count in invariant culture.</summary>
    public string CanonicalText =>
        string.Join('\n', "p2gan-stats-v1", Dataset, Split, FeatureNetwork, ImageCount.ToString(CultureInfo.InvariantCulture));

    /// <summary>Lower-case hex SHA-256 of <see cref="CanonicalText"/>.</summary>
    public string Hash => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(CanonicalText)));

    internal void Validate()
    {
        ArgumentException.ThrowIfNullOrEmpty(Dataset, nameof(Dataset));
        ArgumentException.ThrowIfNullOrEmpty(Split, nameof(Split));
        ArgumentException.ThrowIfNullOrEmpty(FeatureNetwork, nameof(FeatureNetwork));
        ArgumentOutOfRangeException.ThrowIfLessThan(ImageCount, 1, nameof(ImageCount));
    }
}

/// <summary>
/// Real-data statistics as cached: mean and covariance (float64) and, optionally, the
/// feature rows themselves (float32 [Statistics.Count, Statistics.Dim], for KID and
/// precision/recall).
/// </summary>
public sealed record CachedStatistics(FeatureStatistics Statistics, float[]? Features)
{
    internal void Validate()
    {
        ArgumentNullException.ThrowIfNull(Statistics);
        if (Features is not null && Features.LongLength != Statistics.Count * Statistics.Dim)
        {
            throw new ArgumentException(
                $"Features hold {Features.LongLength} values; {Statistics.Count} rows of {Statistics.Dim} need {Statistics.Count * Statistics.Dim}.",
                nameof(Features));
        }
    }
}

/// <summary>
/// A folder of real-data statistics, one file per <see cref="StatisticsKey"/>, named
/// <c>stats-&lt;first 32 hex digits of the key hash&gt;.p2stats</c>. File layout (little-endian):
/// 8-byte magic "P2GSTAT1"; int32 header length; UTF-8 JSON header (format version, the
/// four key fields, dim, count, feature rows); mean float64[dim]; covariance
/// float64[dim * dim]; features float32[rows * dim]; SHA-256 of everything before it.
/// Files are written to a temporary name in the same folder and renamed over the target,
/// so readers never see a partial file. A file that is truncated, corrupt or carries another
/// key is a miss (and is replaced by the next <see cref="Store"/>).
/// </summary>
public sealed class StatisticsCache
{
    /// <summary>Extension of a cache file.</summary>
    public const string FileExtension = ".p2stats";
    /// <summary>Environment variable naming the cache root; statistics go to its "stats" folder.</summary>
    public const string CacheDirectoryVariable = "P2GAN_CACHE_DIR";
    private const int FormatVersion = 1;
    private static readonly byte[] Magic = "P2GSTAT1"u8.ToArray();

    /// <summary>A cache in <paramref name="directory"/>; nothing is created until the first store.</summary>
    /// <param name="directory">The cache folder; null = <see cref="DefaultDirectory"/>. Created on first store.</param>
    public StatisticsCache(string? directory = null)
    {
        Directory = Path.GetFullPath(directory ?? DefaultDirectory());
    }

    /// <summary>The full path of the cache folder (it may not exist before the first store).</summary>
    public string Directory { get; }

    /// <summary>$P2GAN_CACHE_DIR/stats when set, else ~/.cache/p2gan/stats.</summary>
    public static string DefaultDirectory()
    {
        string? root = Environment.GetEnvironmentVariable(CacheDirectoryVariable);
        if (string.IsNullOrEmpty(root))
        {
            root = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "p2gan");
        }
        return Path.Combine(root, "stats");
    }

    /// <summary>Where the entry of <paramref name="key"/> lives (whether or not it exists).</summary>
    public string PathFor(StatisticsKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return Path.Combine(Directory, $"stats-{key.Hash[..32]}{FileExtension}");
    }

    /// <summary>The cached entry of <paramref name="key"/>, or null when there is none or it is unusable.</summary>
    public CachedStatistics? TryLoad(StatisticsKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        key.Validate();
        string path = PathFor(key);
        if (!File.Exists(path)) return null;
        try
        {
            return Read(path, key);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or JsonException or ArgumentException
                                      or UnauthorizedAccessException or OverflowException)
        {
            return null;
        }
    }

    /// <summary>Writes the entry of <paramref name="key"/> atomically, replacing any previous one.</summary>
    public void Store(StatisticsKey key, CachedStatistics value)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        key.Validate();
        value.Validate();
        System.IO.Directory.CreateDirectory(Directory);
        string path = PathFor(key);
        string temp = $"{path}.{Guid.NewGuid():N}.tmp";
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20))
            {
                Write(stream, key, value);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    /// <summary>The cached entry, or <paramref name="compute"/>'s result, stored before it is returned.</summary>
    public CachedStatistics GetOrCompute(StatisticsKey key, Func<CachedStatistics> compute, out bool fromCache)
    {
        ArgumentNullException.ThrowIfNull(compute);
        CachedStatistics? cached = TryLoad(key);
        fromCache = cached is not null;
        if (cached is not null) return cached;
        CachedStatistics computed = compute();
        Store(key, computed);
        return computed;
    }

    /// <summary>Deletes the entry of <paramref name="key"/>; true when there was one.</summary>
    public bool Remove(StatisticsKey key)
    {
        string path = PathFor(key);
        if (!File.Exists(path)) return false;
        File.Delete(path);
        return true;
    }

    /// <summary>Lower-case hex SHA-256 of a file (e.g. feature network weights, for <see cref="StatisticsKey.FeatureNetwork"/>).</summary>
    public static string HashFile(string path) => FileHash.Sha256Hex(path);

    private sealed record Header(
        int Version, string Dataset, string Split, string FeatureNetwork, long ImageCount, int Dim, long Count, long FeatureRows);

    private static void Write(Stream stream, StatisticsKey key, CachedStatistics value)
    {
        RequireLittleEndian();
        FeatureStatistics s = value.Statistics;
        var header = new Header(FormatVersion, key.Dataset, key.Split, key.FeatureNetwork, key.ImageCount,
            s.Dim, s.Count, value.Features is null ? 0 : s.Count);
        byte[] json = JsonSerializer.SerializeToUtf8Bytes(header);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        void Emit(ReadOnlySpan<byte> bytes)
        {
            stream.Write(bytes);
            hash.AppendData(bytes);
        }
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(length, json.Length);
        Emit(Magic);
        Emit(length);
        Emit(json);
        Emit(MemoryMarshal.AsBytes(s.Mean.AsSpan()));
        Emit(MemoryMarshal.AsBytes(s.Covariance.AsSpan()));
        if (value.Features is not null) Emit(MemoryMarshal.AsBytes(value.Features.AsSpan()));
        stream.Write(hash.GetHashAndReset());
    }

    private static CachedStatistics Read(string path, StatisticsKey key)
    {
        RequireLittleEndian();
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        void Take(Span<byte> bytes)
        {
            stream.ReadExactly(bytes);
            hash.AppendData(bytes);
        }
        var magic = new byte[Magic.Length];
        Take(magic);
        if (!magic.AsSpan().SequenceEqual(Magic)) throw new InvalidDataException("bad magic");
        var length = new byte[4];
        Take(length);
        int jsonLength = BinaryPrimitives.ReadInt32LittleEndian(length);
        if (jsonLength is < 2 or > 1 << 20) throw new InvalidDataException("bad header length");
        var json = new byte[jsonLength];
        Take(json);
        Header header = JsonSerializer.Deserialize<Header>(json) ?? throw new InvalidDataException("empty header");
        if (header.Version != FormatVersion ||
            new StatisticsKey(header.Dataset, header.Split, header.FeatureNetwork, header.ImageCount) != key)
        {
            throw new InvalidDataException("another key or format");
        }
        if (header.Dim < 1 || header.Count < 2 || (header.FeatureRows != 0 && header.FeatureRows != header.Count))
        {
            throw new InvalidDataException("bad sizes");
        }
        long expected = Magic.Length + 4L + jsonLength +
                        8L * header.Dim + 8L * header.Dim * header.Dim + 4L * header.FeatureRows * header.Dim + 32;
        if (stream.Length != expected) throw new InvalidDataException("truncated or overlong");

        var mean = new double[header.Dim];
        var covariance = new double[checked((long)header.Dim * header.Dim)];
        Take(MemoryMarshal.AsBytes(mean.AsSpan()));
        Take(MemoryMarshal.AsBytes(covariance.AsSpan()));
        float[]? features = null;
        if (header.FeatureRows > 0)
        {
            features = new float[checked(header.FeatureRows * header.Dim)];
            Take(MemoryMarshal.AsBytes(features.AsSpan()));
        }
        var stored = new byte[32];
        stream.ReadExactly(stored);
        if (!stored.AsSpan().SequenceEqual(hash.GetHashAndReset())) throw new InvalidDataException("checksum mismatch");
        return new CachedStatistics(new FeatureStatistics(mean, covariance, header.Count), features);
    }

    private static void RequireLittleEndian()
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("The statistics cache needs a little-endian host.");
    }
}
