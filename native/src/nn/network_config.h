// What the networks are built from: the architecture of D and G and how they compute.
// A plain C++ type of the nn layer; config/settings.h derives it from the ABI settings.
#pragma once

#include <algorithm>
#include <cstdint>

namespace p2gan {

enum class AdainMode { statistics, affine };

struct NetworkConfig {
    int64_t resolution = 32;     // power of two, 32..128
    int64_t channels = 3;        // image channels
    int64_t base_channels = 64;  // c
    int64_t noise_dim = 128;     // n
    int64_t posterior_dim = 128; // d
    AdainMode adain_mode = AdainMode::statistics;
    bool channels_last = false;  // NHWC activations inside the networks
    bool fast_kernels = true;    // the optimized transposed convolution
    bool scalar_head = false;    // a baseline's D: one score per image instead of a posterior

    // Number of stride-2 stages between 4x4 and the resolution (3 for 32x32).
    int stage_count() const {
        int stages = 0;
        for (int64_t size = resolution; size > 4; size /= 2) ++stages;
        return stages;
    }
    // Channels at each feature-map level: level 0 is the image resolution, level
    // stage_count() is 4x4. Doubling from c per level, capped at 8c.
    int64_t level_channels(int level) const { return std::min<int64_t>(base_channels << level, 8 * base_channels); }
};

}  // namespace p2gan
