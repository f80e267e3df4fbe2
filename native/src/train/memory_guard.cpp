#include "train/memory_guard.h"

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "config/settings.h"
#include "nn/adain.h"
#include "runtime/errors.h"

namespace p2gan {
namespace {

constexpr double kMiB = 1024.0 * 1024.0;
constexpr double kFloatBytes = 4;
constexpr double kActivationBatch = 64;

// Spectrally normalized conv or linear layer: weight and bias; u (rows) and v (columns).
void add_sn_layer(NetworkSizes& s, int64_t in, int64_t out, int64_t kernel) {
    s.d_parameters += out * in * kernel * kernel + out;
    s.d_buffers += out + in * kernel * kernel;
}

// AdaIN: batch norm without affine (running mean, variance, batch count) and a linear
// posterior module d -> style outputs.
void add_adain(NetworkSizes& s, const NetworkConfig& c, int64_t channels) {
    const int64_t outputs =
        c.adain_mode == AdainMode::statistics ? channels * kStyleMapSide * kStyleMapSide : 2 * channels;
    s.g_parameters += c.posterior_dim * outputs + outputs;
    s.g_buffers += 2 * channels + 1;
}

}  // namespace

NetworkSizes network_sizes(const NetworkConfig& c) {
    NetworkSizes s;
    const int stages = c.stage_count();
    add_sn_layer(s, c.channels, c.level_channels(0), 3);
    for (int level = 0; level < stages; ++level) {
        const auto ch = c.level_channels(level);
        add_sn_layer(s, ch, ch, 4);
        add_sn_layer(s, ch, c.level_channels(level + 1), 3);
    }
    const int64_t top = c.level_channels(stages);
    add_sn_layer(s, top * 4 * 4, c.posterior_dim, 1);  // mu head
    add_sn_layer(s, top * 4 * 4, c.posterior_dim, 1);  // sigma head

    s.g_parameters += c.noise_dim * top * 4 * 4 + top * 4 * 4;  // fc
    add_adain(s, c, top);
    for (int level = stages; level > 0; --level) {
        s.g_parameters += c.level_channels(level) * c.level_channels(level - 1) * 4 * 4;  // deconv, no bias
        add_adain(s, c, c.level_channels(level - 1));
    }
    s.g_parameters += c.level_channels(0) * c.channels * 3 * 3 + c.channels;  // out_conv
    return s;
}

MemoryEstimate estimate_model_memory(const p2gan_model_params& params, const NetworkConfig& c) {
    const auto s = network_sizes(c);
    MemoryEstimate e;
    // Parameter, gradient and Adam's two moments for D and G; the step's shadow copy of D's
    // parameters and moments (train/model.h); G_ema's parameters; every buffer twice.
    const double d = static_cast<double>(s.d_parameters), g = static_cast<double>(s.g_parameters);
    const double ema = params.ema_decay > 0.0f ? g + s.g_buffers : 0.0;
    e.state_bytes = kFloatBytes * (4 * d + 3 * d + 4 * g + ema + 2.0 * (s.d_buffers + s.g_buffers));
    // Feature maps per image: D's outputs of each conv (with their activations), G's the same;
    // the step keeps D(real), D(fake) and G for backward: about four of each, rough.
    double d_maps = static_cast<double>(c.level_channels(0)) * c.resolution * c.resolution;
    double g_maps = d_maps;
    for (int level = 0; level < c.stage_count(); ++level) {
        const double side = static_cast<double>(c.resolution >> (level + 1));
        d_maps += side * side * (c.level_channels(level) + c.level_channels(level + 1));
        g_maps += side * side * c.level_channels(level + 1) * 2;
    }
    e.activation_bytes = kFloatBytes * kActivationBatch * 4 * (2 * d_maps + g_maps);
    return e;
}

std::optional<double> memory_limit_mib() {
    if (const char* text = std::getenv("P2GAN_MEMORY_LIMIT_MB"); text != nullptr && *text != '\0') {
        char* end = nullptr;
        const double value = std::strtod(text, &end);
        if (end == text || *end != '\0' || !std::isfinite(value) || value <= 0) {
            fail_invalid(std::string("P2GAN_MEMORY_LIMIT_MB must be a positive number of MiB, got \"") + text + "\"");
        }
        return value;
    }
#if defined(__linux__)
    std::ifstream meminfo("/proc/meminfo");
    std::string line;
    while (std::getline(meminfo, line)) {
        if (line.rfind("MemAvailable:", 0) != 0) continue;
        std::istringstream fields(line.substr(13));
        double kib = 0;
        if (fields >> kib && kib > 0) return kib / 1024.0;
    }
#endif
    return std::nullopt;
}

void check_model_memory(const p2gan_model_params& params, const p2gan_runtime_params& runtime) {
    const auto limit = memory_limit_mib();
    if (!limit) return;
    const auto estimate = estimate_model_memory(params, network_config(params, runtime));
    const double needed = estimate.total_bytes() / kMiB;
    if (needed <= *limit) return;
    const bool from_environment = std::getenv("P2GAN_MEMORY_LIMIT_MB") != nullptr;
    std::ostringstream message;
    message.setf(std::ios::fixed);
    message.precision(0);
    message << "this model needs about " << std::ceil(needed) << " MiB (parameters and optimizer state "
            << std::ceil(estimate.state_bytes / kMiB) << " MiB), more than the " << std::floor(*limit) << " MiB available"
            << (from_environment ? " (P2GAN_MEMORY_LIMIT_MB)" : " (MemAvailable)")
            << "; lower base_channels or resolution"
            << (from_environment ? ", or raise P2GAN_MEMORY_LIMIT_MB" : ", or free memory");
    fail_invalid(message.str());
}

}  // namespace p2gan
