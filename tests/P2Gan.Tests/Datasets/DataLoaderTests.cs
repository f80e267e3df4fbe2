using System.Diagnostics;
using P2Gan.Datasets;

namespace P2Gan.Tests.Datasets;

public class DataLoaderTests
{
    private static List<float[]> Take(DataLoader loader, int batches) =>
        Enumerable.Range(0, batches).Select(_ => loader.NextBatch()).ToList();

    private static int[] Indices(float[] batch, int imageSize) =>
        Enumerable.Range(0, batch.Length / imageSize).Select(i => RampDataset.IndexOf(batch.AsSpan(i * imageSize, imageSize))).ToArray();

    [Test]
    public void SameSeedGivesSameBatchesAndDifferentSeedDifferentOnes()
    {
        var dataset = new RampDataset(50);
        using var a = new DataLoader(dataset, 8, seed: 7);
        using var b = new DataLoader(dataset, 8, seed: 7, options: new DataLoaderOptions { DecodeThreads = 3, PrefetchBatches = 1 });
        using var c = new DataLoader(dataset, 8, seed: 8);
        var fromA = Take(a, 12);
        var fromB = Take(b, 12);
        var fromC = Take(c, 12);
        for (int i = 0; i < fromA.Count; i++) Assert.That(fromB[i], Is.EqualTo(fromA[i]), $"batch {i}");
        Assert.That(fromA.Zip(fromC).Any(p => !p.First.SequenceEqual(p.Second)), Is.True);
    }

    [Test]
    public void EachEpochIsAPermutationWithTheTailDropped()
    {
        var dataset = new RampDataset(10);
        using var loader = new DataLoader(dataset, 3, seed: 1);
        var epoch0 = Take(loader, 3).SelectMany(b => Indices(b, 16)).ToArray();
        Assert.That(epoch0.Distinct().Count(), Is.EqualTo(9));
        Assert.That(epoch0, Is.EqualTo(EpochOrder.Permutation(1, 0, 10).Take(9)));
        Assert.That(loader.Position, Is.EqualTo(new LoaderPosition(1, 0)), "three full batches of 3 leave a tail of 1, dropped");
        var epoch1 = Take(loader, 3).SelectMany(b => Indices(b, 16)).ToArray();
        Assert.That(epoch1, Is.EqualTo(EpochOrder.Permutation(1, 1, 10).Take(9)), "epoch 1 recomputable from (seed, epoch) alone");
        Assert.That(epoch1, Is.Not.EqualTo(epoch0));
    }

    [TestCase(2)]
    [TestCase(4)] // crosses the epoch boundary: 10 images, batch 3 -> 3 batches per epoch
    [TestCase(7)]
    public void ALoaderStartedAtASavedPositionContinuesIdentically(int consumed)
    {
        var dataset = new RampDataset(10);
        var options = new DataLoaderOptions { HorizontalFlip = true };
        using var reference = new DataLoader(dataset, 3, seed: 42, options: options);
        var expected = Take(reference, consumed + 5).Skip(consumed).ToList();

        LoaderPosition saved;
        using (var first = new DataLoader(dataset, 3, seed: 42, options: options))
        {
            Take(first, consumed);
            saved = first.Position;
        }
        using var resumed = new DataLoader(dataset, 3, seed: 42, saved, options);
        Assert.That(resumed.Position, Is.EqualTo(saved));
        var actual = Take(resumed, 5);
        for (int i = 0; i < 5; i++) Assert.That(actual[i], Is.EqualTo(expected[i]), $"batch {consumed + i}");
    }

    [Test]
    public void PositionIsCanonicalAndChecked()
    {
        var dataset = new RampDataset(10);
        using (var atTail = new DataLoader(dataset, 3, seed: 1, new LoaderPosition(2, 9)))
        {
            Assert.That(atTail.Position, Is.EqualTo(new LoaderPosition(3, 0)));
        }
        Assert.Throws<ArgumentOutOfRangeException>(() => new DataLoader(dataset, 3, 1, new LoaderPosition(0, 11)).Dispose());
        Assert.Throws<ArgumentException>(() => new DataLoader(dataset, 11, 1).Dispose());
    }

