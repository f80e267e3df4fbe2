// The distribution discriminator: an image -> diagonal Gaussian N(mu, diag(sigma^2)).
#pragma once

#include <torch/torch.h>

#include "nn/network_config.h"
#include "nn/spectral_norm.h"

namespace p2gan {

struct Posterior {
    torch::Tensor mu;     // [B, d]; a baseline's scalar D puts its scores [B, 1] here
    torch::Tensor sigma;  // [B, d], > 0; undefined for a scalar D
};

// LeakyReLU slope of the trunk (SNGAN's "standard CNN").
constexpr double kLeakySlope = 0.1;

class DiscriminatorImpl : public torch::nn::Module {
public:
    explicit DiscriminatorImpl(const NetworkConfig& config);
    Posterior forward(const torch::Tensor& images);

    torch::nn::ModuleList convs{nullptr};
    SNLinear mu_head{nullptr};
    SNLinear sigma_head{nullptr};
    SNLinear score_head{nullptr};  // a baseline's scalar head, instead of mu_head and sigma_head

private:
    bool channels_last_;
};
TORCH_MODULE(Discriminator);

}  // namespace p2gan
