// Small models and data shared by the native core tests.
#pragma once

#include <vector>

#include <torch/torch.h>

#include "config/settings.h"
#include "nn/network_config.h"
#include "p2gan/p2gan.h"

namespace p2gan::testing {

// A model small enough that a train step takes milliseconds.
inline p2gan_model_params tiny_params(uint64_t seed = 1) {
    auto p = default_model_params();
    p.resolution = 32;
    p.channels = 1;
    p.base_channels = 4;
    p.noise_dim = 8;
    p.posterior_dim = 8;
    p.seed = seed;
    return p;
}

// The default runtime (the CPU, fast kernels, contiguous activations), optionally changed.
inline p2gan_runtime_params cpu_runtime(int32_t kernels = P2GAN_KERNELS_FAST,
                                        int32_t memory_format = P2GAN_MEMORY_FORMAT_CONTIGUOUS) {
    auto r = default_runtime_params();
    r.kernels = kernels;
    r.memory_format = memory_format;
    return r;
}

// The networks' configuration of params on the default runtime.
inline NetworkConfig tiny_network(const p2gan_model_params& p = tiny_params()) {
    return network_config(p, default_runtime_params());
}

// A batch in [-1, 1] that depends only on seed.
inline torch::Tensor image_batch(const p2gan_model_params& p, int64_t batch, uint64_t seed = 7) {
    auto gen = at::make_generator<at::CPUGeneratorImpl>(seed);
    return torch::rand({batch, p.channels, p.resolution, p.resolution}, gen, torch::kFloat32) * 2.0 - 1.0;
}

// Copies of a module's parameters, to compare before and after a step.
inline std::vector<torch::Tensor> snapshot(torch::nn::Module& m) {
    std::vector<torch::Tensor> out;
    for (const auto& p : m.parameters()) out.push_back(p.detach().clone());
    return out;
}

inline bool all_equal(const std::vector<torch::Tensor>& a, const std::vector<torch::Tensor>& b) {
    for (size_t i = 0; i < a.size(); ++i) {
        if (!torch::equal(a[i], b[i])) return false;
    }
    return true;
}

inline bool all_changed(const std::vector<torch::Tensor>& a, const std::vector<torch::Tensor>& b) {
    for (size_t i = 0; i < a.size(); ++i) {
        if (torch::equal(a[i], b[i])) return false;
    }
    return true;
}

}  // namespace p2gan::testing
