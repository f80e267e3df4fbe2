#include "train/losses.h"

namespace p2gan {

Priors make_priors(const p2gan_model_params& p) {
    const Prior fake{p.mu_a, p.sigma_a};
    const Prior real{p.mu_b, p.sigma_b};
    const Prior mid{(fake.mean + real.mean) / 2.0, (fake.std + real.std) / 2.0};
    return {fake, real, mid};
}

torch::Tensor gaussian_distance(const torch::Tensor& mu1, const torch::Tensor& sigma1,
                                const torch::Tensor& mu2, const torch::Tensor& sigma2,
                                const std::optional<torch::Tensor>& noise) {
    if (noise) {
        const auto diff = (mu1 - mu2) + (sigma1 - sigma2) * (*noise);
        return diff.pow(2).mean(-1);
    }
    return ((mu1 - mu2).pow(2) + (sigma1 - sigma2).pow(2)).mean(-1);
}

torch::Tensor distance_to_prior(const Posterior& posterior, const Prior& prior,
                                const std::optional<torch::Tensor>& noise) {
    const auto options = posterior.mu.options();
    return gaussian_distance(posterior.mu, posterior.sigma, torch::scalar_tensor(prior.mean, options),
                             torch::scalar_tensor(prior.std, options), noise);
}

torch::Tensor discriminator_loss(const Posterior& real, const Posterior& fake, const Priors& priors,
                                 const std::optional<torch::Tensor>& real_noise,
                                 const std::optional<torch::Tensor>& fake_noise) {
    return 0.5 * distance_to_prior(real, priors.real, real_noise).mean() +
           0.5 * distance_to_prior(fake, priors.fake, fake_noise).mean();
}

torch::Tensor adversarial_loss(const Posterior& fake, const Priors& priors,
                               const std::optional<torch::Tensor>& noise) {
    return 0.5 * distance_to_prior(fake, priors.midpoint, noise).mean();
}

torch::Tensor latent_loss(const Posterior& fake, const Posterior& real) {
    return (fake.mu - real.mu.detach()).abs().mean() + (fake.sigma - real.sigma.detach()).abs().mean();
}

}  // namespace p2gan
