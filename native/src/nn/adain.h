// AdaIN driven by the posterior (the paper's normalisation layer of G):
//   AdaIN(m, s) = sigma_IN(s) * (m - mu_BN(m)) / sigma_BN(m) + mu_IN(s),  s = P(z).
// mu_BN, sigma_BN are batch-norm statistics of the feature map (no affine; running
// statistics in eval). P is a linear "posterior module" with no activation.
#pragma once

#include <torch/torch.h>

#include <memory>

#include "nn/batch_statistics_sync.h"
#include "nn/network_config.h"

namespace p2gan {

// Spatial size of the style map in "statistics" mode.
constexpr int64_t kStyleMapSide = 4;
// eps of both the batch norm and the style map's instance std.
constexpr double kNormEps = 1e-5;

struct StyleStatistics {
    torch::Tensor mean;  // [B, C]: mu_IN(s) or the affine bias
    torch::Tensor std;   // [B, C]: sigma_IN(s) or the affine gain
};

class AdaINImpl : public torch::nn::Module {
public:
    AdaINImpl(int64_t channels, int64_t posterior_dim, AdainMode mode);
    torch::Tensor forward(const torch::Tensor& features, const torch::Tensor& codes);
    // The per-channel (mean, std) the posterior module gives for these codes.
    StyleStatistics style(const torch::Tensor& codes);

    torch::nn::BatchNorm2d norm{nullptr};
    torch::nn::Linear posterior{nullptr};
    // Set in data-parallel training: training-mode statistics over every rank's batch.
    std::shared_ptr<BatchStatisticsSync> statistics_sync;

private:
    int64_t channels_;
    AdainMode mode_;
};
TORCH_MODULE(AdaIN);

}  // namespace p2gan
