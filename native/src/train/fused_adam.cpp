#include "train/fused_adam.h"

#include <ATen/Parallel.h>
#include <torch/csrc/autograd/variable.h>

#include <cmath>
#include <sstream>
#include <type_traits>

#include "train/adam_state.h"

namespace p2gan {
namespace {

bool contiguous_cpu_float(const torch::Tensor& t) {
    return t.device().is_cpu() && t.scalar_type() == torch::kFloat32 && t.is_contiguous() && !t.is_sparse();
}

// Whether the fused loop can do every update of this step: plain Adam (no weight decay,
// no AMSGrad) on contiguous CPU float32 parameters, gradients and moments.
bool fusable(torch::optim::Adam& opt) {
    const auto& state = opt.state();
    for (auto& group : opt.param_groups()) {
        const auto& options = static_cast<const torch::optim::AdamOptions&>(group.options());
        if (options.weight_decay() != 0.0 || options.amsgrad()) return false;
        for (auto& p : group.params()) {
            const auto& grad = p.grad();
            if (!grad.defined()) continue;
            if (!contiguous_cpu_float(p) || !contiguous_cpu_float(grad)) return false;
            const auto it = state.find(adam_state_key(state, p));
            if (it == state.end()) continue;
            const auto& s = static_cast<const torch::optim::AdamParamState&>(*it->second);
            if (!contiguous_cpu_float(s.exp_avg()) || !contiguous_cpu_float(s.exp_avg_sq())) return false;
        }
    }
    return true;
}

struct Coefficients {
    float beta1, one_minus_beta1, beta2, one_minus_beta2, bias_correction2_sqrt, eps, step_size;
};

// AVX2 where the CPU has it, SSE2 otherwise: the loop is bound by sqrt and division,
// so vector width is what makes one pass beat LibTorch's eight vectorized ones.
#if defined(__GNUC__) && defined(__x86_64__) && !defined(_WIN32)
#define P2GAN_VECTOR_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define P2GAN_VECTOR_CLONES
#endif

// The arithmetic of torch::optim::Adam::step, operation by operation, in float32.
P2GAN_VECTOR_CLONES
void update_range(float* __restrict p, const float* __restrict g, float* __restrict m,
                  float* __restrict v, int64_t begin, int64_t end, const Coefficients c) {
    for (int64_t i = begin; i < end; ++i) {
        const float grad = g[i];
        const float mean = m[i] * c.beta1 + c.one_minus_beta1 * grad;
        const float square = v[i] * c.beta2 + c.one_minus_beta2 * (grad * grad);
        m[i] = mean;
        v[i] = square;
        const float denom = std::sqrt(square) / c.bias_correction2_sqrt + c.eps;
        p[i] = p[i] - c.step_size * (mean / denom);
    }
}

void update(float* p, const float* g, float* m, float* v, int64_t n, const Coefficients& c) {
    constexpr int64_t kGrain = 1 << 14;
    at::parallel_for(0, n, kGrain, [&](int64_t begin, int64_t end) { update_range(p, g, m, v, begin, end, c); });
}

}  // namespace

void fused_adam_step(torch::optim::Adam& opt) {
    if (!fusable(opt)) {
        opt.step();  // the same arithmetic, operation by operation
        return;
    }
    torch::NoGradGuard no_grad;
    auto& state = opt.state();
    for (auto& group : opt.param_groups()) {
        const auto& options = static_cast<const torch::optim::AdamOptions&>(group.options());
        const double beta1 = std::get<0>(options.betas());
        const double beta2 = std::get<1>(options.betas());
        for (auto& p : group.params()) {
            const auto& grad = p.grad();
            if (!grad.defined()) continue;
            const auto key = adam_state_key(state, p);
            auto it = state.find(key);
            if (it == state.end()) {
                auto fresh = std::make_unique<torch::optim::AdamParamState>();
                fresh->step(0);
                fresh->exp_avg(torch::zeros_like(p, torch::MemoryFormat::Preserve));
                fresh->exp_avg_sq(torch::zeros_like(p, torch::MemoryFormat::Preserve));
                it = state.insert({key, std::move(fresh)}).first;
            }
            auto& s = static_cast<torch::optim::AdamParamState&>(*it->second);
            s.step(s.step() + 1);
            const double bc1 = 1.0 - std::pow(beta1, static_cast<double>(s.step()));
            const double bc2 = 1.0 - std::pow(beta2, static_cast<double>(s.step()));
            const Coefficients c{static_cast<float>(beta1),
                                 static_cast<float>(1.0 - beta1),
                                 static_cast<float>(beta2),
                                 static_cast<float>(1.0 - beta2),
                                 static_cast<float>(std::sqrt(bc2)),
                                 static_cast<float>(options.eps()),
                                 static_cast<float>(options.lr() / bc1)};
            update(p.data_ptr<float>(), grad.data_ptr<float>(), s.exp_avg().data_ptr<float>(),
                   s.exp_avg_sq().data_ptr<float>(), p.numel(), c);
            // Raw writes skip the version counter that in-place ops bump; autograd checks it.
            torch::autograd::impl::bump_version(p);
        }
    }
}

}  // namespace p2gan
