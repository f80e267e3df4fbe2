// The benchmarking exports: runtime settings, phase times, the step's FLOP count and the
// GEMM peak probe (docs/benchmarks.md). Same guard and argument checks as c_api.cpp.
#include <algorithm>
#include <chrono>
#include <cstring>
#include <string>

#include <ATen/CPUGeneratorImpl.h>
#include <ATen/Context.h>
#include <torch/torch.h>
#include <torch/version.h>

#include "abi/buffers.h"
#include "abi/guard.h"
#include "abi/handles.h"
#include "abi/structs.h"
#include "runtime/errors.h"
#include "bench/step_flops.h"
#include "runtime/threading.h"

namespace {

using p2gan::abi::guarded;

// Copies text NUL-terminated into a fixed char array, cut to fit.
template <size_t N>
void copy_text(char (&out)[N], const std::string& text) {
    const size_t n = std::min(text.size(), N - 1);
    std::memcpy(out, text.data(), n);
    std::memset(out + n, 0, N - n);
}

double gemm_seconds(const torch::Tensor& a, const torch::Tensor& b, torch::Tensor& c) {
    const auto start = std::chrono::steady_clock::now();
    torch::mm_out(c, a, b);
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

extern "C" {

p2gan_status p2gan_runtime_info_get(p2gan_runtime_info* out_info) {
    return guarded(__func__, [&] {
        p2gan::abi::caller_size(out_info, "out_info");
        const auto settings = p2gan::current_thread_settings();
        p2gan_runtime_info info{};
        info.struct_size = sizeof(p2gan_runtime_info);
        info.intra_op_threads = settings.intra_op_threads;
        info.blas_threads = settings.blas_threads;
        info.cores = p2gan::hardware_threads();
        info.mkldnn = at::hasMKLDNN() ? 1 : 0;
        info.cuda_available = torch::cuda::is_available() ? 1 : 0;
        copy_text(info.libtorch_version, TORCH_VERSION);
        copy_text(info.blas, settings.blas);
        p2gan::abi::write_output(out_info, info, "out_info");
    });
}

p2gan_status p2gan_model_last_step_timings(const p2gan_model* model, p2gan_step_timings* out_timings) {
    return guarded(__func__, [&] {
        p2gan::require_non_null(model, "model");
        p2gan::abi::caller_size(out_timings, "out_timings");
        const auto& t = model->model.last_step_timings();
        p2gan_step_timings out{};
        out.struct_size = sizeof(p2gan_step_timings);
        out.synchronized = t.synchronized ? 1 : 0;
        out.transfer_ms = t.transfer_ms;
        out.d_forward_ms = t.d_forward_ms;
        out.d_backward_ms = t.d_backward_ms;
        out.g_forward_ms = t.g_forward_ms;
        out.g_backward_ms = t.g_backward_ms;
        out.optimizer_ms = t.optimizer_ms;
        out.total_ms = t.total_ms;
        out.communication_ms = t.communication_ms;
        out.communication_bytes = t.communication_bytes;
        out.host_syncs = t.host_syncs;
        p2gan::abi::write_output(out_timings, out, "out_timings");
    });
}

p2gan_status p2gan_model_set_profiling(p2gan_model* model, int32_t enabled) {
    return guarded(__func__, [&] {
        p2gan::require_non_null(model, "model");
        model->model.set_profiling(enabled != 0);
    });
}

p2gan_status p2gan_model_step_flops(const p2gan_model* model, int64_t batch, double* out_flops) {
    return guarded(__func__, [&] {
        p2gan::require_non_null(model, "model");
        p2gan::require_non_null(out_flops, "out_flops");
        if (batch < 1 || batch > (1 << 20)) {
            p2gan::fail_invalid("batch must be in [1, 2^20], got " + std::to_string(batch));
        }
        *out_flops = p2gan::step_flops(model->model.network(), batch).total();
    });
}

p2gan_status p2gan_peak_gemm_gflops(int64_t size, int32_t threads, double* out_gflops) {
    return guarded(__func__, [&] {
        p2gan::require_non_null(out_gflops, "out_gflops");
        if (size < 64 || size > 16384) p2gan::fail_invalid("size must be in [64, 16384], got " + std::to_string(size));
        if (threads < 0 || threads > 256) {
            p2gan::fail_invalid("threads must be in [0, 256] (0 = one per hardware thread), got " +
                                std::to_string(threads));
        }
        torch::NoGradGuard no_grad;
        auto gen = at::make_generator<at::CPUGeneratorImpl>(/*seed=*/1);
        const auto a = torch::randn({size, size}, gen, torch::kFloat32);
        const auto b = torch::randn({size, size}, gen, torch::kFloat32);
        auto c = torch::empty({size, size}, torch::kFloat32);
        p2gan::ScopedBlasThreads blas(threads > 0 ? threads : p2gan::hardware_threads());
        gemm_seconds(a, b, c);  // warm-up: thread start, page faults
        // Best of a few, with at least ~0.5 s measured so small sizes are not timer noise.
        double best = 1e300, spent = 0;
        for (int run = 0; run < 50 && (run < 3 || spent < 0.5); ++run) {
            const double s = gemm_seconds(a, b, c);
            best = std::min(best, s);
            spent += s;
        }
        *out_gflops = 2.0 * static_cast<double>(size) * size * size / best / 1e9;
    });
}

}  // extern "C"
