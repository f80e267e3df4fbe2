#include "eval/metrics/precision_recall.h"

#include <string>

#include "runtime/errors.h"
#include "eval/metrics/knn_manifold.h"

namespace p2gan::metrics {

PrecisionRecall precision_recall(const torch::Tensor& real, const torch::Tensor& fake, int64_t k) {
    if (real.dim() != 2 || fake.dim() != 2 || real.size(1) != fake.size(1)) {
        fail_invalid("real and fake must be matrices with the same number of columns");
    }
    if (k < 1) fail_invalid("k must be at least 1, got " + std::to_string(k));
    if (real.size(0) <= k || fake.size(0) <= k) {
        fail_invalid("each set needs more than k = " + std::to_string(k) + " rows (real has " +
                     std::to_string(real.size(0)) + ", fake has " + std::to_string(fake.size(0)) + ")");
    }
    const auto real_radii = kth_neighbour_radii_sq(real, k);
    const auto fake_radii = kth_neighbour_radii_sq(fake, k);
    return {fraction_covered(fake, real, real_radii), fraction_covered(real, fake, fake_radii)};
}

}  // namespace p2gan::metrics
