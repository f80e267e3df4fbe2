using P2Gan.Evaluation;
using P2Gan.Native;
using P2Gan.Tests.Support;

namespace P2Gan.Tests.Evaluation;

/// <summary>The SDK's metrics over the native core: closed forms end to end, errors typed.</summary>
[TestFixture]
public sealed class MetricsTests
{
    [SetUp]
    public void RequireNative() => NativeRequirement.Require();

    private static float[] Gaussian(int rows, int dim, int seed, float shift = 0f)
    {
        var random = new Random(seed);
        var data = new float[rows * dim];
        for (int i = 0; i < data.Length; i++)
        {
            // Box-Muller: standard normal values.
            double u1 = 1.0 - random.NextDouble(), u2 = random.NextDouble();
            data[i] = (float)(Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2)) + shift;
        }
        return data;
    }

    [Test]
    public void StatisticsOfAKnownMatrix()
    {
        // Rows (1, 2), (3, 6), (5, 7): mean (3, 5), covariance [[4, 5], [5, 7]] (see test_metrics.cpp).
        FeatureStatistics s = Metrics.Statistics([1, 2, 3, 6, 5, 7], dim: 2);
        Assert.Multiple(() =>
        {
            Assert.That(s.Count, Is.EqualTo(3));
            Assert.That(s.Dim, Is.EqualTo(2));
            Assert.That(s.Mean, Is.EqualTo(new[] { 3.0, 5.0 }).Within(1e-12));
            Assert.That(s.Covariance, Is.EqualTo(new[] { 4.0, 5.0, 5.0, 7.0 }).Within(1e-12));
        });
    }

    [Test]
    public void FrechetDistanceOfEqualStatisticsIsZeroAndOfShiftedIsTheShift()
    {
        float[] x = Gaussian(64, 8, 1);
        FeatureStatistics a = Metrics.Statistics(x, 8);
        Assert.That(Metrics.FrechetDistance(a, a), Is.EqualTo(0.0).Within(1e-9));
        // Shifting every feature by 0.5 moves only the mean: FID = 8 * 0.25.
        FeatureStatistics b = Metrics.Statistics(x.Select(v => v + 0.5f).ToArray(), 8);
        Assert.That(Metrics.FrechetDistance(a, b), Is.EqualTo(2.0).Within(1e-5));
    }

    [Test]
    public void FrechetDistanceOfTheNonCommutingTwoByTwoCase()
    {
        // Derivation in tests/native/test_metrics.cpp: 14 - 2 sqrt(10 + 4 sqrt(3)).
        var a = new FeatureStatistics([1, 0], [4, 0, 0, 1], 10);
        var b = new FeatureStatistics([0, 2], [2, 1, 1, 2], 10);
        Assert.That(Metrics.FrechetDistance(a, b), Is.EqualTo(14 - 2 * Math.Sqrt(10 + 4 * Math.Sqrt(3))).Within(1e-12));
    }

    [Test]
    public void KidSeparatesShiftedSetsAndIsDeterministic()
    {
        float[] a = Gaussian(300, 8, 2), b = Gaussian(300, 8, 3), c = Gaussian(300, 8, 4, shift: 1f);
        KidResult same = Metrics.KernelInceptionDistance(a, b, 8, subsets: 20, subsetSize: 100, seed: 5);
        KidResult shifted = Metrics.KernelInceptionDistance(a, c, 8, subsets: 20, subsetSize: 100, seed: 5);
        Assert.Multiple(() =>
        {
            Assert.That(Math.Abs(same.Mean), Is.LessThan(0.05 * shifted.Mean));
            Assert.That(shifted.Std, Is.GreaterThan(0));
            Assert.That(Metrics.KernelInceptionDistance(a, c, 8, 20, 100, 5), Is.EqualTo(shifted));
        });
    }

    [Test]
    public void InceptionScoreOfUniformAndOfConfidentDiverseLogits()
    {
        Assert.That(Metrics.InceptionScore(new float[50 * 10], 10, splits: 5).Mean, Is.EqualTo(1.0).Within(1e-12));
        var logits = new float[40 * 10];
        for (int i = 0; i < 40; i++) logits[i * 10 + i % 10] = 100f;
        InceptionScoreResult r = Metrics.InceptionScore(logits, 10, splits: 4);
        Assert.That(r.Mean, Is.EqualTo(10.0).Within(1e-9));
        Assert.That(r.Std, Is.EqualTo(0.0).Within(1e-9));
    }

    [Test]
    public void PrecisionRecallOfIdenticalAndOfFarSets()
    {
        float[] real = Gaussian(80, 4, 6);
        Assert.That(Metrics.PrecisionRecall(real, real, 4), Is.EqualTo(new PrecisionRecall(1, 1)));
        Assert.That(Metrics.PrecisionRecall(real, Gaussian(60, 4, 7, shift: 1000f), 4), Is.EqualTo(new PrecisionRecall(0, 0)));
    }

    [Test]
    public void NativeChecksBecomeTypedExceptions()
    {
        float[] x = Gaussian(10, 2, 8);
        x[3] = float.NaN;
        var nan = Assert.Throws<P2GanNonFiniteException>(() => Metrics.Statistics(x, 2));
        Assert.That(nan!.Message, Does.Contain("p2gan_metric_statistics").And.Contain("row 1"));
        var one = Assert.Throws<P2GanInvalidArgumentException>(() => Metrics.Statistics([1f, 2f], 2));
        Assert.That(one!.Message, Does.Contain("count"));
        float[] y = Gaussian(10, 2, 9);
        Assert.Throws<P2GanInvalidArgumentException>(() => Metrics.KernelInceptionDistance(y, y, 2, subsets: 0));
        Assert.Throws<P2GanInvalidArgumentException>(() => Metrics.InceptionScore(y, 2, splits: 11));
        Assert.Throws<P2GanInvalidArgumentException>(() => Metrics.PrecisionRecall(y, y, 2, k: 10));
        var asymmetric = new FeatureStatistics([0, 0], [1, 0.5, 0, 1], 2);
        Assert.Throws<P2GanInvalidArgumentException>(() => Metrics.FrechetDistance(asymmetric, asymmetric));
    }

    [Test]
    public void BufferShapesAreCheckedInManagedCode()
    {
        Assert.Throws<ArgumentException>(() => Metrics.Statistics(new float[5], 2));
        Assert.Throws<ArgumentException>(() => Metrics.Statistics([], 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => Metrics.Statistics(new float[4], 0));
        Assert.Throws<ArgumentException>(() =>
            Metrics.FrechetDistance(new FeatureStatistics([0], [1], 2), new FeatureStatistics([0, 0], [1, 0, 0, 1], 2)));
        Assert.Throws<ArgumentException>(() => _ = new FeatureStatistics([0, 0], [1, 0, 0], 2));
    }
}
