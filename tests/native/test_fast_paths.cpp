// The fast paths (P2GAN_KERNELS_FAST, channels_last) must compute what the reference
// LibTorch operations compute, to float32 rounding.
#include <gtest/gtest.h>

#include <ATen/CPUGeneratorImpl.h>

#include <cstring>
#include <functional>
#include <sstream>

#include "config/settings.h"
#include "train/fused_adam.h"
#include "train/model.h"
#include "test_support.h"
#include "nn/transposed_conv.h"

namespace p2gan {
namespace {

// max |a - b| relative to max |b|: rounding-order differences stay near 1e-7.
double relative_difference(const torch::Tensor& a, const torch::Tensor& b) {
    const double scale = b.abs().max().item<double>();
    return (a - b).abs().max().item<double>() / std::max(scale, 1e-30);
}

struct TransposedCase {
    int64_t batch, in_channels, out_channels, side, kernel, stride, padding;
};

class TransposedConv : public ::testing::TestWithParam<TransposedCase> {};

TEST_P(TransposedConv, FastPathMatchesConvTranspose2dAndItsGradients) {
    const auto c = GetParam();
    auto gen = at::make_generator<at::CPUGeneratorImpl>(3);
    const auto x0 = torch::randn({c.batch, c.in_channels, c.side, c.side}, gen);
    const auto w0 = torch::randn({c.in_channels, c.out_channels, c.kernel, c.kernel}, gen);

    auto run = [&](bool fast) {
        auto x = x0.clone().requires_grad_(true);
        auto w = w0.clone().requires_grad_(true);
        const auto y = transposed_conv2d(x, w, c.stride, c.padding, fast);
        const auto upstream = torch::cos(torch::arange(y.numel(), torch::kFloat32)).view(y.sizes());
        (y * upstream).sum().backward();
        return std::make_tuple(y.detach(), x.grad(), w.grad());
    };
    const auto [y_fast, gx_fast, gw_fast] = run(true);
    const auto [y_ref, gx_ref, gw_ref] = run(false);

    ASSERT_EQ(y_fast.sizes(), y_ref.sizes());
    EXPECT_LT(relative_difference(y_fast, y_ref), 1e-5);
    EXPECT_LT(relative_difference(gx_fast, gx_ref), 1e-5);
    EXPECT_LT(relative_difference(gw_fast, gw_ref), 1e-5);
}

INSTANTIATE_TEST_SUITE_P(GeneratorShapes, TransposedConv,
                         ::testing::Values(TransposedCase{4, 16, 8, 4, 4, 2, 1},
                                           TransposedCase{3, 8, 5, 8, 4, 2, 1},
                                           TransposedCase{2, 6, 3, 5, 3, 2, 0},
                                           TransposedCase{1, 4, 4, 7, 4, 1, 1}));

TEST(TransposedConv, OnlyTheRequestedGradientsAreComputed) {
    const auto x = torch::randn({2, 4, 4, 4});
    auto w = torch::randn({4, 3, 4, 4}).requires_grad_(true);
    transposed_conv2d(x, w, 2, 1, /*fast=*/true).sum().backward();
    EXPECT_FALSE(x.grad().defined());
    EXPECT_TRUE(w.grad().defined());
}

// One train step of two models that differ only in the runtime `candidate` (the same
// model params): every gradient of that step and every loss agree to rounding (both start
// from the same weights).
void expect_same_first_step(const p2gan_runtime_params& candidate_runtime) {
    auto p = testing::tiny_params(5);
    p.channels = 3;
    p.base_channels = 8;
    Model reference(p, testing::cpu_runtime()), candidate(p, candidate_runtime);
    ASSERT_TRUE(reference.network().fast_kernels != candidate.network().fast_kernels ||
                reference.network().channels_last != candidate.network().channels_last)
        << "the two models must compute differently";
    const auto real = testing::image_batch(p, 6);
    const auto a = reference.train_step(real);
    const auto b = candidate.train_step(real);
    EXPECT_NEAR(a.loss_d, b.loss_d, 1e-5 * std::abs(a.loss_d));
    EXPECT_NEAR(a.loss_g, b.loss_g, 1e-5 * std::abs(a.loss_g));
    EXPECT_NEAR(a.loss_z, b.loss_z, 1e-4 * std::abs(a.loss_z) + 1e-7);

    auto compare_grads = [](torch::nn::Module& x, torch::nn::Module& y) {
        auto gx = x.named_parameters();
        auto gy = y.named_parameters();
        ASSERT_EQ(gx.size(), gy.size());
        for (const auto& item : gx) {
            const auto& g1 = item.value().grad();
            const auto& g2 = gy[item.key()].grad();
            ASSERT_TRUE(g1.defined() && g2.defined()) << item.key();
            EXPECT_LT(relative_difference(g2, g1), 1e-4) << item.key();
        }
    };
    compare_grads(*reference.discriminator(), *candidate.discriminator());
    compare_grads(*reference.generator(), *candidate.generator());
}

TEST(FastPaths, FastKernelsGiveTheReferenceStep) {
    expect_same_first_step(testing::cpu_runtime(P2GAN_KERNELS_REFERENCE));
}

TEST(FastPaths, ChannelsLastGivesTheContiguousStep) {
    expect_same_first_step(testing::cpu_runtime(P2GAN_KERNELS_FAST, P2GAN_MEMORY_FORMAT_CHANNELS_LAST));
}

// Over many steps the paths may drift apart only as far as Adam's bounded steps allow:
// every update moves a weight by about lr at most.
TEST(FastPaths, FastAndReferenceTrainingStayWithinAdamStepsOfEachOther) {
    const auto p = testing::tiny_params(9);
    Model fast(p, testing::cpu_runtime()), reference(p, testing::cpu_runtime(P2GAN_KERNELS_REFERENCE));
    ASSERT_TRUE(fast.network().fast_kernels);
    ASSERT_FALSE(reference.network().fast_kernels);
    const auto real = testing::image_batch(p, 4);
    constexpr int kSteps = 5;
    for (int i = 0; i < kSteps; ++i) {
        fast.train_step(real);
        reference.train_step(real);
    }
    const double bound = 2.0 * kSteps * p.lr_g;
    auto ref = reference.named_tensors();
    auto fst = fast.named_tensors();
    ASSERT_EQ(ref.size(), fst.size());
    for (size_t i = 0; i < ref.size(); ++i) {
        if (!ref[i].second.is_floating_point()) continue;
        EXPECT_LE((fst[i].second - ref[i].second).abs().max().item<double>(), bound) << ref[i].first;
    }
}

}  // namespace
}  // namespace p2gan

