// Square roots of symmetric positive semi-definite matrices through the symmetric
// eigendecomposition (LAPACK syevd via torch::linalg_eigh), in float64. Eigenvalues that
// rounding pushed slightly below zero are clipped to 0 before the square root.
#pragma once

#include <torch/types.h>

namespace p2gan::metrics {

// S = V diag(sqrt(max(w, 0))) V^T for A = V diag(w) V^T; A float64, symmetric.
torch::Tensor symmetric_sqrt(const torch::Tensor& a);

// tr((A B)^(1/2)) for symmetric PSD A and B, as tr((S B S)^(1/2)) with S = A^(1/2):
// S B S is symmetric PSD and similar to A B (same eigenvalues), so the trace is the sum of
// the square roots of its eigenvalues (each clipped at 0). No iteration, no complex parts.
double trace_sqrt_product(const torch::Tensor& a, const torch::Tensor& b);

}  // namespace p2gan::metrics