    [Test]
    public void FlipsAreDeterministicAndAboutHalf()
    {
        var dataset = new RampDataset(40, resolution: 4);
        var options = new DataLoaderOptions { HorizontalFlip = true, DecodeThreads = 2 };
        using var a = new DataLoader(dataset, 8, 5, options: options);
        using var b = new DataLoader(dataset, 8, 5, options: options);
        var batchesA = Take(a, 20);
        var batchesB = Take(b, 20);
        int flipped = 0, total = 0;
        for (int n = 0; n < batchesA.Count; n++)
        {
            Assert.That(batchesB[n], Is.EqualTo(batchesA[n]));
            for (int i = 0; i < 8; i++)
            {
                var image = batchesA[n].AsSpan(i * 16, 16);
                bool mirrored = image[0] % 100 == 3; // ramp 0,1,2,3 reversed
                Assert.That(image[1] % 100, Is.EqualTo(mirrored ? 2 : 1));
                flipped += mirrored ? 1 : 0;
                total++;
            }
        }
        Assert.That(flipped, Is.InRange(total * 3 / 10, total * 7 / 10));
    }

    [Test]
    public void NextBatchIntoASpanGivesTheSameValues()
    {
        var dataset = new RampDataset(30, channels: 3);
        using var a = new DataLoader(dataset, 4, 3);
        using var b = new DataLoader(dataset, 4, 3);
        var buffer = new float[b.BatchElementCount];
        for (int i = 0; i < 10; i++)
        {
            b.NextBatch(buffer);
            Assert.That(buffer, Is.EqualTo(a.NextBatch()));
        }
    }

    [Test]
    public void PrefetchIsBounded()
    {
        var dataset = new RampDataset(1000);
        using var loader = new DataLoader(dataset, 2, 1, options: new DataLoaderOptions { PrefetchBatches = 3 });
        Thread.Sleep(300);
        // 3 queued batches plus the one the producer holds while it waits for room.
        Assert.That(dataset.Reads, Is.LessThanOrEqualTo((3 + 1) * 2));
        loader.NextBatch();
        Thread.Sleep(100);
        Assert.That(dataset.Reads, Is.LessThanOrEqualTo((3 + 2) * 2));
    }

    [Test]
    public void DisposeStopsTheBackgroundWorkPromptly()
    {
        var dataset = new RampDataset(1000) { Delay = TimeSpan.FromMilliseconds(5) };
        var loader = new DataLoader(dataset, 16, 1, options: new DataLoaderOptions { PrefetchBatches = 50 });
        loader.NextBatch();
        var timer = Stopwatch.StartNew();
        loader.Dispose();
        Assert.That(timer.ElapsedMilliseconds, Is.LessThan(1000));
        int reads = dataset.Reads;
        Thread.Sleep(100);
        Assert.That(dataset.Reads, Is.EqualTo(reads), "no reads after Dispose returned");
        Assert.Throws<ObjectDisposedException>(() => loader.NextBatch());
    }

    [Test]
    public void BackgroundErrorsSurfaceWithTheirTypeAndMessage()
    {
        var dataset = new RampDataset(10) { FailAtIndex = EpochOrder.Permutation(9, 0, 10)[2] }; // first image of batch 1
        using var loader = new DataLoader(dataset, 2, 9, options: new DataLoaderOptions { DecodeThreads = 2 });
        Assert.DoesNotThrow(() => loader.NextBatch(), "the batch before the broken image still arrives");
        var e = Assert.Throws<InvalidDataException>(() => loader.NextBatch());
        Assert.That(e!.Message, Does.Contain("is broken"));
        Assert.Throws<InvalidDataException>(() => loader.NextBatch(), "stays failed");
    }

    [Test]
    public void CancellationOfAWaitingNextBatchThrowsOperationCanceled()
    {
        var dataset = new RampDataset(100) { Delay = TimeSpan.FromSeconds(1) };
        using var loader = new DataLoader(dataset, 50, 1);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(50));
        Assert.That(() => loader.NextBatch(cts.Token), Throws.InstanceOf<OperationCanceledException>());
    }
}
