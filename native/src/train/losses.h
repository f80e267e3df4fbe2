// Priors, the distance between diagonal Gaussians, and the P2GAN losses
// (the distributional LSGAN of the paper). docs/architecture.md states them exactly.
#pragma once

#include <optional>

#include <torch/torch.h>

#include "nn/discriminator.h"
#include "p2gan/p2gan.h"

namespace p2gan {

// N(mean, std^2 I): the priors are isotropic.
struct Prior {
    double mean;
    double std;
};

struct Priors {
    Prior fake;      // P_a
    Prior real;      // P_b
    Prior midpoint;  // P_c = N((mu_a+mu_b)/2, ((sigma_a+sigma_b)/2)^2 I)
};

Priors make_priors(const p2gan_model_params& params);

// Per-sample distance [B] between N(mu1, s1^2) and N(mu2, s2^2) averaged over dims:
// closed form (mu1-mu2)^2 + (s1-s2)^2, or, when `noise` is given (same shape as mu1),
// the sampled estimator ((mu1 + s1 e) - (mu2 + s2 e))^2.
torch::Tensor gaussian_distance(const torch::Tensor& mu1, const torch::Tensor& sigma1,
                                const torch::Tensor& mu2, const torch::Tensor& sigma2,
                                const std::optional<torch::Tensor>& noise = std::nullopt);

// Distance from a batch of posteriors to a prior, per sample [B].
torch::Tensor distance_to_prior(const Posterior& posterior, const Prior& prior,
                                const std::optional<torch::Tensor>& noise = std::nullopt);

// L_D = 1/2 E_real[dist(D(x_r), P_b)] + 1/2 E_fake[dist(D(x_g), P_a)].
torch::Tensor discriminator_loss(const Posterior& real, const Posterior& fake, const Priors& priors,
                                 const std::optional<torch::Tensor>& real_noise = std::nullopt,
                                 const std::optional<torch::Tensor>& fake_noise = std::nullopt);

// L_adv = 1/2 E_fake[dist(D(x_g), P_c)].
torch::Tensor adversarial_loss(const Posterior& fake, const Priors& priors,
                               const std::optional<torch::Tensor>& noise = std::nullopt);

// L_z = mean|mu(x_g) - mu(x_r)| + mean|sigma(x_g) - sigma(x_r)|, real posterior constant.
torch::Tensor latent_loss(const Posterior& fake, const Posterior& real);

}  // namespace p2gan
