// Turning the metric ABI's raw buffers into checked tensors: null pointers, counts and
// dimensions within bounds, every value finite. The tensors are views of the caller's
// buffers (no copy): valid only during the call that received them, never written.
#pragma once

#include <cstdint>

#include <torch/types.h>

namespace p2gan::metrics {

// Largest accepted row count and feature dimension (and their product), far above any
// evaluation set, low enough that sizes never overflow.
constexpr int64_t kMaxRows = int64_t{1} << 31;
constexpr int64_t kMaxDim = int64_t{1} << 20;
constexpr int64_t kMaxElements = int64_t{1} << 36;

// Rejects dim outside [1, kMaxDim].
void require_dim(int64_t dim, const char* name);

// A float32 [count, dim] row-major matrix; count must be in [min_count, kMaxRows]. The
// names are the ABI parameters', used in messages.
torch::Tensor feature_rows(const float* data, int64_t count, int64_t dim, int64_t min_count, const char* name,
                           const char* count_name, const char* dim_name = "dim");

// A float64 vector [dim] and a float64 square matrix [dim, dim].
torch::Tensor double_vector(const double* data, int64_t dim, const char* name);
torch::Tensor double_square(const double* data, int64_t dim, const char* name);

// Fails with P2GAN_STATUS_NON_FINITE_INPUT naming the first non-finite element.
void require_finite(const torch::Tensor& t, const char* name);

}  // namespace p2gan::metrics
