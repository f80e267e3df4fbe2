// Spectral normalisation (Miyato et al.) for D's layers. The C++ frontend has no helper
// for it, so this mirrors torch.nn.utils.spectral_norm exactly (same parameter and
// buffer names, one power iteration per training forward, none in eval), which is
// what lets PyTorch users load our exported weights into spectral_norm-wrapped modules.
#pragma once

#include <torch/torch.h>

namespace p2gan {

// weight_orig / sigma, sigma = u^T W v with W = weight_orig viewed as [out, -1].
// When power_iterate, first v <- normalize(W^T u), u <- normalize(W v) (in place).
// Runs `iterations` power iterations on u and v (in place, no gradient).
void power_iterate(const torch::Tensor& weight_orig, torch::Tensor& u, torch::Tensor& v, int iterations);

// Power iterations run at initialisation, as torch.nn.utils.parametrizations.spectral_norm
// does, so that an untrained model already has a usable sigma in evaluation mode.
constexpr int kInitialPowerIterations = 15;

torch::Tensor spectral_normalized(const torch::Tensor& weight_orig, torch::Tensor& u,
                                  torch::Tensor& v, bool power_iterate);

class SNConv2dImpl : public torch::nn::Module {
public:
    SNConv2dImpl(int64_t in_channels, int64_t out_channels, int64_t kernel, int64_t stride,
                 int64_t padding);
    torch::Tensor forward(const torch::Tensor& x);
    torch::Tensor normalized_weight();

    torch::Tensor weight_orig, bias, weight_u, weight_v;

private:
    int64_t stride_, padding_;
};
TORCH_MODULE(SNConv2d);

class SNLinearImpl : public torch::nn::Module {
public:
    SNLinearImpl(int64_t in_features, int64_t out_features);
    torch::Tensor forward(const torch::Tensor& x);
    torch::Tensor normalized_weight();

    torch::Tensor weight_orig, bias, weight_u, weight_v;
};
TORCH_MODULE(SNLinear);

}  // namespace p2gan
