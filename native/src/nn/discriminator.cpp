#include "nn/discriminator.h"


namespace p2gan {

// conv3x3 C->c, then per stage: conv4x4/2 keeping channels, conv3x3 to the next
// level's channels (doubling, capped at 8c); flatten; two linear heads.
DiscriminatorImpl::DiscriminatorImpl(const NetworkConfig& params) : channels_last_(params.channels_last) {
    convs = register_module("convs", torch::nn::ModuleList());
    const int stages = params.stage_count();
    convs->push_back(SNConv2d(params.channels, params.level_channels(0), 3, 1, 1));
    for (int level = 0; level < stages; ++level) {
        const auto ch = params.level_channels(level);
        convs->push_back(SNConv2d(ch, ch, 4, 2, 1));
        convs->push_back(SNConv2d(ch, params.level_channels(level + 1), 3, 1, 1));
    }
    const int64_t features = params.level_channels(stages) * 4 * 4;
    if (params.scalar_head) {
        score_head = register_module("score_head", SNLinear(features, 1));
        return;
    }
    mu_head = register_module("mu_head", SNLinear(features, params.posterior_dim));
    sigma_head = register_module("sigma_head", SNLinear(features, params.posterior_dim));
}

Posterior DiscriminatorImpl::forward(const torch::Tensor& images) {
    auto h = channels_last_ ? images.contiguous(torch::MemoryFormat::ChannelsLast) : images;
    for (const auto& conv : *convs) {
        h = torch::leaky_relu(conv->as<SNConv2dImpl>()->forward(h), kLeakySlope);
    }
    h = h.flatten(1);
    if (score_head) return {score_head(h), torch::Tensor()};
    // softplus (beta 1, threshold 20, as torch.nn.functional.softplus) keeps sigma > 0.
    return {mu_head(h), torch::nn::functional::softplus(sigma_head(h))};
}

}  // namespace p2gan
