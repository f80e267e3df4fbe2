using P2Gan.Evaluation;
using P2Gan.Tests.Support;

namespace P2Gan.Tests.Evaluation;

/// <summary>Real-data statistics are cached per key, reused, invalidated, written atomically.</summary>
[TestFixture]
public sealed class StatisticsCacheTests
{
    private static readonly StatisticsKey Key = new("fashion-mnist@abc123", "test", "fmnist-cnn-v1@def456", 1000);

    private static CachedStatistics Entry(double scale = 1.0, bool withFeatures = true) =>
        new(new FeatureStatistics([1.5 * scale, -2], [2, 0.5, 0.5, 3], 3),
            withFeatures ? [1f, 2f, 3f, 4f, 5f, 6f] : null);

    [Test]
    public void StoredEntriesRoundTripExactly()
    {
        using var temp = new TempDirectory();
        var cache = new StatisticsCache(temp.Path);
        Assert.That(cache.TryLoad(Key), Is.Null);
        cache.Store(Key, Entry());
        CachedStatistics? loaded = cache.TryLoad(Key);
        Assert.That(loaded, Is.Not.Null);
        Assert.Multiple(() =>
        {
            Assert.That(loaded!.Statistics.Mean, Is.EqualTo(new[] { 1.5, -2.0 }));
            Assert.That(loaded.Statistics.Covariance, Is.EqualTo(new[] { 2.0, 0.5, 0.5, 3.0 }));
            Assert.That(loaded.Statistics.Count, Is.EqualTo(3));
            Assert.That(loaded.Features, Is.EqualTo(new[] { 1f, 2f, 3f, 4f, 5f, 6f }));
            Assert.That(Path.GetFileName(cache.PathFor(Key)), Does.Match("^stats-[0-9a-f]{32}\\.p2stats$"));
            Assert.That(Directory.GetFiles(temp.Path), Has.Length.EqualTo(1), "no temporary file left");
        });
        cache.Store(Key, Entry(withFeatures: false));
        Assert.That(cache.TryLoad(Key)!.Features, Is.Null);
    }

    [Test]
    public void GetOrComputeComputesOnceThenReuses()
    {
        using var temp = new TempDirectory();
        var cache = new StatisticsCache(temp.Path);
        int computed = 0;
        CachedStatistics Compute()
        {
            computed++;
            return Entry();
        }
        cache.GetOrCompute(Key, Compute, out bool first);
        CachedStatistics again = cache.GetOrCompute(Key, Compute, out bool second);
        Assert.Multiple(() =>
        {
            Assert.That(first, Is.False);
            Assert.That(second, Is.True);
            Assert.That(computed, Is.EqualTo(1));
            Assert.That(again.Statistics.Mean, Is.EqualTo(new[] { 1.5, -2.0 }));
        });
        // A new cache object over the same folder (another process) reuses it too.
        new StatisticsCache(temp.Path).GetOrCompute(Key, Compute, out bool third);
        Assert.That(third, Is.True);
        Assert.That(computed, Is.EqualTo(1));
    }

    [Test]
    public void ChangingAnyKeyFieldMisses()
    {
        using var temp = new TempDirectory();
        var cache = new StatisticsCache(temp.Path);
        cache.Store(Key, Entry());
        StatisticsKey[] changed =
        [
            Key with { Dataset = "fashion-mnist@abc124" },
            Key with { Split = "train" },
            Key with { FeatureNetwork = "fmnist-cnn-v1@def457" },
            Key with { ImageCount = 1001 },
        ];
        Assert.Multiple(() =>
        {
            foreach (StatisticsKey key in changed)
            {
                Assert.That(cache.TryLoad(key), Is.Null, key.ToString());
                Assert.That(cache.PathFor(key), Is.Not.EqualTo(cache.PathFor(Key)), key.ToString());
            }
            Assert.That(cache.TryLoad(Key), Is.Not.Null);
        });
    }

    [Test]
    public void AFileCarryingAnotherKeyIsAMiss()
    {
        // Simulates a hash-name collision or a renamed file: the header must repeat the key.
        using var temp = new TempDirectory();
        var cache = new StatisticsCache(temp.Path);
        StatisticsKey other = Key with { ImageCount = 5 };
        cache.Store(other, Entry());
        File.Move(cache.PathFor(other), cache.PathFor(Key));
        Assert.That(cache.TryLoad(Key), Is.Null);
    }

    [Test]
    public void CorruptOrTruncatedFilesAreMissesAndGetReplaced()
    {
        using var temp = new TempDirectory();
        var cache = new StatisticsCache(temp.Path);
        cache.Store(Key, Entry());
        string path = cache.PathFor(Key);
        byte[] bytes = File.ReadAllBytes(path);

        bytes[^40] ^= 0x01; // a bit of the features: the checksum catches it
        File.WriteAllBytes(path, bytes);
        Assert.That(cache.TryLoad(Key), Is.Null);

        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
        Assert.That(cache.TryLoad(Key), Is.Null);

        File.WriteAllBytes(path, [1, 2, 3]);
        Assert.That(cache.TryLoad(Key), Is.Null);

        cache.GetOrCompute(Key, () => Entry(scale: 2), out bool fromCache);
        Assert.That(fromCache, Is.False);
        Assert.That(cache.TryLoad(Key)!.Statistics.Mean[0], Is.EqualTo(3.0));
    }

    [Test]
    public void RemoveAndDefaults()
    {
        using var temp = new TempDirectory();
        var cache = new StatisticsCache(temp.Path);
        Assert.That(cache.Remove(Key), Is.False);
        cache.Store(Key, Entry());
        Assert.That(cache.Remove(Key), Is.True);
        Assert.That(cache.TryLoad(Key), Is.Null);
        Assert.That(StatisticsCache.DefaultDirectory(), Does.EndWith(Path.Combine("p2gan", "stats")).Or.EndWith("stats"));
        Assert.That(Key.Hash, Is.EqualTo((Key with { }).Hash).And.Length.EqualTo(64));
    }

    [Test]
    public void InvalidKeysAndEntriesAreRejected()
    {
        using var temp = new TempDirectory();
        var cache = new StatisticsCache(temp.Path);
        Assert.Throws<ArgumentException>(() => cache.Store(Key with { Dataset = "" }, Entry()));
        Assert.Throws<ArgumentOutOfRangeException>(() => cache.Store(Key with { ImageCount = 0 }, Entry()));
        Assert.Throws<ArgumentException>(() => cache.Store(Key, Entry() with { Features = [1f, 2f] }));
    }

    [Test]
    public void HashFileIsTheSha256OfTheContent()
    {
        using var temp = new TempDirectory();
        string path = temp.File("weights.bin");
        File.WriteAllText(path, "abc");
        Assert.That(StatisticsCache.HashFile(path),
            Is.EqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
    }
}
