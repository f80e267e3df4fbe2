#include "eval/metrics/statistics.h"

#include <algorithm>
#include <string>

#include "runtime/errors.h"

namespace p2gan::metrics {
namespace {

// Rows per chunk: about 2^22 float64 values (32 MiB) at a time.
int64_t chunk_rows(int64_t dim) { return std::max<int64_t>(1, (int64_t{1} << 22) / dim); }

}  // namespace

GaussianStatistics feature_statistics(const torch::Tensor& features, int64_t rows_per_chunk) {
    if (features.dim() != 2) fail_invalid("features must be a [count, dim] matrix");
    const auto n = features.size(0), d = features.size(1);
    if (n < 2) fail_invalid("statistics need at least 2 feature rows, got " + std::to_string(n));
    const auto rows = rows_per_chunk > 0 ? rows_per_chunk : chunk_rows(d);
    const auto f64 = torch::TensorOptions().dtype(torch::kFloat64);

    auto sum = torch::zeros({d}, f64);
    for (int64_t start = 0; start < n; start += rows) {
        sum += features.slice(0, start, std::min(n, start + rows)).to(torch::kFloat64).sum(0);
    }
    auto mean = sum / static_cast<double>(n);

    // Centred before the product (two passes), so large means do not cancel digits away.
    auto scatter = torch::zeros({d, d}, f64);
    for (int64_t start = 0; start < n; start += rows) {
        const auto centred = features.slice(0, start, std::min(n, start + rows)).to(torch::kFloat64) - mean;
        scatter.addmm_(centred.t(), centred);
    }
    auto covariance = (scatter + scatter.t()) / (2.0 * static_cast<double>(n - 1));
    return {mean, covariance, n};
}

}  // namespace p2gan::metrics
