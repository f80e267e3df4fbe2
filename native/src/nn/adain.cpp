#include "nn/adain.h"

namespace p2gan {

AdaINImpl::AdaINImpl(int64_t channels, int64_t posterior_dim, AdainMode mode)
    : channels_(channels), mode_(mode) {
    norm = register_module(
        "norm", torch::nn::BatchNorm2d(
                    torch::nn::BatchNorm2dOptions(channels).affine(false).eps(kNormEps).momentum(0.1)));
    const int64_t outputs = mode == AdainMode::statistics
                                ? channels * kStyleMapSide * kStyleMapSide
                                : 2 * channels;
    posterior = register_module("posterior", torch::nn::Linear(posterior_dim, outputs));
}

StyleStatistics AdaINImpl::style(const torch::Tensor& codes) {
    // float32 even under bf16 autocast: the statistics of a 16-value map lose too much in bf16.
    const auto s = posterior(codes).to(torch::kFloat32);
    const auto batch = codes.size(0);
    if (mode_ == AdainMode::statistics) {
        const auto map = s.view({batch, channels_, kStyleMapSide * kStyleMapSide});
        const auto var = map.var(/*dim=*/-1, /*unbiased=*/false, /*keepdim=*/false);
        return {map.mean(-1), torch::sqrt(var + kNormEps)};
    }
    // Affine mode: gain centred on 1 so an untrained module starts as the identity.
    const auto parts = s.split(channels_, /*dim=*/1);
    return {parts[1], 1.0 + parts[0]};
}

torch::Tensor AdaINImpl::forward(const torch::Tensor& features, const torch::Tensor& codes) {
    const bool synchronized = statistics_sync != nullptr && is_training() && statistics_sync->world_size() > 1;
    const auto normalized = synchronized ? synchronized_batch_norm(features, *norm, *statistics_sync) : norm(features);
    const auto st = style(codes);
    const auto batch = features.size(0);
    return normalized * st.std.view({batch, channels_, 1, 1}) + st.mean.view({batch, channels_, 1, 1});
}

}  // namespace p2gan