namespace p2gan {
namespace {

// fused_adam_step against torch::optim::Adam::step on the same gradients, over steps
// long enough for the bias corrections to matter, with both betas of the model and the
// PyTorch defaults.
class FusedAdam : public ::testing::TestWithParam<std::pair<double, double>> {};

TEST_P(FusedAdam, MatchesTorchAdamStepByStep) {
    const auto [beta1, beta2] = GetParam();
    auto gen = at::make_generator<at::CPUGeneratorImpl>(11);
    const auto init = torch::randn({3, 70000}, gen);  // large enough to run in parallel chunks
    auto fused_params = std::vector<torch::Tensor>{init[0].clone().requires_grad_(true),
                                                   init[1].clone().requires_grad_(true)};
    auto torch_params = std::vector<torch::Tensor>{init[0].clone().requires_grad_(true),
                                                   init[1].clone().requires_grad_(true)};
    const auto options = torch::optim::AdamOptions(2e-3).betas({beta1, beta2}).eps(1e-8);
    torch::optim::Adam fused(fused_params, options), reference(torch_params, options);
    for (int step = 0; step < 6; ++step) {
        for (size_t i = 0; i < 2; ++i) {
            const auto g = torch::randn({70000}, gen) * (step + 1);
            fused_params[i].mutable_grad() = g.clone();
            torch_params[i].mutable_grad() = g.clone();
        }
        fused_adam_step(fused);
        reference.step();
        for (size_t i = 0; i < 2; ++i) {
            EXPECT_LT((fused_params[i] - torch_params[i]).abs().max().item<double>(), 1e-6) << "step " << step;
        }
    }
}

INSTANTIATE_TEST_SUITE_P(Betas, FusedAdam,
                         ::testing::Values(std::make_pair(0.0, 0.999), std::make_pair(0.9, 0.999),
                                           std::make_pair(0.5, 0.9)));

TEST(FusedAdam, StateIsTheOptimizersOwnSoTorchStepContinuesIt) {
    auto a = std::vector<torch::Tensor>{torch::ones({1000}).requires_grad_(true)};
    auto b = std::vector<torch::Tensor>{torch::ones({1000}).requires_grad_(true)};
    const auto options = torch::optim::AdamOptions(1e-2).betas({0.9, 0.999});
    torch::optim::Adam fused(a, options), reference(b, options);
    const auto g = torch::linspace(-1.0, 1.0, 1000);
    a[0].mutable_grad() = g.clone();
    b[0].mutable_grad() = g.clone();
    fused_adam_step(fused);
    reference.step();
    // The second step by Adam::step reads the moments fused_adam_step wrote.
    a[0].mutable_grad() = g.clone();
    b[0].mutable_grad() = g.clone();
    fused.step();
    reference.step();
    EXPECT_LT((a[0] - b[0]).abs().max().item<double>(), 1e-6);
}

TEST(FusedAdam, ParametersWithoutGradientsAreLeftAlone) {
    auto params = std::vector<torch::Tensor>{torch::ones({10}).requires_grad_(true)};
    torch::optim::Adam opt(params, torch::optim::AdamOptions(1e-2));
    fused_adam_step(opt);
    EXPECT_TRUE(torch::equal(params[0], torch::ones({10})));
    EXPECT_TRUE(opt.state().empty());
}

}  // namespace
}  // namespace p2gan

