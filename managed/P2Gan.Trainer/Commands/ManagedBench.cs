using System.Diagnostics;
using P2Gan.Native;

namespace P2Gan.Trainer.Commands;

/// <summary>
/// The loop of 'p2gan bench' in .NET through the SDK: the same steps, data, timing points
/// and JSON keys as native/tools/p2gan_bench_native.cpp, so that the two differ only by
/// the host (docs/benchmarks.md).
/// </summary>
internal static class ManagedBench
{
    private const int SampleRuns = 5;     // timed Sample calls, after one warm-up
    private const int ProfilingSteps = 5; // the extra synchronized pass on CUDA
    private const int PeakGemmSize = 2048;

    /// <param name="group">Run as one rank of a data-parallel group: every rank steps on its own --batch
    /// images and the result gains a "distributed" section (complete on rank 0).</param>
    public static Dictionary<string, object?> Run(BenchSettings s, CancellationToken cancellationToken, P2Gan.Distributed.ProcessGroup? group = null)
    {
        P2GanModel model;
        try
        {
            model = P2GanModel.Create(s.Model, s.Runtime, group);
        }
        catch (P2GanInvalidArgumentException e)
        {
            // Values the core refuses (a resolution of 33, ...) are usage errors, as in the driver.
            throw new UsageException(e.Message, e);
        }
        using (model)
        {
            return Measure(model, s, cancellationToken);
        }
    }

    private static Dictionary<string, object?> Measure(P2GanModel model, BenchSettings s, CancellationToken cancellationToken)
    {
        TensorShape shape = TensorShape.Nchw(s.Batch, s.Model.Channels, s.Model.Resolution, s.Model.Resolution);
        float[] real = SyntheticImages(checked((int)shape.ElementCount), s.Model.Seed);

        double? rssWarmup, rss100 = null, rss1000 = null;
        long done = 0;
        void Step()
        {
            cancellationToken.ThrowIfCancellationRequested();
            model.TrainStep(real, shape);
            done++;
            if (done == 100) rss100 = ResidentMegabytes();
            if (done == 1000) rss1000 = ResidentMegabytes();
        }

        for (int i = 0; i < s.Warmup; i++) Step();
        rssWarmup = ResidentMegabytes();

        var stepMs = new List<double>(s.Steps);
        var phases = new List<StepTimings>(s.Steps);
        for (int i = 0; i < s.Steps; i++)
        {
            long start = Stopwatch.GetTimestamp();
            Step();
            stepMs.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            if (!s.IsCuda) phases.Add(model.LastStepTimings);
        }
        double? rssLast = ResidentMegabytes();
        if (s.IsCuda)
        {
            // Unsynchronized CUDA phases mean nothing; a separate pass measures them, so the
            // timed steps above ran at full speed.
            model.Profiling = true;
            for (int i = 0; i < Math.Min(s.Steps, ProfilingSteps); i++)
            {
                Step();
                phases.Add(model.LastStepTimings);
            }
            model.Profiling = false;
        }

        model.Sample(s.Batch, s.Model.Seed + 1);
        var sampleMs = new List<double>(SampleRuns);
        for (int i = 0; i < SampleRuns; i++)
        {
            long start = Stopwatch.GetTimestamp();
            model.Sample(s.Batch, s.Model.Seed + 1);
            sampleMs.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }

        RuntimeInfo info = RuntimeInfo.Current;
        double flops = model.StepFlops(s.Batch);
        double? peak = s.Peak ? RuntimeInfo.MeasurePeakGemmGflops(PeakGemmSize, 0) : null;

        double medianMs = Median(stepMs);
        double achieved = flops / (medianMs / 1e3) / 1e9;
        var result = new Dictionary<string, object?>
        {
            ["host"] = "dotnet",
            ["train_images_per_second"] = s.Batch / (medianMs / 1e3),
            ["step_ms"] = new Dictionary<string, object?> { ["min"] = stepMs.Min(), ["median"] = medianMs, ["max"] = stepMs.Max() },
            ["sample_images_per_second"] = s.Batch / (Median(sampleMs) / 1e3),
            ["phases_ms"] = new Dictionary<string, object?>
            {
                ["transfer"] = Median(phases.Select(p => p.TransferMs)),
                ["d_forward"] = Median(phases.Select(p => p.DForwardMs)),
                ["d_backward"] = Median(phases.Select(p => p.DBackwardMs)),
                ["g_forward"] = Median(phases.Select(p => p.GForwardMs)),
                ["g_backward"] = Median(phases.Select(p => p.GBackwardMs)),
                ["optimizer"] = Median(phases.Select(p => p.OptimizerMs)),
            },
            ["phases_from"] = s.IsCuda ? "profiling_pass" : "timed_steps",
            ["host_syncs_per_step"] = Median(phases.Select(p => (double)p.HostSyncs)),
            ["threads"] = new Dictionary<string, object?>
            {
                ["intra_op"] = info.IntraOpThreads,
                ["blas"] = info.BlasThreads,
                ["cores"] = info.Cores,
                ["omp_wait_policy"] = info.OmpWaitPolicy,
            },
            ["libtorch_version"] = info.LibTorchVersion,
            ["blas"] = info.Blas,
            ["mkldnn"] = info.Mkldnn,
            ["cuda_available"] = info.CudaAvailable,
            ["version"] = P2GanModel.NativeVersion,
            ["flops_per_step"] = flops,
            ["achieved_gflops"] = achieved,
        };
        if (peak is double p)
        {
            result["peak_gflops"] = p;
            result["fraction_of_peak"] = achieved / p;
        }
        result["rss_mb"] = new Dictionary<string, object?>
        {
            ["after_warmup"] = rssWarmup,
            ["at_step_100"] = rss100,
            ["at_step_1000"] = rss1000,
            ["last"] = rssLast,
        };
        result["config"] = s.ToJsonConfig();
        if (model.ProcessGroup is { } g) result["distributed"] = Distributed(g, s, medianMs, phases);
        return result;
    }

