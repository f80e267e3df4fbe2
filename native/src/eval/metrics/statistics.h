// Mean and covariance of a feature matrix, in float64, streamed over row chunks so that a
// 50k x 2048 set never exists as one float64 copy.
#pragma once

#include <cstdint>

#include <torch/types.h>

namespace p2gan::metrics {

struct GaussianStatistics {
    torch::Tensor mean;        // [dim], float64
    torch::Tensor covariance;  // [dim, dim], float64, symmetric, unbiased (divides by count - 1)
    int64_t count = 0;
};

// features: [count, dim], any floating dtype, count >= 2. rows_per_chunk: rows converted
// to float64 at a time (0: about 2^22 values' worth; tests pass small values).
GaussianStatistics feature_statistics(const torch::Tensor& features, int64_t rows_per_chunk = 0);

}  // namespace p2gan::metrics
