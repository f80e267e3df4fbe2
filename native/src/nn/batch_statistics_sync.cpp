#include "nn/batch_statistics_sync.h"

namespace p2gan {

torch::Tensor synchronized_batch_norm(const torch::Tensor& x, torch::nn::BatchNorm2dImpl& norm,
                                      BatchStatisticsSync& sync) {
    const auto& options = norm.options;
    const int64_t channels = x.size(1);
    const auto input = x.to(torch::kFloat32);
    const double count = static_cast<double>(input.numel() / channels) * sync.world_size();
    const std::vector<int64_t> reduce = {0, 2, 3};
    const auto mean = sync.sum(input.sum(reduce)) / count;
    const auto centered = input - mean.view({1, channels, 1, 1});
    const auto var = sync.sum(centered.square().sum(reduce)) / count;
    const auto out = centered * torch::rsqrt(var + options.eps()).view({1, channels, 1, 1});
    if (options.track_running_stats()) {
        torch::NoGradGuard no_grad;
        const double momentum = options.momentum().value();
        norm.running_mean.mul_(1.0 - momentum).add_(mean.detach(), momentum);
        norm.running_var.mul_(1.0 - momentum).add_(var.detach() * (count / std::max(count - 1.0, 1.0)), momentum);
        norm.num_batches_tracked.add_(1);
    }
    return out.to(x.scalar_type());
}

}  // namespace p2gan
