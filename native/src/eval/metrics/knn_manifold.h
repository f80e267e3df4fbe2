// k-nearest-neighbour manifolds (Kynkaanniemi et al. 2019): a set of feature vectors
// approximates its manifold by the union of balls around each vector, of radius the
// distance to its k-th nearest neighbour in the same set. Squared Euclidean distances in
// float64, computed in row chunks (|q|^2 + |c|^2 - 2 q.c, clamped at 0) so that no more
// than about 2^24 distances (128 MiB) exist at once: 10k x 10k fits easily.
#pragma once

#include <cstdint>

#include <torch/types.h>

namespace p2gan::metrics {

// Distances held at once by default (float64: 128 MiB).
constexpr int64_t kChunkDistances = int64_t{1} << 24;

// Squared distance of every row of points [n, d] to its k-th nearest neighbour among the
// other rows (the row itself, at distance 0, is not counted); 1 <= k < n. [n], float64.
torch::Tensor kth_neighbour_radii_sq(const torch::Tensor& points, int64_t k,
                                     int64_t chunk_distances = kChunkDistances);

// Fraction of queries [q, d] within (<=) radius of at least one centre [c, d];
// radii_sq [c] are squared radii.
double fraction_covered(const torch::Tensor& queries, const torch::Tensor& centres, const torch::Tensor& radii_sq,
                        int64_t chunk_distances = kChunkDistances);

}  // namespace p2gan::metrics
