// Small models and data shared by the native core tests.
#pragma once

#include <torch/torch.h>

#include "config.h"
#include "p2gan/p2gan.h"

namespace p2gan::testing {

// A model small enough that a train step takes milliseconds.
inline p2gan_model_params tiny_params(uint64_t seed = 1) {
    auto p = default_params();
    p.resolution = 32;
    p.channels = 1;
    p.base_channels = 4;
    p.noise_dim = 8;
    p.posterior_dim = 8;
    p.seed = seed;
    return p;
}

// A batch in [-1, 1] that depends only on seed.
inline torch::Tensor image_batch(const p2gan_model_params& p, int64_t batch, uint64_t seed = 7) {
    auto gen = at::make_generator<at::CPUGeneratorImpl>(seed);
    return torch::rand({batch, p.channels, p.resolution, p.resolution}, gen, torch::kFloat32) * 2.0 - 1.0;
}

}  // namespace p2gan::testing
