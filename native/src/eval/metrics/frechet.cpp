#include "eval/metrics/frechet.h"

#include <algorithm>
#include <string>

#include "runtime/errors.h"
#include "eval/metrics/matrix_sqrt.h"

namespace p2gan::metrics {
namespace {

constexpr double kSymmetryTolerance = 1e-6;
constexpr double kPsdTolerance = 1e-6;  // relative to max(1, largest eigenvalue)

torch::Tensor symmetric_covariance(const torch::Tensor& c, int64_t dim, const char* name) {
    if (c.dim() != 2 || c.size(0) != dim || c.size(1) != dim) {
        fail_invalid(std::string(name) + " must be [" + std::to_string(dim) + ", " + std::to_string(dim) + "]");
    }
    const auto c64 = c.to(torch::kFloat64);
    const double scale = std::max(1.0, c64.abs().max().item<double>());
    const double asymmetry = (c64 - c64.t()).abs().max().item<double>();
    if (asymmetry > kSymmetryTolerance * scale) {
        fail_invalid(std::string(name) + " is not symmetric (max |C - C^T| = " + std::to_string(asymmetry) + ")");
    }
    const auto symmetric = (c64 + c64.t()) * 0.5;
    // A covariance is positive semi-definite; the square root would silently clip a negative
    // eigenvalue to 0 and give a meaningless distance, so refuse anything below rounding.
    const auto eigenvalues = torch::linalg_eigvalsh(symmetric);  // ascending
    const double smallest = eigenvalues[0].item<double>();
    const double largest = eigenvalues[dim - 1].item<double>();
    if (!(smallest >= -kPsdTolerance * std::max(1.0, largest))) {
        fail_invalid(std::string(name) + " is not positive semi-definite: smallest eigenvalue " +
                     std::to_string(smallest));
    }
    return symmetric;
}

}  // namespace

double frechet_distance(const torch::Tensor& mean_a, const torch::Tensor& covariance_a,
                        const torch::Tensor& mean_b, const torch::Tensor& covariance_b) {
    if (mean_a.dim() != 1 || mean_b.dim() != 1 || mean_a.size(0) != mean_b.size(0)) {
        fail_invalid("mean_a and mean_b must be vectors of the same length");
    }
    const auto dim = mean_a.size(0);
    const auto ca = symmetric_covariance(covariance_a, dim, "covariance_a");
    const auto cb = symmetric_covariance(covariance_b, dim, "covariance_b");
    const auto diff = mean_a.to(torch::kFloat64) - mean_b.to(torch::kFloat64);
    const double distance = diff.dot(diff).item<double>() + ca.trace().item<double>() + cb.trace().item<double>() -
                            2.0 * trace_sqrt_product(ca, cb);
    return std::max(0.0, distance);
}

}  // namespace p2gan::metrics
