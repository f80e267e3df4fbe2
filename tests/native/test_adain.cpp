// AdaIN: the output takes the statistics of the posterior's style map.
#include <gtest/gtest.h>

#include <ATen/CPUGeneratorImpl.h>

#include "nn/adain.h"
#include "nn/init.h"

namespace p2gan {
namespace {

TEST(AdaIN, StatisticsModeOutputHasTheStyleMapsPerChannelMeanAndStd) {
    auto rng = at::make_generator<at::CPUGeneratorImpl>(11);
    const int64_t channels = 6, dims = 8;
    AdaIN adain(channels, dims, AdainMode::statistics);
    initialize_weights(*adain, rng);
    adain->train();
    // Batch of one: batch-norm statistics are then this sample's own statistics.
    const auto features = torch::randn({1, channels, 8, 8}, rng, torch::kFloat32) * 3.0 + 2.0;
    const auto codes = torch::randn({1, dims}, rng, torch::kFloat32);
    const auto out = adain(features, codes);

    const auto map = adain->posterior(codes).view({1, channels, 16});
    const auto style_mean = map.mean(-1);
    const auto style_std = map.std(-1, /*unbiased=*/false);
    const auto out_mean = out.view({1, channels, -1}).mean(-1);
    const auto out_std = out.view({1, channels, -1}).std(-1, /*unbiased=*/false);
    EXPECT_TRUE(torch::allclose(out_mean, style_mean, 1e-4, 1e-5)) << out_mean << style_mean;
    EXPECT_TRUE(torch::allclose(out_std, style_std, 1e-3, 1e-4)) << out_std << style_std;
}

TEST(AdaIN, AffineModeAppliesGainCentredOnOneAndBias) {
    auto rng = at::make_generator<at::CPUGeneratorImpl>(12);
    const int64_t channels = 3, dims = 4;
    AdaIN adain(channels, dims, AdainMode::affine);
    initialize_weights(*adain, rng);
    const auto codes = torch::randn({1, dims}, rng, torch::kFloat32);
    const auto raw = adain->posterior(codes);
    const auto st = adain->style(codes);
    EXPECT_TRUE(torch::allclose(st.std, 1.0 + raw.slice(1, 0, channels)));
    EXPECT_TRUE(torch::allclose(st.mean, raw.slice(1, channels, 2 * channels)));
    const auto features = torch::randn({1, channels, 4, 4}, rng, torch::kFloat32);
    const auto out = adain(features, codes).view({1, channels, -1});
    EXPECT_TRUE(torch::allclose(out.mean(-1), st.mean, 1e-4, 1e-5));
}

TEST(AdaIN, EvalModeUsesRunningStatistics) {
    AdaIN adain(2, 4, AdainMode::statistics);
    const auto codes = torch::zeros({2, 4});
    const auto features = torch::randn({2, 2, 4, 4}) + 5.0;
    adain->train();
    adain(features, codes);
    // momentum 0.1: running_mean = 0.9 * 0 + 0.1 * batch mean
    const auto batch_mean = features.mean({0, 2, 3});
    EXPECT_TRUE(torch::allclose(adain->norm->running_mean, 0.1 * batch_mean, 1e-5, 1e-6));
    adain->eval();
    const auto a = adain(features.slice(0, 0, 1), codes.slice(0, 0, 1));
    const auto b = adain(features, codes).slice(0, 0, 1);
    // With running statistics a sample's output does not depend on its batch.
    EXPECT_TRUE(torch::allclose(a, b));
}

}  // namespace
}  // namespace p2gan
