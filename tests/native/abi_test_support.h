// What the ABI test files share: a model small enough for millisecond steps, built from
// the public defaults only (these tests see nothing but p2gan.h), and the error text.
#pragma once

#include <cstring>
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

// The default runtime (the CPU) with `threads` LibTorch intra-op threads (0 = the default).
inline p2gan_runtime_params runtime(int32_t threads = 0, const char* device = "cpu") {
    auto r = p2gan_runtime_default_params();
    r.intra_op_threads = threads;
    std::memset(r.device, 0, sizeof r.device);
    std::strncpy(r.device, device, sizeof r.device - 1);
    return r;
}

inline std::string last_error() { return p2gan_last_error(); }

}  // namespace p2gan::abi_testing
