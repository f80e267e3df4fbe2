#include "nn/init.h"

#include <cmath>

#include "nn/spectral_norm.h"

namespace p2gan {
namespace {

void init_normalized_normal(torch::Tensor& t, at::Generator& rng) {
    t.normal_(0.0, 1.0, rng);
    t.div_(t.norm().clamp_min(1e-12));
}

}  // namespace

void initialize_weights(torch::nn::Module& module, at::Generator& rng) {
    torch::NoGradGuard no_grad;
    // Module order is the registration order, so the draw sequence is fixed.
    for (auto& m : module.modules(/*include_self=*/true)) {
        auto params = m->named_parameters(/*recurse=*/false);
        auto buffers = m->named_buffers(/*recurse=*/false);
        torch::Tensor* weight = params.find("weight_orig");
        if (weight == nullptr) weight = params.find("weight");
        if (weight == nullptr) continue;
        const auto fan_in = weight->numel() / weight->size(0);
        const double bound = 1.0 / std::sqrt(static_cast<double>(fan_in));
        weight->uniform_(-bound, bound, rng);
        if (auto* bias = params.find("bias")) bias->uniform_(-bound, bound, rng);
        auto* u = buffers.find("weight_u");
        auto* v = buffers.find("weight_v");
        if (u != nullptr && v != nullptr) {
            init_normalized_normal(*u, rng);
            init_normalized_normal(*v, rng);
            power_iterate(*weight, *u, *v, kInitialPowerIterations);
        }
    }
}

}  // namespace p2gan
