#include "eval/metrics/inputs.h"

#include <string>

#include "runtime/errors.h"

namespace p2gan::metrics {
namespace {

void require_non_null(const void* pointer, const char* name) {
    if (pointer == nullptr) fail_invalid(std::string(name) + " is NULL");
}

}  // namespace

void require_dim(int64_t dim, const char* name) {
    if (dim < 1 || dim > kMaxDim) {
        fail_invalid(std::string(name) + " must be in [1, 2^20], got " + std::to_string(dim));
    }
}

void require_finite(const torch::Tensor& t, const char* name) {
    const auto finite = torch::isfinite(t);
    if (finite.all().item<bool>()) return;
    const auto flat = t.reshape({-1});
    const auto index = (~finite).reshape({-1}).nonzero()[0].item<int64_t>();
    std::string where = "element " + std::to_string(index);
    if (t.dim() == 2) {
        where += " (row " + std::to_string(index / t.size(1)) + ", column " + std::to_string(index % t.size(1)) + ")";
    }
    fail(P2GAN_STATUS_NON_FINITE_INPUT, std::string(name) + " holds a non-finite value (" +
                                            std::to_string(flat[index].item<double>()) + ") at " + where);
}

torch::Tensor feature_rows(const float* data, int64_t count, int64_t dim, int64_t min_count, const char* name,
                           const char* count_name, const char* dim_name) {
    require_non_null(data, name);
    if (count < min_count || count > kMaxRows) {
        fail_invalid(std::string(count_name) + " must be in [" + std::to_string(min_count) + ", 2^31], got " +
                     std::to_string(count));
    }
    require_dim(dim, dim_name);
    if (count > kMaxElements / dim) {
        fail_invalid(std::string(name) + " of " + std::to_string(count) + " x " + std::to_string(dim) +
                     " exceeds 2^36 elements");
    }
    auto t = torch::from_blob(const_cast<float*>(data), {count, dim}, torch::kFloat32);
    require_finite(t, name);
    return t;
}

torch::Tensor double_vector(const double* data, int64_t dim, const char* name) {
    require_non_null(data, name);
    auto t = torch::from_blob(const_cast<double*>(data), {dim}, torch::kFloat64);
    require_finite(t, name);
    return t;
}

torch::Tensor double_square(const double* data, int64_t dim, const char* name) {
    require_non_null(data, name);
    auto t = torch::from_blob(const_cast<double*>(data), {dim, dim}, torch::kFloat64);
    require_finite(t, name);
    return t;
}

}  // namespace p2gan::metrics
