#include "eval/metrics/knn_manifold.h"

#include <algorithm>

namespace p2gan::metrics {
namespace {

int64_t chunk_rows(int64_t chunk_distances, int64_t columns) {
    return std::max<int64_t>(1, chunk_distances / columns);
}

// Squared distances [rows of q, rows of c]; q and c float64, c_sq the squared norms of c.
torch::Tensor squared_distances(const torch::Tensor& q, const torch::Tensor& c, const torch::Tensor& c_sq) {
    const auto q_sq = q.pow(2).sum(1, /*keepdim=*/true);
    return (q_sq + c_sq.unsqueeze(0) - 2.0 * q.mm(c.t())).clamp_min(0.0);
}

}  // namespace

torch::Tensor kth_neighbour_radii_sq(const torch::Tensor& points, int64_t k, int64_t chunk_distances) {
    const auto p = points.to(torch::kFloat64);
    const auto n = p.size(0);
    const auto p_sq = p.pow(2).sum(1);
    auto radii = torch::empty({n}, p.options());
    const auto rows = chunk_rows(chunk_distances, n);
    for (int64_t start = 0; start < n; start += rows) {
        const auto end = std::min(n, start + rows);
        const auto d = squared_distances(p.slice(0, start, end), p, p_sq);
        // The k + 1 smallest include the row itself (0): the last of them is the k-th neighbour.
        const auto nearest = std::get<0>(d.topk(k + 1, 1, /*largest=*/false, /*sorted=*/true));
        radii.slice(0, start, end).copy_(nearest.select(1, k));
    }
    return radii;
}

double fraction_covered(const torch::Tensor& queries, const torch::Tensor& centres, const torch::Tensor& radii_sq,
                        int64_t chunk_distances) {
    const auto q = queries.to(torch::kFloat64);
    const auto c = centres.to(torch::kFloat64);
    const auto c_sq = c.pow(2).sum(1);
    const auto n = q.size(0);
    const auto rows = chunk_rows(chunk_distances, c.size(0));
    int64_t covered = 0;
    for (int64_t start = 0; start < n; start += rows) {
        const auto d = squared_distances(q.slice(0, start, std::min(n, start + rows)), c, c_sq);
        covered += (d <= radii_sq.unsqueeze(0)).any(1).sum().item<int64_t>();
    }
    return static_cast<double>(covered) / static_cast<double>(n);
}

}  // namespace p2gan::metrics
