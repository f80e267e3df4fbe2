#include "nn/generator.h"

#include "nn/transposed_conv.h"

namespace p2gan {

GeneratorBlockImpl::GeneratorBlockImpl(int64_t in_channels, int64_t out_channels,
                                       int64_t posterior_dim, AdainMode mode, bool fast_kernels)
    : fast_kernels_(fast_kernels) {
    // No bias: the batch norm inside AdaIN removes any per-channel constant anyway.
    deconv = register_module(
        "deconv", torch::nn::ConvTranspose2d(torch::nn::ConvTranspose2dOptions(in_channels, out_channels, 4)
                                                 .stride(2)
                                                 .padding(1)
                                                 .bias(false)));
    adain = register_module("adain", AdaIN(out_channels, posterior_dim, mode));
}

torch::Tensor GeneratorBlockImpl::forward(const torch::Tensor& features, const torch::Tensor& codes) {
    const auto up = transposed_conv2d(features, deconv->weight, /*stride=*/2, /*padding=*/1, fast_kernels_);
    return torch::relu(adain(up, codes));
}

GeneratorImpl::GeneratorImpl(const NetworkConfig& params) : channels_last_(params.channels_last) {
    const int stages = params.stage_count();
    top_channels_ = params.level_channels(stages);
    fc = register_module("fc", torch::nn::Linear(params.noise_dim, top_channels_ * 4 * 4));
    input_adain = register_module("input_adain",
                                  AdaIN(top_channels_, params.posterior_dim, params.adain_mode));
    blocks = register_module("blocks", torch::nn::ModuleList());
    for (int level = stages; level > 0; --level) {
        blocks->push_back(GeneratorBlock(params.level_channels(level), params.level_channels(level - 1),
                                         params.posterior_dim, params.adain_mode,
                                         params.fast_kernels));
    }
    out_conv = register_module(
        "out_conv", torch::nn::Conv2d(torch::nn::Conv2dOptions(params.level_channels(0), params.channels, 3)
                                          .padding(1)));
}

torch::Tensor GeneratorImpl::forward(const torch::Tensor& noise, const torch::Tensor& codes) {
    auto h = fc(noise).view({noise.size(0), top_channels_, 4, 4});
    if (channels_last_) h = h.contiguous(torch::MemoryFormat::ChannelsLast);
    h = torch::relu(input_adain(h, codes));
    for (const auto& block : *blocks) {
        h = block->as<GeneratorBlockImpl>()->forward(h, codes);
    }
    return torch::tanh(out_conv(h));
}

}  // namespace p2gan
