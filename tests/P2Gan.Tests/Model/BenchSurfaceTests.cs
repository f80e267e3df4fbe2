using P2Gan.Native;
using P2Gan.Tests.Support;

namespace P2Gan.Tests.Model;

/// <summary>The SDK's benchmarking surface: phase times, profiling, the FLOP count, runtime info.</summary>
[TestFixture]
public sealed class BenchSurfaceTests
{
    [Test]
    public void PhaseTimesOfTheLastStep()
    {
        using var model = P2GanModel.Create(TinyModel.Options());
        Assert.That(model.LastStepTimings.TotalMs, Is.EqualTo(0.0), "no step yet");
        model.TrainStep(SyntheticImages.Shapes(2, TinyModel.Resolution), TinyModel.Batch(2));
        StepTimings t = model.LastStepTimings;
        double[] phases = [t.TransferMs, t.DForwardMs, t.DBackwardMs, t.GForwardMs, t.GBackwardMs, t.OptimizerMs];
        Assert.Multiple(() =>
        {
            Assert.That(t.Synchronized, Is.True, "the CPU is always synchronized");
            Assert.That(phases, Has.All.GreaterThanOrEqualTo(0.0));
            Assert.That(t.DForwardMs, Is.GreaterThan(0.0));
            Assert.That(t.TotalMs, Is.GreaterThanOrEqualTo(phases.Sum() * 0.9999));
        });
    }

    [Test]
    public void ProfiledStepsHaveSynchronizedPhases()
    {
        // On the CPU every step is synchronized; on CUDA only profiled ones are. Either way a
        // profiled step's phases are its own: they add up to no more than the whole step.
        NativeRequirement.Require();
        var devices = new List<string> { "cpu" };
        if (P2GanModel.CudaIsAvailable) devices.Add("cuda");
        foreach (string device in devices)
        {
            using var model = P2GanModel.Create(TinyModel.Options(), new RuntimeOptions { Device = device });
            float[] batch = SyntheticImages.Shapes(2, TinyModel.Resolution);
            model.TrainStep(batch, TinyModel.Batch(2));
            Assert.That(model.LastStepTimings.Synchronized, Is.EqualTo(device == "cpu"), $"{device}: unprofiled step");
            model.Profiling = true;
            model.TrainStep(batch, TinyModel.Batch(2));
            StepTimings t = model.LastStepTimings;
            double phases = t.TransferMs + t.DForwardMs + t.DBackwardMs + t.GForwardMs + t.GBackwardMs + t.OptimizerMs;
            Assert.That(t.Synchronized, Is.True, $"{device}: profiled step");
            Assert.That(phases, Is.LessThanOrEqualTo(t.TotalMs * 1.0001), device);
            model.Profiling = false;
            model.TrainStep(batch, TinyModel.Batch(2));
            Assert.That(model.LastStepTimings.Synchronized, Is.EqualTo(device == "cpu"), $"{device}: profiling off again");
        }
    }

    [Test]
    public void StepFlopsFollowTheDocumentedCount()
    {
        using var model = P2GanModel.Create(TinyModel.Options());
        // 32x32x1, c = 4, n = d = 8, statistics AdaIN: 11,695,104 FLOPs per image (test_step_flops.cpp).
        Assert.That(model.StepFlops(1), Is.EqualTo(11695104.0));
        Assert.That(model.StepFlops(3), Is.EqualTo(3 * 11695104.0));
        Assert.Throws<ArgumentOutOfRangeException>(() => model.StepFlops(0));
    }

    [Test]
    public void RuntimeInfoDescribesTheProcess()
    {
        NativeRequirement.Require();
        using var model = P2GanModel.Create(TinyModel.Options(), new RuntimeOptions { Threads = 1 });
        RuntimeInfo info = RuntimeInfo.Current;
        Assert.Multiple(() =>
        {
            Assert.That(info.IntraOpThreads, Is.EqualTo(1));
            Assert.That(info.Cores, Is.GreaterThanOrEqualTo(1));
            Assert.That(info.BlasThreads is null or >= 1, info.BlasThreads?.ToString());
            Assert.That(info.LibTorchVersion, Does.Match(@"^\d+\.\d+"));
            Assert.That(P2GanModel.NativeVersion, Does.Contain(info.LibTorchVersion));
            Assert.That(info.Blas, Is.Not.Empty);
        });
    }

    [Test]
    public void PeakGemmProbe()
    {
        NativeRequirement.Require();
        Assert.That(RuntimeInfo.MeasurePeakGemmGflops(128, 1), Is.GreaterThan(0.0));
        Assert.Throws<P2GanInvalidArgumentException>(() => RuntimeInfo.MeasurePeakGemmGflops(8, 1));
    }
}
