namespace P2Gan.Trainer;

/// <summary>
/// The P2GAN_* environment variables the project itself uses that are no p2gan options
/// (the library, its tests, benchmarks, build and GPU scripts). Every p2gan command reads the other
/// P2GAN_&lt;NAME&gt; variables as its options (<see cref="Commands.CommandArguments"/>) and refuses one that
/// names no option of any command; these, and the P2GAN_Logging__* ones, are let through.
/// </summary>
public static class ProjectEnvironment
{
    public static readonly IReadOnlySet<string> Variables = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "P2GAN_NATIVE_LIBRARY",   // path of libp2gan (P2Gan SDK)
        "P2GAN_CACHE_DIR",        // evaluation cache (classifier, real statistics)
        "P2GAN_MEMORY_LIMIT_MB",  // native memory guard (docs/training.md)
        "P2GAN_REQUIRE_NATIVE",   // tests: fail instead of skipping without libp2gan
        "P2GAN_BENCH_NATIVE",     // benchmarks: the native library to measure
        "P2GAN_CONFIGURATION",    // build scripts: Debug/Release
        "P2GAN_ARTIFACTS_DIR",    // build scripts
        "P2GAN_CUDA_ARCH",        // build scripts
        "P2GAN_SYSTEM_PYTHON",    // build and test scripts
        "P2GAN_TEST_DATA_DIR",    // tests
        "P2GAN_REPORT_SCREENSHOT",// report tests
        "P2GAN_ACCEPT_API",       // tests: rewrite api/*.txt
        "P2GAN_FUZZ_ITERATIONS", "P2GAN_FUZZ_SEED", "P2GAN_FUZZ_FAILURES", "P2GAN_FUZZ_WRITE_CORPUS", // docs/fuzzing.md
        "P2GAN_GPU_BUILD_DIR", "P2GAN_GPU_DEVICE", "P2GAN_GPU_EAGER", "P2GAN_GPU_SETTINGS", // GPU check scripts
        "P2GAN_GPU_SETTING_TIMEOUT", "P2GAN_GPU_SKIP_BUILD", "P2GAN_GPU_STEPS", "P2GAN_GPU_WARMUP",
    };
}
