// p2gan-bench-native: the train step of `p2gan bench`, driven through the public C ABI
// only (no .NET in the loop), so that the managed host's cost can be shown as a ratio.
// Prints one JSON object on stdout with the schema of docs/benchmarks.md; usage errors
// exit 2, native failures exit 1, both with one line on stderr.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <map>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#if defined(__unix__) || defined(__APPLE__)
#include <unistd.h>
#endif

#include "p2gan/p2gan.h"

namespace {

constexpr const char* kTool = "p2gan-bench-native";
constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;
constexpr int kSampleRuns = 5;      // timed p2gan_model_sample calls (after one warm-up)
constexpr int kProfilingSteps = 5;  // the extra synchronized pass on CUDA

struct UsageError : std::runtime_error {
    using std::runtime_error::runtime_error;
};
struct NativeError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct Options {
    int64_t batch = 32;
    int resolution = 32, channels = 3, base_channels = 64, noise_dim = 128, posterior_dim = 128;
    int steps = 20, warmup = 3, threads = 0;
    std::string adain_mode = "statistics", kernels = "fast", device = "cpu", precision = "float32",
                memory_format = "contiguous";
    uint64_t seed = 0;
    bool peak = false;
};

void print_usage(FILE* out) {
    std::fprintf(out,
                 "Usage: %s [options]\n"
                 "Runs the P2GAN train step on synthetic data through the C ABI and prints one JSON object.\n"
                 "\n"
                 "Options (default):\n"
                 "  --batch N            (32) images per step\n"
                 "  --resolution N       (32) 32, 64 or 128\n"
                 "  --channels N         (3) 1 or 3\n"
                 "  --base-channels N    (64) c\n"
                 "  --noise-dim N        (128) n\n"
                 "  --posterior-dim N    (128) d\n"
                 "  --steps N            (20) measured steps\n"
                 "  --warmup N           (3) steps run before measuring\n"
                 "  --threads N          (0 = one per hardware thread) LibTorch intra-op threads\n"
                 "  --adain-mode M       (statistics) statistics | affine\n"
                 "  --kernels K          (fast) fast | reference\n"
                 "  --device D           (cpu) cpu | cuda | cuda:N\n"
                 "  --precision P        (float32) float32 | bf16\n"
                 "  --memory-format F    (contiguous) contiguous | channels_last\n"
                 "  --seed N             (0) model and data seed\n"
                 "  --peak               also run the float32 GEMM peak probe (peak_gflops)\n",
                 kTool);
}

int64_t parse_int(const std::string& name, const std::string& text, int64_t min, int64_t max) {
    size_t used = 0;
    long long value = 0;
    try {
        value = std::stoll(text, &used, 10);
    } catch (const std::exception&) {
        used = 0;
    }
    if (used == 0 || used != text.size() || value < min || value > max) {
        throw UsageError("invalid value '" + text + "' for --" + name + ": an integer in [" + std::to_string(min) +
                         ", " + std::to_string(max) + "]");
    }
    return value;
}

std::string parse_choice(const std::string& name, const std::string& text, std::initializer_list<const char*> choices) {
    std::string list;
    for (const char* c : choices) {
        if (text == c) return text;
        list += list.empty() ? c : std::string(" | ") + c;
    }
    throw UsageError("invalid value '" + text + "' for --" + name + ": " + list);
}

std::string parse_device(const std::string& text) {
    const bool ok = text == "cpu" || text == "cuda" ||
                    (text.rfind("cuda:", 0) == 0 && text.size() > 5 && text.size() < 9 &&
                     text.find_first_not_of("0123456789", 5) == std::string::npos);
    if (!ok) throw UsageError("invalid value '" + text + "' for --device: cpu | cuda | cuda:N");
    return text;
}

Options parse_options(int argc, char** argv) {
    Options o;
    const std::map<std::string, std::function<void(const std::string&)>> valued = {
        {"batch", [&](const std::string& v) { o.batch = parse_int("batch", v, 1, 1 << 20); }},
        {"resolution", [&](const std::string& v) { o.resolution = static_cast<int>(parse_int("resolution", v, 1, 1 << 16)); }},
        {"channels", [&](const std::string& v) { o.channels = static_cast<int>(parse_int("channels", v, 1, 4)); }},
        {"base-channels", [&](const std::string& v) { o.base_channels = static_cast<int>(parse_int("base-channels", v, 1, 1 << 16)); }},
        {"noise-dim", [&](const std::string& v) { o.noise_dim = static_cast<int>(parse_int("noise-dim", v, 1, 1 << 20)); }},
        {"posterior-dim", [&](const std::string& v) { o.posterior_dim = static_cast<int>(parse_int("posterior-dim", v, 1, 1 << 20)); }},
        {"steps", [&](const std::string& v) { o.steps = static_cast<int>(parse_int("steps", v, 1, 1 << 24)); }},
        {"warmup", [&](const std::string& v) { o.warmup = static_cast<int>(parse_int("warmup", v, 0, 1 << 24)); }},
        {"threads", [&](const std::string& v) { o.threads = static_cast<int>(parse_int("threads", v, 0, 1024)); }},
        {"adain-mode", [&](const std::string& v) { o.adain_mode = parse_choice("adain-mode", v, {"statistics", "affine"}); }},
        {"kernels", [&](const std::string& v) { o.kernels = parse_choice("kernels", v, {"fast", "reference"}); }},
        {"device", [&](const std::string& v) { o.device = parse_device(v); }},
        {"precision", [&](const std::string& v) { o.precision = parse_choice("precision", v, {"float32", "bf16"}); }},
        {"memory-format", [&](const std::string& v) {
             o.memory_format = parse_choice("memory-format", v, {"contiguous", "channels_last"});
         }},
        {"seed", [&](const std::string& v) { o.seed = static_cast<uint64_t>(parse_int("seed", v, 0, INT64_MAX)); }},
    };
    for (int i = 1; i < argc; ++i) {
        std::string arg = argv[i];
        if (arg.rfind("--", 0) != 0) throw UsageError("unexpected argument '" + arg + "' (options start with --)");
        std::string name = arg.substr(2);
        std::optional<std::string> value;
        if (const auto eq = name.find('='); eq != std::string::npos) {
            value = name.substr(eq + 1);
            name = name.substr(0, eq);
        }
        if (name == "peak") {
            if (value) throw UsageError("option --peak takes no value");
            o.peak = true;
            continue;
        }
        const auto it = valued.find(name);
        if (it == valued.end()) throw UsageError("unknown option --" + name);
        if (!value) {
            if (i + 1 >= argc) throw UsageError("option --" + name + " needs a value");
            value = argv[++i];
        }
        it->second(*value);
    }
    return o;
}

void check(p2gan_status status, const char* what) {
    if (status != P2GAN_STATUS_OK) {
        throw NativeError(std::string(what) + " failed (status " + std::to_string(status) + "): " + p2gan_last_error());
    }
}

// Uniform [-1, 1) from splitmix64 of (seed, index): the same images as the managed bench.
std::vector<float> synthetic_images(size_t count, uint64_t seed) {
    std::vector<float> out(count);
    for (size_t i = 0; i < count; ++i) {
        uint64_t z = seed + 0x9E3779B97F4A7C15ull * (i + 1);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        z ^= z >> 31;
        out[i] = static_cast<float>(static_cast<double>(z >> 40) / 16777216.0 * 2.0 - 1.0);
    }
    return out;
}

double median(std::vector<double> values) {
    std::sort(values.begin(), values.end());
    const size_t n = values.size();
    return n % 2 == 1 ? values[n / 2] : 0.5 * (values[n / 2 - 1] + values[n / 2]);
}

double ms_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

// Resident set size in MiB from /proc/self/statm; nullopt where there is none.
std::optional<double> rss_mb() {
#if defined(__linux__)
    std::ifstream statm("/proc/self/statm");
    long long size = 0, resident = 0;
    if (!(statm >> size >> resident)) return std::nullopt;
    return static_cast<double>(resident) * static_cast<double>(::sysconf(_SC_PAGESIZE)) / (1024.0 * 1024.0);
#else
    return std::nullopt;
#endif
}

// A minimal JSON writer: objects of numbers, strings, booleans and null, in insertion order.
class Json {
public:
    Json& begin(const char* key = nullptr) {
        field(key);
        out_ << '{';
        first_ = true;
        return *this;
    }
    Json& end() {
        out_ << '}';
        first_ = false;
        return *this;
    }
    Json& num(const char* key, double v) {
        field(key);
        if (std::isfinite(v)) {
            char buf[64];
            std::snprintf(buf, sizeof buf, "%.10g", v);
            out_ << buf;
        } else {
            out_ << "null";
        }
        return *this;
    }
    Json& num(const char* key, std::optional<double> v) { return v ? num(key, *v) : null(key); }
    Json& integer(const char* key, long long v) {
        field(key);
        out_ << v;
        return *this;
    }
    Json& boolean(const char* key, bool v) {
        field(key);
        out_ << (v ? "true" : "false");
        return *this;
    }
    Json& null(const char* key) {
        field(key);
        out_ << "null";
        return *this;
    }
    Json& str(const char* key, const std::string& v) {
        field(key);
        quoted(v);
        return *this;
    }
    std::string text() const { return out_.str(); }

private:
    void field(const char* key) {
        if (!first_) out_ << ',';
        first_ = false;
        if (key != nullptr) {
            quoted(key);
            out_ << ':';
        }
    }
    void quoted(const std::string& v) {
        out_ << '"';
        for (const unsigned char ch : v) {
            if (ch == '"' || ch == '\\') {
                out_ << '\\' << ch;
            } else if (ch < 0x20) {
                char buf[8];
                std::snprintf(buf, sizeof buf, "\\u%04x", ch);
                out_ << buf;
            } else {
                out_ << ch;
            }
        }
        out_ << '"';
    }
    std::ostringstream out_;
    bool first_ = true;
};

struct Phases {
    std::vector<double> transfer, d_forward, d_backward, g_forward, g_backward, optimizer, host_syncs;
    void add(const p2gan_step_timings& t) {
        host_syncs.push_back(t.host_syncs);
        transfer.push_back(t.transfer_ms);
        d_forward.push_back(t.d_forward_ms);
        d_backward.push_back(t.d_backward_ms);
        g_forward.push_back(t.g_forward_ms);
        g_backward.push_back(t.g_backward_ms);
        optimizer.push_back(t.optimizer_ms);
    }
};

class ModelHandle {
public:
    // Values the core refuses (a resolution of 33, ...) are usage errors like unknown options.
    ModelHandle(const p2gan_model_params& p, const p2gan_runtime_params& r) {
        const auto status = p2gan_model_create(&p, &r, &model_);
        if (status == P2GAN_STATUS_INVALID_ARGUMENT) throw UsageError(p2gan_last_error());
        check(status, "p2gan_model_create");
    }
    ~ModelHandle() { p2gan_model_destroy(model_); }
    ModelHandle(const ModelHandle&) = delete;
    ModelHandle& operator=(const ModelHandle&) = delete;
    p2gan_model* get() const { return model_; }

private:
    p2gan_model* model_ = nullptr;
};

p2gan_model_params model_params(const Options& o) {
    auto p = p2gan_model_default_params();
    p.resolution = o.resolution;
    p.channels = o.channels;
    p.base_channels = o.base_channels;
    p.noise_dim = o.noise_dim;
    p.posterior_dim = o.posterior_dim;
    p.adain_mode = o.adain_mode == "affine" ? P2GAN_ADAIN_AFFINE : P2GAN_ADAIN_STATISTICS;
    p.seed = o.seed;
    return p;
}

p2gan_runtime_params runtime_params(const Options& o) {
    auto r = p2gan_runtime_default_params();
    r.intra_op_threads = o.threads;
    std::snprintf(r.device, sizeof r.device, "%s", o.device.c_str());
    r.precision = o.precision == "bf16" ? P2GAN_PRECISION_BFLOAT16_AUTOCAST : P2GAN_PRECISION_FLOAT32;
    r.memory_format = o.memory_format == "channels_last" ? P2GAN_MEMORY_FORMAT_CHANNELS_LAST
                                                         : P2GAN_MEMORY_FORMAT_CONTIGUOUS;
    r.kernels = o.kernels == "reference" ? P2GAN_KERNELS_REFERENCE : P2GAN_KERNELS_FAST;
    return r;
}

std::string run(const Options& o) {
    ModelHandle model(model_params(o), runtime_params(o));
    p2gan_model* m = model.get();

    const size_t image = static_cast<size_t>(o.channels) * o.resolution * o.resolution;
    const auto real = synthetic_images(static_cast<size_t>(o.batch) * image, o.seed);
    const int64_t shape[4] = {o.batch, o.channels, o.resolution, o.resolution};
    p2gan_step_metrics metrics{};
    metrics.struct_size = sizeof metrics;
    p2gan_step_timings timings{};
    timings.struct_size = sizeof timings;
    auto train_step = [&] {
        check(p2gan_model_train_step(m, real.data(), real.size(), shape, 4, &metrics), "p2gan_model_train_step");
    };

    // Resident memory after the model's Nth train step (warm-up included).
    std::optional<double> rss_warmup, rss_100, rss_1000;
    int64_t done = 0;
    auto after_step = [&] {
        ++done;
        if (done == 100) rss_100 = rss_mb();
        if (done == 1000) rss_1000 = rss_mb();
    };

    for (int i = 0; i < o.warmup; ++i) train_step(), after_step();
    rss_warmup = rss_mb();

    const bool cuda = o.device.rfind("cuda", 0) == 0;
    std::vector<double> step_ms;
    Phases phases;
    for (int i = 0; i < o.steps; ++i) {
        const auto start = std::chrono::steady_clock::now();
        train_step();
        step_ms.push_back(ms_since(start));
        after_step();
        if (!cuda) {
            check(p2gan_model_last_step_timings(m, &timings), "p2gan_model_last_step_timings");
            phases.add(timings);
        }
    }
    const auto rss_last = rss_mb();
    if (cuda) {
        // Unsynchronized CUDA phases mean nothing; a separate pass measures them, so the
        // timed steps above ran at full speed.
        check(p2gan_model_set_profiling(m, 1), "p2gan_model_set_profiling");
        for (int i = 0; i < std::min(o.steps, kProfilingSteps); ++i) {
            train_step();
            check(p2gan_model_last_step_timings(m, &timings), "p2gan_model_last_step_timings");
            phases.add(timings);
        }
        check(p2gan_model_set_profiling(m, 0), "p2gan_model_set_profiling");
    }

    std::vector<float> samples(static_cast<size_t>(o.batch) * image);
    auto sample = [&] {
        check(p2gan_model_sample(m, o.batch, o.seed + 1, nullptr, 0, nullptr, 0, 0, samples.data(), samples.size()),
              "p2gan_model_sample");
    };
    sample();
    std::vector<double> sample_ms;
    for (int i = 0; i < kSampleRuns; ++i) {
        const auto start = std::chrono::steady_clock::now();
        sample();
        sample_ms.push_back(ms_since(start));
    }

    p2gan_runtime_info info{};
    info.struct_size = sizeof info;
    check(p2gan_runtime_info_get(&info), "p2gan_runtime_info_get");
    double flops = 0;
    check(p2gan_model_step_flops(m, o.batch, &flops), "p2gan_model_step_flops");
    std::optional<double> peak;
    if (o.peak) {
        double gflops = 0;
        check(p2gan_peak_gemm_gflops(2048, 0, &gflops), "p2gan_peak_gemm_gflops");
        peak = gflops;
    }

    const double median_ms = median(step_ms);
    const double achieved = flops / (median_ms / 1e3) / 1e9;
    Json j;
    j.begin();
    j.str("host", "native");
    j.num("train_images_per_second", static_cast<double>(o.batch) / (median_ms / 1e3));
    j.begin("step_ms")
        .num("min", *std::min_element(step_ms.begin(), step_ms.end()))
        .num("median", median_ms)
        .num("max", *std::max_element(step_ms.begin(), step_ms.end()))
        .end();
    j.num("sample_images_per_second", static_cast<double>(o.batch) / (median(sample_ms) / 1e3));
    j.begin("phases_ms")
        .num("transfer", median(phases.transfer))
        .num("d_forward", median(phases.d_forward))
        .num("d_backward", median(phases.d_backward))
        .num("g_forward", median(phases.g_forward))
        .num("g_backward", median(phases.g_backward))
        .num("optimizer", median(phases.optimizer))
        .end();
    j.str("phases_from", cuda ? "profiling_pass" : "timed_steps");
    j.num("host_syncs_per_step", median(phases.host_syncs));
    j.begin("threads")
        .integer("intra_op", info.intra_op_threads)
        .num("blas", info.blas_threads >= 0 ? std::optional<double>(info.blas_threads) : std::nullopt)
        .integer("cores", info.cores)
        .str("omp_wait_policy", std::getenv("OMP_WAIT_POLICY") != nullptr ? std::getenv("OMP_WAIT_POLICY") : "unset")
        .end();
    j.str("libtorch_version", info.libtorch_version);
    j.str("blas", info.blas);
    j.boolean("mkldnn", info.mkldnn != 0);
    j.boolean("cuda_available", info.cuda_available != 0);
    j.str("version", p2gan_version_string());
    j.num("flops_per_step", flops);
    j.num("achieved_gflops", achieved);
    if (peak) {
        j.num("peak_gflops", *peak);
        j.num("fraction_of_peak", achieved / *peak);
    }
    j.begin("rss_mb")
        .num("after_warmup", rss_warmup)
        .num("at_step_100", rss_100)
        .num("at_step_1000", rss_1000)
        .num("last", rss_last)
        .end();
    j.begin("config")
        .integer("batch", o.batch)
        .integer("resolution", o.resolution)
        .integer("channels", o.channels)
        .integer("base_channels", o.base_channels)
        .integer("noise_dim", o.noise_dim)
        .integer("posterior_dim", o.posterior_dim)
        .integer("steps", o.steps)
        .integer("warmup", o.warmup)
        .integer("threads", o.threads)
        .str("adain_mode", o.adain_mode)
        .str("kernels", o.kernels)
        .str("device", o.device)
        .str("precision", o.precision)
        .str("memory_format", o.memory_format)
        .integer("seed", static_cast<long long>(o.seed))
        .end();
    j.end();
    return j.text();
}

}  // namespace

int main(int argc, char** argv) {
    // As the .NET bindings do before they load the library: OpenMP workers that sleep rather than
    // spin, so that the step does not collapse when another process competes for the cores. The
    // OpenMP runtime read the environment when this program started (it is linked in), so the
    // program starts itself again with the variable set.
    if (std::getenv("OMP_WAIT_POLICY") == nullptr) {
        ::setenv("OMP_WAIT_POLICY", "PASSIVE", 0);
        ::execv("/proc/self/exe", argv);  // returns only on failure: then run as we are
    }
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--help" || arg == "-h") {
            print_usage(stdout);
            return 0;
        }
    }
    Options options;
    try {
        options = parse_options(argc, argv);
    } catch (const UsageError& e) {
        std::fprintf(stderr, "%s: error: %s (see --help)\n", kTool, e.what());
        return kExitUsage;
    }
    try {
        const auto json = run(options);
        std::printf("%s\n", json.c_str());
        return 0;
    } catch (const UsageError& e) {
        std::fprintf(stderr, "%s: error: %s (see --help)\n", kTool, e.what());
        return kExitUsage;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "%s: error: %s\n", kTool, e.what());
        return kExitFailure;
    }
}
