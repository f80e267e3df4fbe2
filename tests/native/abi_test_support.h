// What the ABI test files share: a model small enough for millisecond steps, built from
// the public defaults only (these tests see nothing but p2gan.h), and the error text.
#pragma once

#include <string>

#include "p2gan/p2gan.h"

namespace p2gan::abi_testing {

inline p2gan_model_params tiny_params(uint64_t seed) {
    auto p = p2gan_model_default_params();
    p.channels = 1;
    p.base_channels = 4;
    p.noise_dim = 8;
    p.posterior_dim = 8;
    p.seed = seed;
    return p;
}

inline std::string last_error() { return p2gan_last_error(); }

}  // namespace p2gan::abi_testing
