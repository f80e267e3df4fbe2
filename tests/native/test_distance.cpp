// The Gaussian distance and the P2GAN losses against closed forms.
#include <gtest/gtest.h>

#include <ATen/CPUGeneratorImpl.h>

#include "train/losses.h"
#include "test_support.h"

namespace p2gan {
namespace {

torch::Tensor row(std::vector<float> values) { return torch::tensor(values).unsqueeze(0); }

TEST(GaussianDistance, ClosedFormMatchesHandComputedValue) {
    // ((1-0)^2 + (0.5-1)^2 + (2-0)^2 + (1-1)^2) / 2 = (1 + 0.25 + 4 + 0) / 2
    const auto d = gaussian_distance(row({1, 2}), row({0.5f, 1}), row({0, 0}), row({1, 1}));
    ASSERT_EQ(d.sizes(), (std::vector<int64_t>{1}));
    EXPECT_FLOAT_EQ(d.item<float>(), 2.625f);
}

TEST(GaussianDistance, IsZeroExactlyWhenTheGaussiansAreEqual) {
    const auto mu = row({0.3f, -1.2f, 4.0f});
    const auto sigma = row({0.1f, 2.0f, 0.7f});
    EXPECT_EQ(gaussian_distance(mu, sigma, mu, sigma).item<float>(), 0.0f);
    EXPECT_GT(gaussian_distance(mu, sigma, mu + 1e-2, sigma).item<float>(), 0.0f);
    EXPECT_GT(gaussian_distance(mu, sigma, mu, sigma + 1e-2).item<float>(), 0.0f);
    // Same mean, different spread: a plain squared-mean loss would call these equal.
    EXPECT_NEAR(gaussian_distance(mu, sigma, mu, sigma * 2).item<float>(),
                (sigma.pow(2)).mean().item<float>(), 1e-6);
}

TEST(GaussianDistance, SampledEstimatorConvergesToClosedForm) {
    const int64_t samples = 1'000'000, dims = 4;
    auto gen = at::make_generator<at::CPUGeneratorImpl>(42);
    const auto mu1 = torch::tensor({1.0f, -0.5f, 0.0f, 2.0f}).expand({samples, dims});
    const auto s1 = torch::tensor({0.5f, 1.0f, 2.0f, 0.2f}).expand({samples, dims});
    const auto mu2 = torch::tensor({0.0f, 0.5f, 0.3f, 1.0f}).expand({samples, dims});
    const auto s2 = torch::tensor({1.5f, 1.0f, 0.5f, 0.7f}).expand({samples, dims});
    const auto e = torch::randn({samples, dims}, gen, torch::kFloat64).to(torch::kFloat32);
    const double closed = gaussian_distance(mu1, s1, mu2, s2)[0].item<double>();
    const double sampled = gaussian_distance(mu1, s1, mu2, s2, e).to(torch::kFloat64).mean().item<double>();
    EXPECT_NEAR(sampled, closed, 0.01 * closed);
    // Any single draw is noisy: the estimator is not the closed form sample by sample.
    EXPECT_GT(gaussian_distance(mu1, s1, mu2, s2, e).std().item<double>(), 0.1);
}

TEST(Priors, DefaultsGiveStandardNormalMidpoint) {
    const auto priors = make_priors(default_model_params());
    EXPECT_DOUBLE_EQ(priors.fake.mean, -1.0);
    EXPECT_DOUBLE_EQ(priors.fake.std, 0.5);
    EXPECT_DOUBLE_EQ(priors.real.mean, 1.0);
    EXPECT_DOUBLE_EQ(priors.real.std, 1.5);
    EXPECT_DOUBLE_EQ(priors.midpoint.mean, 0.0);
    EXPECT_DOUBLE_EQ(priors.midpoint.std, 1.0);
}

Posterior constant(double mu, double sigma, int64_t batch = 3, int64_t dims = 5) {
    return {torch::full({batch, dims}, mu), torch::full({batch, dims}, sigma)};
}

TEST(Losses, DiscriminatorLossVanishesAtThePriorsAndMatchesHandValue) {
    const auto priors = make_priors(default_model_params());
    EXPECT_EQ(discriminator_loss(constant(1.0, 1.5), constant(-1.0, 0.5), priors).item<float>(), 0.0f);
    // real at N(0,1): dist to P_b = 1 + 0.25; fake at N(0,1): dist to P_a = 1 + 0.25.
    EXPECT_FLOAT_EQ(discriminator_loss(constant(0, 1), constant(0, 1), priors).item<float>(), 1.25f);
}

TEST(Losses, AdversarialLossIsHalfTheDistanceToTheMidpoint) {
    const auto priors = make_priors(default_model_params());
    EXPECT_EQ(adversarial_loss(constant(0.0, 1.0), priors).item<float>(), 0.0f);
    // fake at P_a: 0.5 * ((-1-0)^2 + (0.5-1)^2) = 0.625
    EXPECT_FLOAT_EQ(adversarial_loss(constant(-1.0, 0.5), priors).item<float>(), 0.625f);
}

TEST(Losses, LatentLossIsZeroWhenPosteriorsCoincideAndL1Otherwise) {
    const auto gen_post = constant(0.2, 0.9);
    EXPECT_EQ(latent_loss(gen_post, constant(0.2, 0.9)).item<float>(), 0.0f);
    EXPECT_FLOAT_EQ(latent_loss(constant(0.5, 1.0), constant(0.2, 1.3)).item<float>(), 0.3f + 0.3f);
}

TEST(Losses, LatentLossTreatsTheRealPosteriorAsConstant) {
    auto real_mu = torch::zeros({2, 3}, torch::requires_grad());
    auto fake_mu = torch::ones({2, 3}, torch::requires_grad());
    const auto sigma = torch::ones({2, 3});
    latent_loss({fake_mu, sigma}, {real_mu, sigma}).backward();
    EXPECT_TRUE(fake_mu.grad().defined());
    EXPECT_FALSE(real_mu.grad().defined());
}

}  // namespace
}  // namespace p2gan
