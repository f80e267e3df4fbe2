using P2Gan.Trainer.Training;

namespace P2Gan.Tests.Trainer;

[TestFixture]
public sealed class ScheduleTests
{
    [Test]
    public void ConstantScheduleKeepsTheRate()
    {
        foreach (long step in new long[] { 0, 1, 50, 99, 250 })
        {
            Assert.That(LearningRateSchedules.Factor(LearningRateSchedule.Constant, step, 100), Is.EqualTo(1.0));
        }
    }

    [TestCase(0, 1.0)]
    [TestCase(25, 0.75)]
    [TestCase(50, 0.5)]
    [TestCase(99, 0.01)]
    [TestCase(100, 0.01)] // past the planned end (a resumed run extended): the smallest rate, never zero or negative
    [TestCase(400, 0.01)]
    public void LinearScheduleDecaysToZeroOverTheRun(long step, double expected)
    {
        Assert.That(LearningRateSchedules.Factor(LearningRateSchedule.Linear, step, 100), Is.EqualTo(expected).Within(1e-12));
    }

    [TestCase(0, 0.1f)]
    [TestCase(8, 0.5f)]
    [TestCase(80, 0.9f)]
    [TestCase(100_000, 0.999f)]
    public void EmaWarmupRampsUpToTheDecay(long step, float expected)
    {
        Assert.That(EmaWarmup.EffectiveDecay(0.999f, step), Is.EqualTo(expected).Within(1e-6f));
    }

    [Test]
    public void EmaWarmupNeverExceedsTheDecay()
    {
        Assert.That(EmaWarmup.EffectiveDecay(0.5f, 1_000), Is.EqualTo(0.5f));
    }
}
