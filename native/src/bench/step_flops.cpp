#include "bench/step_flops.h"

#include "nn/adain.h"

namespace p2gan {
namespace {

double conv_macs(double out_side, double in_channels, double out_channels, double kernel) {
    return out_side * out_side * out_channels * in_channels * kernel * kernel;
}

double transposed_conv_macs(double in_side, double in_channels, double out_channels, double kernel) {
    return in_side * in_side * in_channels * out_channels * kernel * kernel;
}

// Outputs of an AdaIN posterior module: a C x 4 x 4 style map or per-channel gain and bias.
double posterior_outputs(const NetworkConfig& p, double channels) {
    return p.adain_mode == AdainMode::statistics ? channels * kStyleMapSide * kStyleMapSide : 2 * channels;
}

}  // namespace

// The layer lists of discriminator.cpp and generator.cpp (docs/architecture.md).
NetworkMacs network_macs(const NetworkConfig& p) {
    NetworkMacs m;
    const int stages = p.stage_count();
    const double d = p.posterior_dim;

    // D: conv3x3 C->c at full size; per level a conv4x4/2 then a conv3x3; two heads.
    m.d_first_conv = conv_macs(p.resolution, p.channels, p.level_channels(0), 3);
    m.d_total = m.d_first_conv;
    for (int level = 0; level < stages; ++level) {
        const double side = static_cast<int>(p.resolution) >> (level + 1);
        const double ch = p.level_channels(level);
        m.d_total += conv_macs(side, ch, ch, 4) + conv_macs(side, ch, p.level_channels(level + 1), 3);
    }
    const double top = p.level_channels(stages);
    m.d_total += p.scalar_head ? top * 4 * 4 : 2 * (top * 4 * 4 * d);

    // G: fc n -> top x 4 x 4, AdaIN on it; per block a transposed conv4x4/2 and an AdaIN;
    // conv3x3 c -> C at full size.
    m.g_fc = p.noise_dim * top * 4 * 4;
    m.g_posterior = d * posterior_outputs(p, top);
    double deconvs = 0;
    for (int level = stages; level > 0; --level) {
        const double in_side = static_cast<int>(p.resolution) >> level;
        const double out_channels = p.level_channels(level - 1);
        deconvs += transposed_conv_macs(in_side, p.level_channels(level), out_channels, 4);
        m.g_posterior += d * posterior_outputs(p, out_channels);
    }
    const double out_conv = conv_macs(p.resolution, p.level_channels(0), p.channels, 3);
    m.g_total = m.g_fc + m.g_posterior + deconvs + out_conv;
    return m;
}

StepFlops step_flops(const NetworkConfig& params, int64_t batch) {
    const auto m = network_macs(params);
    // Per image, in MACs: see the convention in step_flops.h.
    const double d_step = 2 * (m.d_total + m.d_total + (m.d_total - m.d_first_conv))  // D(real), D(fake)
                          + m.g_total;                                                 // G, no gradients
    const double g_step = m.d_total                                                    // D(real), no gradients
                          + m.g_total + m.d_total                                      // G, D(fake)
                          + m.d_total                                                  // input grads through D
                          + m.g_total + (m.g_total - m.g_fc - m.g_posterior);          // G weight, input grads
    const double flops_per_mac = 2;
    const double images = static_cast<double>(batch);
    return {flops_per_mac * d_step * images, flops_per_mac * g_step * images};
}

}  // namespace p2gan
