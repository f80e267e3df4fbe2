// The FLOP count of one train step (step_flops.h) against a closed form worked out by
// hand for a tiny architecture, so that a change of the convention or of the layer list
// shows up as a failing number rather than a silently different achieved GFLOP/s.
#include <gtest/gtest.h>

#include "config/settings.h"
#include "bench/step_flops.h"

namespace {

// 32x32x1, c = 1 (so channels 1, 2, 4, 8 at 32, 16, 8, 4), n = 2, d = 3.
p2gan::NetworkConfig tiny(int32_t adain_mode) {
    auto p = p2gan::default_model_params();
    p.resolution = 32;
    p.channels = 1;
    p.base_channels = 1;
    p.noise_dim = 2;
    p.posterior_dim = 3;
    p.adain_mode = adain_mode;
    return p2gan::network_config(p, p2gan::default_runtime_params());
}

// The architecture of the default settings.
p2gan::NetworkConfig defaults() {
    return p2gan::network_config(p2gan::default_model_params(), p2gan::default_runtime_params());
}

// Forward MACs per image, layer by layer:
//  D  conv3x3 1->1 @32: 32*32*1*1*9  = 9216
//     conv4x4/2 1->1 ->16: 16*16*1*1*16 = 4096;  conv3x3 1->2 @16: 16*16*2*1*9 = 4608
//     conv4x4/2 2->2 -> 8:  8*8*2*2*16  = 4096;  conv3x3 2->4 @8:  8*8*4*2*9   = 4608
//     conv4x4/2 4->4 -> 4:  4*4*4*4*16  = 4096;  conv3x3 4->8 @4:  4*4*8*4*9   = 4608
//     heads 2 * (8*4*4 * 3) = 768                                  F_D = 36096, F_d0 = 9216
//  G  fc 2 -> 8*4*4: 256                                           F_fc = 256
//     deconv 8->4 from 4x4: 4*4*8*4*16 = 8192; 4->2 from 8x8: 8*8*4*2*16 = 8192;
//     2->1 from 16x16: 16*16*2*1*16 = 8192
//     out conv3x3 1->1 @32: 9216
//     posterior modules, statistics (C*16 outputs): 3*(8+4+2+1)*16 = 720
//                        affine (2C outputs):       3*(8+4+2+1)*2  =  90
//     F_G = 256 + 3*8192 + 9216 + F_P = 34048 + F_P
constexpr double kD = 36096, kD0 = 9216, kFc = 256, kGWithoutPosterior = 34048;

// D step: D(real) and D(fake) each forward + weight grads + input grads but the first conv,
// G forward only. G step: D(real) forward; G and D(fake) forward; input grads through D;
// G weight grads; G input grads but fc and the posterior modules.
double expected_flops(double posterior, double batch, double* d_step, double* g_step) {
    const double g = kGWithoutPosterior + posterior;
    const double d_macs = 2 * (kD + kD + (kD - kD0)) + g;
    const double g_macs = kD + (g + kD) + kD + g + (g - kFc - posterior);
    *d_step = 2 * d_macs * batch;
    *g_step = 2 * g_macs * batch;
    return *d_step + *g_step;
}

TEST(StepFlops, LayerSumsOfATinyNetwork) {
    const auto m = p2gan::network_macs(tiny(P2GAN_ADAIN_STATISTICS));
    EXPECT_DOUBLE_EQ(m.d_total, kD);
    EXPECT_DOUBLE_EQ(m.d_first_conv, kD0);
    EXPECT_DOUBLE_EQ(m.g_fc, kFc);
    EXPECT_DOUBLE_EQ(m.g_posterior, 720);
    EXPECT_DOUBLE_EQ(m.g_total, kGWithoutPosterior + 720);
    EXPECT_DOUBLE_EQ(p2gan::network_macs(tiny(P2GAN_ADAIN_AFFINE)).g_posterior, 90);
}

TEST(StepFlops, ClosedFormOfATinyStep) {
    double d_step = 0, g_step = 0;
    // Statistics mode, batch 2: the hand total is 2 * 444528 MACs * 2 images.
    const double statistics = expected_flops(720, 2, &d_step, &g_step);
    EXPECT_DOUBLE_EQ(statistics, 2.0 * 444528 * 2);
    const auto s = p2gan::step_flops(tiny(P2GAN_ADAIN_STATISTICS), 2);
    EXPECT_DOUBLE_EQ(s.d_step, d_step);
    EXPECT_DOUBLE_EQ(s.g_step, g_step);
    EXPECT_DOUBLE_EQ(s.d_step, 2.0 * 232912 * 2);
    EXPECT_DOUBLE_EQ(s.g_step, 2.0 * 211616 * 2);
    EXPECT_DOUBLE_EQ(s.total(), statistics);

    const double affine = expected_flops(90, 3, &d_step, &g_step);
    EXPECT_DOUBLE_EQ(affine, 2.0 * 442638 * 3);
    EXPECT_DOUBLE_EQ(p2gan::step_flops(tiny(P2GAN_ADAIN_AFFINE), 3).total(), affine);
}

// How the networks compute (runtime settings) does not change the count.
TEST(StepFlops, IndependentOfTheRuntime) {
    auto r = p2gan::default_runtime_params();
    r.kernels = P2GAN_KERNELS_REFERENCE;
    r.memory_format = P2GAN_MEMORY_FORMAT_CHANNELS_LAST;
    const auto other = p2gan::network_config(p2gan::default_model_params(), r);
    EXPECT_DOUBLE_EQ(p2gan::step_flops(other, 8).total(), p2gan::step_flops(defaults(), 8).total());
}

TEST(StepFlops, LinearInTheBatch) {
    const auto p = defaults();
    EXPECT_DOUBLE_EQ(p2gan::step_flops(p, 32).total(), 32 * p2gan::step_flops(p, 1).total());
}

TEST(StepFlops, HeadlineSettingIsInTheExpectedRange) {
    // 32x32x3, c = 64, n = d = 128, batch 32: a few tens of GFLOP per step (docs/benchmarks.md).
    const double flops = p2gan::step_flops(defaults(), 32).total();
    EXPECT_GT(flops, 1e10);
    EXPECT_LT(flops, 1e11);
}

}  // namespace
