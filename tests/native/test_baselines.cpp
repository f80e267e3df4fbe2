// The baselines of issue #13 (train/baseline_losses.h): their losses against hand-computed
// values, and a baseline model's networks and step (scalar head, codes from P_c, no L_z).
#include <gtest/gtest.h>

#include <cmath>

#include "runtime/errors.h"
#include "test_support.h"
#include "train/baseline_losses.h"
#include "train/model.h"

namespace p2gan {
namespace {

using testing::all_equal;
using testing::image_batch;
using testing::snapshot;
using testing::tiny_params;

// Scores of two real and two fake images; the expected values are worked out by hand in the
// comments (softplus(x) = ln(1 + e^x)).
const auto kReal = torch::tensor({{0.5f}, {-1.0f}});
const auto kFake = torch::tensor({{0.2f}, {-0.3f}});

double value(const torch::Tensor& t) { return t.item<double>(); }

TEST(BaselineLosses, LsganMatchesTheHandComputedValues) {
    // L_D = 1/2 mean((0.5-1)^2, (-1-1)^2) + 1/2 mean((0.2+1)^2, (-0.3+1)^2) = 1/2 (2.125) + 1/2 (0.965)
    EXPECT_NEAR(value(baseline_discriminator_loss(P2GAN_METHOD_LSGAN, kReal, kFake)), 1.545, 1e-6);
    // L_G = 1/2 mean(0.2^2, 0.3^2) = 0.0325
    EXPECT_NEAR(value(baseline_generator_loss(P2GAN_METHOD_LSGAN, kFake)), 0.0325, 1e-7);
}

TEST(BaselineLosses, HingeMatchesTheHandComputedValues) {
    // L_D = mean(relu(1-0.5), relu(1+1)) + mean(relu(1+0.2), relu(1-0.3)) = 1.25 + 0.95
    EXPECT_NEAR(value(baseline_discriminator_loss(P2GAN_METHOD_HINGE, kReal, kFake)), 2.2, 1e-6);
    // L_G = -mean(0.2, -0.3) = 0.05
    EXPECT_NEAR(value(baseline_generator_loss(P2GAN_METHOD_HINGE, kFake)), 0.05, 1e-7);
    // The margins: a confident D pays nothing.
    EXPECT_EQ(value(baseline_discriminator_loss(P2GAN_METHOD_HINGE, torch::full({2, 1}, 3.0f), torch::full({2, 1}, -2.0f))), 0.0);
}

TEST(BaselineLosses, NonSaturatingMatchesTheHandComputedValues) {
    const auto softplus = [](double x) { return std::log1p(std::exp(x)); };
    const double d = (softplus(-0.5) + softplus(1.0)) / 2 + (softplus(0.2) + softplus(-0.3)) / 2;  // 1.5699164
    EXPECT_NEAR(value(baseline_discriminator_loss(P2GAN_METHOD_NON_SATURATING, kReal, kFake)), d, 1e-6);
    EXPECT_NEAR(d, 1.5699164, 1e-7);
    const double g = (softplus(-0.2) + softplus(0.3)) / 2;  // 0.7262471
    EXPECT_NEAR(value(baseline_generator_loss(P2GAN_METHOD_NON_SATURATING, kFake)), g, 1e-6);
}

TEST(BaselineLosses, P2ganIsNoBaseline) {
    EXPECT_THROW(baseline_discriminator_loss(P2GAN_METHOD_P2GAN, kReal, kFake), Error);
    EXPECT_THROW(baseline_generator_loss(P2GAN_METHOD_P2GAN, kFake), Error);
}

class Baselines : public ::testing::TestWithParam<int32_t> {};

TEST_P(Baselines, DiscriminatorEndsInOneSpectrallyNormalisedScore) {
    auto p = tiny_params();
    p.method = GetParam();
    Model model(p, testing::cpu_runtime());
    const auto scores = model.discriminator()->forward(image_batch(p, 3)).mu;
    EXPECT_EQ(scores.sizes(), (std::vector<int64_t>{3, 1}));
    bool has_score_head = false, has_posterior_head = false;
    for (const auto& [name, t] : model.named_tensors()) {
        has_score_head |= name.rfind("D.score_head.", 0) == 0;
        has_posterior_head |= name.rfind("D.mu_head.", 0) == 0 || name.rfind("D.sigma_head.", 0) == 0;
    }
    EXPECT_TRUE(has_score_head);
    EXPECT_FALSE(has_posterior_head);
}

TEST_P(Baselines, StepTrainsBothNetworksWithCodesThatIgnoreTheRealBatch) {
    auto p = tiny_params();
    p.method = GetParam();
    Model model(p, testing::cpu_runtime());
    const auto d0 = snapshot(*model.discriminator());
    const auto g0 = snapshot(*model.generator());
    const auto m = model.train_step(image_batch(p, 4));
    EXPECT_FALSE(all_equal(d0, snapshot(*model.discriminator())));
    EXPECT_FALSE(all_equal(g0, snapshot(*model.generator())));
    EXPECT_TRUE(std::isfinite(m.loss_d) && std::isfinite(m.loss_g));
    EXPECT_EQ(m.loss_z, 0.0f);
    EXPECT_EQ(m.real_sigma_mean, 0.0f);
    EXPECT_FLOAT_EQ(m.loss_g, m.loss_adv);
    // G is driven by P_c alone: its update does not depend on the real images.
    Model a(p, testing::cpu_runtime()), b(p, testing::cpu_runtime());
    a.generator_step(image_batch(p, 4, /*seed=*/7));
    b.generator_step(image_batch(p, 4, /*seed=*/8));
    EXPECT_TRUE(all_equal(snapshot(*a.generator()), snapshot(*b.generator())));
}

TEST_P(Baselines, EncodingAndPosteriorSamplingAreRefusedNamingTheMethod) {
    auto p = tiny_params();
    p.method = GetParam();
    Model model(p, testing::cpu_runtime());
    try {
        model.encode(image_batch(p, 2));
        FAIL() << "a baseline encoded images";
    } catch (const Error& e) {
        EXPECT_EQ(e.status(), P2GAN_STATUS_INVALID_ARGUMENT);
        EXPECT_NE(std::string(e.what()).find("needs method P2GAN"), std::string::npos) << e.what();
    }
    EXPECT_THROW(model.sample(2, 1, image_batch(p, 2), false), Error);
    EXPECT_EQ(model.sample(2, 1, torch::Tensor(), false).size(0), 2);  // prior codes are fine
}

INSTANTIATE_TEST_SUITE_P(Methods, Baselines,
                         ::testing::Values(P2GAN_METHOD_LSGAN, P2GAN_METHOD_HINGE, P2GAN_METHOD_NON_SATURATING));

}  // namespace
}  // namespace p2gan