namespace p2gan {
namespace {

std::string validation_error(const std::function<void(p2gan_runtime_params&)>& change) {
    auto r = default_runtime_params();
    change(r);
    try {
        validate_runtime_params(r);
    } catch (const std::exception& e) {
        return e.what();
    }
    return "";
}

TEST(RuntimeOptions, InvalidValuesAreRefusedWithTheirName) {
    EXPECT_NE(validation_error([](auto& r) { r.precision = P2GAN_PRECISION_BFLOAT16_AUTOCAST; })
                  .find("precision P2GAN_PRECISION_BFLOAT16_AUTOCAST (bf16 autocast) runs on CUDA devices only"),
              std::string::npos);
    EXPECT_NE(validation_error([](auto& r) { r.precision = 5; }).find("precision"), std::string::npos);
    EXPECT_NE(validation_error([](auto& r) { r.memory_format = 2; }).find("memory_format"), std::string::npos);
    EXPECT_NE(validation_error([](auto& r) { r.kernels = -1; }).find("kernels"), std::string::npos);
    EXPECT_NE(validation_error([](auto& r) { r.intra_op_threads = -1; }).find("intra_op_threads"), std::string::npos);
    EXPECT_NE(validation_error([](auto& r) { std::strcpy(r.device, "tpu"); }).find("device"), std::string::npos);
    EXPECT_EQ(validation_error([](auto&) {}), "");
}

// Runtime settings choose how the networks compute, never what the model is.
TEST(RuntimeOptions, NetworkConfigTakesTheRuntimeFromTheRuntimeParams) {
    const auto p = testing::tiny_params();
    const auto fast = network_config(p, testing::cpu_runtime());
    EXPECT_TRUE(fast.fast_kernels);
    EXPECT_FALSE(fast.channels_last);
    const auto other = network_config(p, testing::cpu_runtime(P2GAN_KERNELS_REFERENCE, P2GAN_MEMORY_FORMAT_CHANNELS_LAST));
    EXPECT_FALSE(other.fast_kernels);
    EXPECT_TRUE(other.channels_last);
    EXPECT_EQ(other.resolution, p.resolution);
    EXPECT_EQ(other.channels, p.channels);
    EXPECT_EQ(other.base_channels, p.base_channels);
    EXPECT_EQ(other.noise_dim, p.noise_dim);
    EXPECT_EQ(other.posterior_dim, p.posterior_dim);
}

}  // namespace
}  // namespace p2gan
