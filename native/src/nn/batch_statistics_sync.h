// Batch normalisation whose statistics span every process of a data-parallel run: N ranks
// with batch B/N normalise with the mean and variance of the global batch B, as one process
// with batch B does (PyTorch's SyncBatchNorm). The layer knows nothing of the transport; the
// sum across processes comes from a BatchStatisticsSync (dist/ implements it on c10d).
#pragma once

#include <memory>

#include <torch/torch.h>

namespace p2gan {

class BatchStatisticsSync {
public:
    virtual ~BatchStatisticsSync() = default;
    // The element-wise sum of t over the processes, differentiable: its backward sums the
    // incoming gradients over the processes too, so each rank's gradient holds every rank's
    // loss's dependence on the shared statistics.
    virtual torch::Tensor sum(const torch::Tensor& t) = 0;
    virtual int world_size() const = 0;
};

// Training-mode batch norm of x [B, C, H, W] over the global batch: two-pass (mean, then the
// mean of squared deviations) for the same accuracy as the single-process kernel. Updates
// norm's running statistics (momentum, unbiased variance over the global count) as
// torch::nn::BatchNorm2d does.
torch::Tensor synchronized_batch_norm(const torch::Tensor& x, torch::nn::BatchNorm2dImpl& norm,
                                      BatchStatisticsSync& sync);

}  // namespace p2gan
