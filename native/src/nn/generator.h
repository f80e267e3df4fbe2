// The generator promoted by the posterior: noise eps -> 4x4 map -> up-sampling blocks,
// every normalisation an AdaIN driven by the posterior code z.
#pragma once

#include <torch/torch.h>

#include "nn/adain.h"
#include "nn/network_config.h"

namespace p2gan {

class GeneratorBlockImpl : public torch::nn::Module {
public:
    GeneratorBlockImpl(int64_t in_channels, int64_t out_channels, int64_t posterior_dim, AdainMode mode,
                       bool fast_kernels);
    torch::Tensor forward(const torch::Tensor& features, const torch::Tensor& codes);

    // Holds the weight (named deconv.weight, as in PyTorch); forward runs transposed_conv2d.
    torch::nn::ConvTranspose2d deconv{nullptr};
    AdaIN adain{nullptr};

private:
    bool fast_kernels_;
};
TORCH_MODULE(GeneratorBlock);

class GeneratorImpl : public torch::nn::Module {
public:
    explicit GeneratorImpl(const NetworkConfig& config);
    // noise [B, n], codes [B, d] -> images [B, C, H, W] in (-1, 1).
    torch::Tensor forward(const torch::Tensor& noise, const torch::Tensor& codes);

    torch::nn::Linear fc{nullptr};
    AdaIN input_adain{nullptr};
    torch::nn::ModuleList blocks{nullptr};
    torch::nn::Conv2d out_conv{nullptr};

private:
    int64_t top_channels_;
    bool channels_last_;
};
TORCH_MODULE(Generator);

}  // namespace p2gan
