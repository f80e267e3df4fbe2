// Improved precision and recall (Kynkaanniemi et al. 2019) on k-NN manifolds.
#pragma once

#include <cstdint>

#include <torch/types.h>

namespace p2gan::metrics {

struct PrecisionRecall {
    double precision = 0.0;  // fraction of fake rows inside the real manifold
    double recall = 0.0;     // fraction of real rows inside the fake manifold
};

// real [n_r, d], fake [n_f, d]; manifolds with the k-th neighbour radius (knn_manifold.h);
// 1 <= k < n_r and k < n_f. The paper and its reference code use k = 3.
PrecisionRecall precision_recall(const torch::Tensor& real, const torch::Tensor& fake, int64_t k);

}  // namespace p2gan::metrics
