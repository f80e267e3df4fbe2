// The Frechet distance between two Gaussians (FID when they are Inception statistics).
#pragma once

#include <torch/types.h>

namespace p2gan::metrics {

// |m_a - m_b|^2 + tr(C_a) + tr(C_b) - 2 tr((C_a C_b)^(1/2)), all float64; the trace of the
// square root by trace_sqrt_product (matrix_sqrt.h). Covariances must be symmetric to a
// relative 1e-6 (they are symmetrised before use) and positive semi-definite (smallest
// eigenvalue >= -1e-6 * max(1, largest)), else p2gan::Error (invalid argument); the result is clamped at 0, which only
// removes rounding below zero. Means [dim], covariances [dim, dim].
double frechet_distance(const torch::Tensor& mean_a, const torch::Tensor& covariance_a,
                        const torch::Tensor& mean_b, const torch::Tensor& covariance_b);

}  // namespace p2gan::metrics
