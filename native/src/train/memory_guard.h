// The memory guard: before a model is built (p2gan_model_create, p2gan_model_load), its
// memory is estimated from the settings alone and a model that cannot fit is refused
// (P2GAN_STATUS_INVALID_ARGUMENT) instead of failing deep inside an allocation.
#pragma once

#include <cstdint>
#include <optional>

#include "nn/network_config.h"
#include "p2gan/p2gan.h"

namespace p2gan {

// Trainable parameters and buffers of D and G, counted from the layer lists of
// nn/discriminator.cpp and nn/generator.cpp (exact; G_ema has G's counts).
struct NetworkSizes {
    int64_t d_parameters = 0, d_buffers = 0;
    int64_t g_parameters = 0, g_buffers = 0;
};
NetworkSizes network_sizes(const NetworkConfig& config);

struct MemoryEstimate {
    double state_bytes = 0;       // parameters, gradients and Adam's two moments of D and G, G_ema, buffers
    double activation_bytes = 0;  // a rough figure for one train step at batch 64
    double total_bytes() const { return state_bytes + activation_bytes; }
};
MemoryEstimate estimate_model_memory(const p2gan_model_params& params, const NetworkConfig& config);

// MiB the model may use: P2GAN_MEMORY_LIMIT_MB when set (a positive integer), else the
// machine's MemAvailable (/proc/meminfo, Linux); nullopt when neither is known.
std::optional<double> memory_limit_mib();

// Throws P2GAN_STATUS_INVALID_ARGUMENT ("this model needs about N MiB (parameters and
// optimizer state M MiB), more than the X MiB available; ...") when the estimate exceeds
// memory_limit_mib(). Allocates nothing.
void check_model_memory(const p2gan_model_params& params, const p2gan_runtime_params& runtime);

}  // namespace p2gan
