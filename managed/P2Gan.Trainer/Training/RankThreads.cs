namespace P2Gan.Trainer.Training;

/// <summary>
/// Ranks on one machine share its cores: with Threads at its default (0: one per hardware thread),
/// each of LOCAL_WORLD_SIZE ranks takes an equal share instead, as torchrun's OMP_NUM_THREADS=1 intends
/// (N ranks of all-core thread pools fight over the cores and run several times slower).
/// </summary>
internal static class RankThreads
{
    /// <summary><paramref name="runtime"/>, or a copy with this rank's share of the cores when its Threads is 0
    /// and several ranks run on this machine.</summary>
    public static RuntimeOptions Apply(RuntimeOptions runtime)
    {
        if (runtime.Threads != 0) return runtime;
        if (!int.TryParse(Environment.GetEnvironmentVariable("LOCAL_WORLD_SIZE"), out int local) || local <= 1) return runtime;
        RuntimeOptions shared = runtime.Clone();
        shared.Threads = Math.Max(1, Environment.ProcessorCount / local);
        return shared;
    }

    public static TrainingConfig Apply(TrainingConfig config) => config with { Runtime = Apply(config.Runtime) };
}
