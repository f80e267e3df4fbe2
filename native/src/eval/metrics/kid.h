// Kernel Inception Distance (Binkowski et al. 2018): the unbiased estimate of MMD^2 with
// the cubic polynomial kernel k(x, y) = (x.y / d + 1)^3, averaged over random subsets.
#pragma once

#include <cstdint>

#include <torch/types.h>

#include "eval/metrics/summary.h"

namespace p2gan::metrics {

struct KidOptions {
    int64_t subsets = 100;       // torch-fidelity's kid_subsets
    int64_t subset_size = 1000;  // torch-fidelity's kid_subset_size
    uint64_t seed = 0;
};

// Unbiased MMD^2 between x [m, d] and y [n, d] (m, n >= 2), float64:
//   sum_{i != j} k(x_i, x_j) / (m (m - 1)) + sum_{i != j} k(y_i, y_j) / (n (n - 1))
//   - 2 sum_{i, j} k(x_i, y_j) / (m n)
double polynomial_mmd2_unbiased(const torch::Tensor& x, const torch::Tensor& y);

// For each of options.subsets subsets: min(count, subset_size) rows of each set drawn
// without replacement (a set no larger than subset_size is used whole), then
// polynomial_mmd2_unbiased. Mean and population std over subsets. Subsets come from one
// CPU generator seeded with options.seed, set a first, then set b, subset after subset.
MeanStd kernel_inception_distance(const torch::Tensor& a, const torch::Tensor& b, const KidOptions& options);

}  // namespace p2gan::metrics
