#include "eval/metrics/kid.h"

#include <string>
#include <vector>

#include <ATen/CPUGeneratorImpl.h>

#include "runtime/errors.h"

namespace p2gan::metrics {
namespace {

constexpr int64_t kMaxSubsets = 1 << 20;

// Sum of k over all pairs (i, j) of rows of x and y; off-diagonal only when `same`.
double kernel_sum(const torch::Tensor& x, const torch::Tensor& y, bool same) {
    const auto d = static_cast<double>(x.size(1));
    const auto k = (x.mm(y.t()) / d + 1.0).pow(3);
    double total = k.sum().item<double>();
    if (same) total -= k.diagonal().sum().item<double>();
    return total;
}

torch::Tensor draw(const torch::Tensor& set, int64_t size, at::Generator& gen) {
    if (set.size(0) <= size) return set.to(torch::kFloat64);
    const auto index = torch::randperm(set.size(0), gen, torch::TensorOptions().dtype(torch::kLong)).slice(0, 0, size);
    return set.index_select(0, index).to(torch::kFloat64);
}

}  // namespace

double polynomial_mmd2_unbiased(const torch::Tensor& x, const torch::Tensor& y) {
    const auto m = static_cast<double>(x.size(0)), n = static_cast<double>(y.size(0));
    return kernel_sum(x, x, true) / (m * (m - 1.0)) + kernel_sum(y, y, true) / (n * (n - 1.0)) -
           2.0 * kernel_sum(x, y, false) / (m * n);
}

MeanStd kernel_inception_distance(const torch::Tensor& a, const torch::Tensor& b, const KidOptions& options) {
    if (a.dim() != 2 || b.dim() != 2 || a.size(1) != b.size(1)) {
        fail_invalid("features_a and features_b must be matrices with the same number of columns");
    }
    if (a.size(0) < 2 || b.size(0) < 2) fail_invalid("KID needs at least 2 rows in each set");
    if (options.subsets < 1 || options.subsets > kMaxSubsets) {
        fail_invalid("subsets must be in [1, 2^20], got " + std::to_string(options.subsets));
    }
    if (options.subset_size < 2) fail_invalid("subset_size must be at least 2, got " + std::to_string(options.subset_size));

    if (a.size(0) <= options.subset_size && b.size(0) <= options.subset_size) {
        // Every subset would be both whole sets: one value, no spread.
        return {polynomial_mmd2_unbiased(a.to(torch::kFloat64), b.to(torch::kFloat64)), 0.0};
    }
    auto gen = at::make_generator<at::CPUGeneratorImpl>(options.seed);
    std::vector<double> values;
    values.reserve(static_cast<size_t>(options.subsets));
    for (int64_t s = 0; s < options.subsets; ++s) {
        const auto x = draw(a, options.subset_size, gen);
        const auto y = draw(b, options.subset_size, gen);
        values.push_back(polynomial_mmd2_unbiased(x, y));
    }
    return mean_std(values);
}

}  // namespace p2gan::metrics
