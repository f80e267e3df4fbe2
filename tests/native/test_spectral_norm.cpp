// Spectral normalisation against an SVD.
#include <gtest/gtest.h>

#include <ATen/CPUGeneratorImpl.h>

#include "nn/init.h"
#include "nn/spectral_norm.h"

namespace p2gan {
namespace {

double largest_singular_value(const torch::Tensor& w) {
    return torch::linalg_svdvals(w.reshape({w.size(0), -1}).to(torch::kFloat64)).max().item<double>();
}

TEST(SpectralNorm, ConvWeightHasUnitSpectralNormAfterPowerIterations) {
    auto rng = at::make_generator<at::CPUGeneratorImpl>(3);
    SNConv2d conv(3, 16, 4, 2, 1);
    initialize_weights(*conv, rng);
    conv->train();
    torch::NoGradGuard no_grad;
    EXPECT_GT(std::abs(largest_singular_value(conv->weight_orig) - 1.0), 0.05);
    for (int i = 0; i < 100; ++i) conv->normalized_weight();
    EXPECT_NEAR(largest_singular_value(conv->normalized_weight()), 1.0, 1e-2);
}

TEST(SpectralNorm, LinearWeightHasUnitSpectralNormAfterPowerIterations) {
    auto rng = at::make_generator<at::CPUGeneratorImpl>(4);
    SNLinear linear(64, 10);
    initialize_weights(*linear, rng);
    linear->weight_orig.data().mul_(7.0);
    torch::NoGradGuard no_grad;
    for (int i = 0; i < 100; ++i) linear->normalized_weight();
    EXPECT_NEAR(largest_singular_value(linear->normalized_weight()), 1.0, 1e-2);
}

TEST(SpectralNorm, EvalModeDoesNotIterate) {
    auto rng = at::make_generator<at::CPUGeneratorImpl>(5);
    SNLinear linear(6, 4);
    initialize_weights(*linear, rng);
    const auto u = linear->weight_u.clone();
    linear->eval();
    linear->forward(torch::ones({2, 6}));
    EXPECT_TRUE(torch::equal(u, linear->weight_u));
    linear->train();
    linear->forward(torch::ones({2, 6}));
    EXPECT_FALSE(torch::equal(u, linear->weight_u));
}

TEST(SpectralNorm, GradientFlowsToTheOriginalWeightOnly) {
    SNLinear linear(5, 3);
    linear->forward(torch::ones({1, 5})).sum().backward();
    EXPECT_TRUE(linear->weight_orig.grad().defined());
    EXPECT_FALSE(linear->weight_u.requires_grad());
}

}  // namespace
}  // namespace p2gan
