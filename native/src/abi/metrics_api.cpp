// The metric half of the C ABI ("evaluation: metrics" in p2gan.h): argument checks
// (metrics/inputs.h), then the float64 computations of native/src/metrics/, inside the
// shared guard of c_api_guard.h. Inputs are read in place, never kept; outputs are
// written only after the computation succeeded.
#include <cstring>
#include <string>

#include "abi/guard.h"
#include "runtime/errors.h"
#include "eval/metrics/frechet.h"
#include "eval/metrics/inception_score.h"
#include "eval/metrics/inputs.h"
#include "eval/metrics/kid.h"
#include "eval/metrics/precision_recall.h"
#include "eval/metrics/statistics.h"
#include "p2gan/p2gan.h"

namespace {

using p2gan::abi::guarded;

void require_out(const void* pointer, const char* name) {
    if (pointer == nullptr) p2gan::fail_invalid(std::string(name) + " is NULL");
}

}  // namespace

extern "C" {

p2gan_status p2gan_metric_statistics(const float* features, int64_t count, int64_t dim, double* out_mean,
                                     double* out_covariance) {
    return guarded(__func__, [&] {
        require_out(out_mean, "out_mean");
        require_out(out_covariance, "out_covariance");
        const auto x = p2gan::metrics::feature_rows(features, count, dim, 2, "features", "count");
        const auto s = p2gan::metrics::feature_statistics(x);
        std::memcpy(out_mean, s.mean.contiguous().data_ptr<double>(), static_cast<size_t>(dim) * sizeof(double));
        std::memcpy(out_covariance, s.covariance.contiguous().data_ptr<double>(),
                    static_cast<size_t>(dim) * static_cast<size_t>(dim) * sizeof(double));
    });
}

p2gan_status p2gan_metric_frechet_distance(const double* mean_a, const double* covariance_a, const double* mean_b,
                                           const double* covariance_b, int64_t dim, double* out_distance) {
    return guarded(__func__, [&] {
        require_out(out_distance, "out_distance");
        // A covariance holds dim^2 values: keep it within what statistics can produce.
        p2gan::metrics::require_dim(dim, "dim");
        if (dim > (int64_t{1} << 15)) p2gan::fail_invalid("dim must be at most 2^15 for a covariance, got " + std::to_string(dim));
        const auto ma = p2gan::metrics::double_vector(mean_a, dim, "mean_a");
        const auto ca = p2gan::metrics::double_square(covariance_a, dim, "covariance_a");
        const auto mb = p2gan::metrics::double_vector(mean_b, dim, "mean_b");
        const auto cb = p2gan::metrics::double_square(covariance_b, dim, "covariance_b");
        *out_distance = p2gan::metrics::frechet_distance(ma, ca, mb, cb);
    });
}

p2gan_status p2gan_metric_kid(const float* features_a, int64_t count_a, const float* features_b, int64_t count_b,
                              int64_t dim, int64_t subsets, int64_t subset_size, uint64_t seed, double* out_mean,
                              double* out_std) {
    return guarded(__func__, [&] {
        require_out(out_mean, "out_mean");
        require_out(out_std, "out_std");
        const auto a = p2gan::metrics::feature_rows(features_a, count_a, dim, 2, "features_a", "count_a");
        const auto b = p2gan::metrics::feature_rows(features_b, count_b, dim, 2, "features_b", "count_b");
        const auto r = p2gan::metrics::kernel_inception_distance(a, b, {subsets, subset_size, seed});
        *out_mean = r.mean;
        *out_std = r.std;
    });
}

p2gan_status p2gan_metric_inception_score(const float* logits, int64_t count, int64_t classes, int64_t splits,
                                          double* out_mean, double* out_std) {
    return guarded(__func__, [&] {
        require_out(out_mean, "out_mean");
        require_out(out_std, "out_std");
        const auto x = p2gan::metrics::feature_rows(logits, count, classes, 1, "logits", "count", "classes");
        const auto r = p2gan::metrics::inception_score(x, splits);
        *out_mean = r.mean;
        *out_std = r.std;
    });
}

p2gan_status p2gan_metric_precision_recall(const float* real, int64_t count_real, const float* fake,
                                           int64_t count_fake, int64_t dim, int64_t k, double* out_precision,
                                           double* out_recall) {
    return guarded(__func__, [&] {
        require_out(out_precision, "out_precision");
        require_out(out_recall, "out_recall");
        const auto r = p2gan::metrics::feature_rows(real, count_real, dim, 1, "real", "count_real");
        const auto f = p2gan::metrics::feature_rows(fake, count_fake, dim, 1, "fake", "count_fake");
        const auto pr = p2gan::metrics::precision_recall(r, f, k);
        *out_precision = pr.precision;
        *out_recall = pr.recall;
    });
}

}  // extern "C"
