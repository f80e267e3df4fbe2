// Floating-point operations of one train step, counted from the layer shapes: the figure
// that achieved GFLOP/s in `p2gan bench` divides by (docs/benchmarks.md).
//
// Convention. Only the conv, transposed-conv and linear layers count, at 2 FLOPs per
// multiply-accumulate (MAC):
//  - forward: conv k x k, ci -> co, output Ho x Wo: Ho*Wo*co*ci*k*k MACs per image;
//    transposed conv k x k, ci -> co, INPUT Hi x Wi: Hi*Wi*ci*co*k*k (the adjoint of the
//    conv it transposes); linear in -> out: in*out.
//  - backward: the input gradient and the weight gradient each cost as much as the
//    forward, and each is counted only where the step computes it.
// Biases, activations, batch norm / AdaIN arithmetic, spectral-norm power iterations,
// losses, Adam and the EMA are not counted (elementwise or O(parameters), a few percent).
//
// The step is the one training iteration with n_dis = 1 and no pre-training:
//  D step: D(real) forward + weight and input gradients (no input gradient for the first
//          conv: the images need none); G forward without gradients; D(fake) likewise.
//  G step: D(real) forward without gradients; G forward; D(fake) forward; backward through
//          D(fake) with input gradients only (D frozen), including its first conv; backward
//          through G with every weight gradient and the input gradients of every layer but
//          the ones fed by constants: the fc layer (noise) and the AdaIN posterior modules
//          (codes, drawn from the no-gradient D(real)).
// So, with F_D, F_G the forward MACs per image of D and G, F_d0 of D's first conv, F_fc of
// G's fc layer and F_P of all AdaIN posterior modules:
//  MACs per image = (6 F_D - 2 F_d0 + F_G)  +  (3 F_D + 3 F_G - F_fc - F_P).
// The count does not depend on how the step is implemented (one D pass on a concatenated
// batch, fused kernels, ...): it is the work of the method at these shapes.
#pragma once

#include <cstdint>

#include "nn/network_config.h"

namespace p2gan {

// Forward MACs per image of the parts the convention above names.
struct NetworkMacs {
    double d_total = 0, d_first_conv = 0;
    double g_total = 0, g_fc = 0, g_posterior = 0;
};

struct StepFlops {
    double d_step = 0;  // the D update, FLOPs for the whole batch
    double g_step = 0;  // the G update
    double total() const { return d_step + g_step; }
};

// Pure functions of the architecture (resolution, channels, base_channels, noise_dim,
// posterior_dim, adain_mode); the network must be valid.
NetworkMacs network_macs(const NetworkConfig& network);
StepFlops step_flops(const NetworkConfig& network, int64_t batch);

}  // namespace p2gan