    /// <summary>Each rank's rate (gathered on every rank by one broadcast per rank), the total, and the
    /// step's collective calls.</summary>
    private static Dictionary<string, object?> Distributed(P2Gan.Distributed.ProcessGroup group, BenchSettings s, double medianMs,
        List<StepTimings> phases)
    {
        double mine = s.Batch / (medianMs / 1e3);
        var rates = new double[group.WorldSize];
        var buffer = new byte[sizeof(double)];
        for (int rank = 0; rank < group.WorldSize; rank++)
        {
            BitConverter.TryWriteBytes(buffer, mine);
            group.Broadcast(buffer, rank);
            rates[rank] = BitConverter.ToDouble(buffer);
        }
        return new Dictionary<string, object?>
        {
            ["world_size"] = group.WorldSize,
            ["batch_per_rank"] = s.Batch,
            ["global_batch"] = s.Batch * group.WorldSize,
            ["rank_images_per_second"] = rates,
            // The ranks step together: the global batch per (rank 0's) median step.
            ["total_images_per_second"] = s.Batch * group.WorldSize / (medianMs / 1e3),
            ["communication_ms_per_step"] = Median(phases.Select(p => p.CommunicationMs)),
            ["communication_bytes_per_step"] = Median(phases.Select(p => (double)p.CommunicationBytes)),
        };
    }

    /// <summary>Uniform [-1, 1) from splitmix64 of (seed, index): the driver's images exactly.</summary>
    internal static float[] SyntheticImages(int count, ulong seed)
    {
        var images = new float[count];
        for (int i = 0; i < count; i++)
        {
            ulong z = unchecked(seed + 0x9E3779B97F4A7C15UL * (ulong)(i + 1));
            z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
            z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
            z ^= z >> 31;
            images[i] = (float)((z >> 40) / 16777216.0 * 2.0 - 1.0);
        }
        return images;
    }

    /// <summary>The middle value, or the mean of the two middle values (Python's statistics.median).</summary>
    internal static double Median(IEnumerable<double> values)
    {
        double[] sorted = values.Order().ToArray();
        if (sorted.Length == 0) throw new ArgumentException("no values", nameof(values));
        int n = sorted.Length;
        return n % 2 == 1 ? sorted[n / 2] : 0.5 * (sorted[n / 2 - 1] + sorted[n / 2]);
    }

    /// <summary>Resident set size in MiB from /proc/self/statm (as the driver reads it), else the working set.</summary>
    internal static double? ResidentMegabytes()
    {
        const string statm = "/proc/self/statm";
        if (OperatingSystem.IsLinux() && File.Exists(statm))
        {
            string[] fields = File.ReadAllText(statm).Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length > 1 && long.TryParse(fields[1], out long pages))
            {
                return pages * (double)Environment.SystemPageSize / (1024.0 * 1024.0);
            }
            return null;
        }
        return Environment.WorkingSet / (1024.0 * 1024.0);
    }
}
