using P2Gan.Datasets;

namespace P2Gan.Tests.Datasets;

/// <summary>Data-parallel sharding (issue #12): N ranks with batch b take disjoint slices that together
/// are what one process with batch N x b takes, with flips, across epochs and from a saved position.</summary>
[TestFixture]
public sealed class ShardedLoaderTests
{
    [TestCase(2, 3)]
    [TestCase(3, 4)]
    public void RanksTogetherEqualOneProcessWithTheGlobalBatch(int world, int perRank)
    {
        var dataset = new RampDataset(50); // 50 / (world x perRank) leaves a dropped tail: epochs change mid-run
        var options = new DataLoaderOptions { HorizontalFlip = true };
        using var single = new DataLoader(dataset, world * perRank, seed: 9, options: options);
        var ranks = Enumerable.Range(0, world)
            .Select(r => new DataLoader(dataset, perRank, seed: 9, options: options with { Rank = r, WorldSize = world }))
            .ToArray();
        try
        {
            for (int step = 0; step < 12; step++)
            {
                float[] expected = single.NextBatch();
                float[] joined = ranks.SelectMany(r => r.NextBatch()).ToArray();
                Assert.That(joined, Is.EqualTo(expected), $"step {step}");
                Assert.That(ranks.Select(r => r.Position).Distinct().Single(), Is.EqualTo(single.Position),
                    "every rank holds the same global position");
            }
        }
        finally
        {
            foreach (var r in ranks) r.Dispose();
        }
    }

    [Test]
    public void AnEpochsRankSlicesAreDisjointAndCoverItsFullBatches()
    {
        var dataset = new RampDataset(24);
        const int world = 3, perRank = 2;
        var seen = new List<int>();
        for (int rank = 0; rank < world; rank++)
        {
            using var loader = new DataLoader(dataset, perRank, seed: 4, options: new DataLoaderOptions { Rank = rank, WorldSize = world });
            for (int step = 0; step < 24 / (world * perRank); step++)
            {
                float[] batch = loader.NextBatch();
                for (int k = 0; k < perRank; k++) seen.Add(RampDataset.IndexOf(batch.AsSpan(k * 16, 16)));
            }
        }
        Assert.That(seen.Order(), Is.EqualTo(Enumerable.Range(0, 24)));
    }

    [Test]
    public void ARankResumedAtTheSavedGlobalPositionContinuesIdentically()
    {
        var dataset = new RampDataset(30);
        var options = new DataLoaderOptions { Rank = 1, WorldSize = 2, HorizontalFlip = true };
        using var reference = new DataLoader(dataset, 4, seed: 2, options: options);
        for (int i = 0; i < 5; i++) reference.NextBatch();
        LoaderPosition saved = reference.Position;
        using var resumed = new DataLoader(dataset, 4, seed: 2, saved, options);
        for (int i = 0; i < 6; i++) Assert.That(resumed.NextBatch(), Is.EqualTo(reference.NextBatch()));
    }

    [Test]
    public void InvalidRanksAndTooSmallDatasetsAreRefused()
    {
        var dataset = new RampDataset(10);
        Assert.Throws<ArgumentOutOfRangeException>(() => new DataLoader(dataset, 2, 1, options: new DataLoaderOptions { Rank = 2, WorldSize = 2 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new DataLoader(dataset, 2, 1, options: new DataLoaderOptions { WorldSize = 0 }));
        var e = Assert.Throws<ArgumentException>(() => new DataLoader(dataset, 4, 1, options: new DataLoaderOptions { Rank = 0, WorldSize = 3 }));
        Assert.That(e!.Message, Does.Contain("fewer than one batch of 4 x 3 ranks"));
    }
}
