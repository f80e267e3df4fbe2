// Evaluation metrics: the float64 core against closed forms and naive loops
// (p2gan::metrics), then the C ABI's argument checks (p2gan_metric_*).
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include <torch/torch.h>

#include "runtime/errors.h"
#include "eval/metrics/frechet.h"
#include "eval/metrics/inception_score.h"
#include "eval/metrics/kid.h"
#include "eval/metrics/knn_manifold.h"
#include "eval/metrics/matrix_sqrt.h"
#include "eval/metrics/precision_recall.h"
#include "eval/metrics/statistics.h"
#include "p2gan/p2gan.h"

namespace {

using namespace p2gan::metrics;

const auto kF64 = torch::TensorOptions().dtype(torch::kFloat64);

torch::Tensor gaussian_rows(int64_t n, int64_t d, uint64_t seed, double shift = 0.0) {
    auto gen = at::make_generator<at::CPUGeneratorImpl>(seed);
    return torch::randn({n, d}, gen, torch::kFloat32) + shift;
}

// A random symmetric positive definite matrix.
torch::Tensor spd(int64_t d, uint64_t seed) {
    const auto a = gaussian_rows(d, d, seed).to(torch::kFloat64);
    return a.mm(a.t()) / static_cast<double>(d) + 0.1 * torch::eye(d, kF64);
}

torch::Tensor vec(std::vector<double> v) { return torch::tensor(v, kF64); }

// ---- statistics -------------------------------------------------------------------

TEST(MetricStatistics, MeanAndUnbiasedCovarianceOfAKnownMatrix) {
    // Rows (1, 2), (3, 6), (5, 7): mean (3, 5); centred (-2, -3), (0, 1), (2, 2);
    // scatter [[8, 10], [10, 14]] / (3 - 1) = [[4, 5], [5, 7]].
    const auto x = torch::tensor({1.f, 2.f, 3.f, 6.f, 5.f, 7.f}).reshape({3, 2});
    const auto s = feature_statistics(x);
    EXPECT_EQ(s.count, 3);
    EXPECT_TRUE(torch::allclose(s.mean, vec({3, 5}), 0, 1e-12));
    EXPECT_TRUE(torch::allclose(s.covariance, vec({4, 5, 5, 7}).reshape({2, 2}), 0, 1e-12));
    EXPECT_EQ(s.mean.scalar_type(), torch::kFloat64);
}

TEST(MetricStatistics, ChunkedEqualsOnePass) {
    const auto x = gaussian_rows(103, 7, 3, 100.0);  // a large mean tests the two-pass centring
    const auto whole = feature_statistics(x, 1000);
    const auto chunked = feature_statistics(x, 10);
    EXPECT_TRUE(torch::allclose(whole.mean, chunked.mean, 0, 1e-10));
    EXPECT_TRUE(torch::allclose(whole.covariance, chunked.covariance, 0, 1e-10));
    const auto x64 = x.to(torch::kFloat64);
    const auto centred = x64 - x64.mean(0);
    EXPECT_TRUE(torch::allclose(whole.covariance, centred.t().mm(centred) / 102.0, 0, 1e-9));
}

// ---- matrix square root and Frechet distance --------------------------------------

TEST(MetricMatrixSqrt, SquaresBackAndClipsTinyNegativeEigenvalues) {
    const auto a = spd(12, 5);
    const auto s = symmetric_sqrt(a);
    EXPECT_TRUE(torch::allclose(s.mm(s), a, 0, 1e-10));
    // Rank one with rounding: eigenvalues 0 may come out as -1e-17; the root stays real.
    const auto u = vec({1, 2, 3}).unsqueeze(1);
    const auto r = symmetric_sqrt(u.mm(u.t()));
    EXPECT_TRUE(torch::isfinite(r).all().item<bool>());
    EXPECT_TRUE(torch::allclose(r.mm(r), u.mm(u.t()), 0, 1e-9));
}

TEST(MetricFrechet, EqualGaussiansGiveZero) {
    const auto c = spd(32, 9);
    const auto m = gaussian_rows(1, 32, 4).squeeze(0).to(torch::kFloat64);
    EXPECT_NEAR(frechet_distance(m, c, m, c), 0.0, 1e-9);
}

TEST(MetricFrechet, DiagonalCovariancesMatchTheAnalyticValue) {
    // sum (m_a - m_b)^2 + sum (sqrt(a_i) - sqrt(b_i))^2
    const std::vector<double> ma{0, 1, -2, 3}, mb{1, 1, 0, -1}, a{1, 4, 9, 0.25}, b{4, 1, 2, 0.25};
    double expected = 0.0;
    for (size_t i = 0; i < a.size(); ++i) {
        expected += (ma[i] - mb[i]) * (ma[i] - mb[i]) + std::pow(std::sqrt(a[i]) - std::sqrt(b[i]), 2);
    }
    EXPECT_NEAR(frechet_distance(vec(ma), torch::diag(vec(a)), vec(mb), torch::diag(vec(b))), expected, 1e-12);
}

TEST(MetricFrechet, NonCommutingTwoByTwoMatchesItsClosedForm) {
    // C_a = diag(4, 1), C_b = [[2, 1], [1, 2]] (they do not commute), m_a = (1, 0), m_b = (0, 2).
    // M = C_a C_b = [[8, 4], [1, 2]]: tr M = 10, det M = det C_a det C_b = 4 * 3 = 12.
    // For a 2x2 M with eigenvalues l1, l2 > 0: tr M^(1/2) = sqrt(l1) + sqrt(l2), and
    // (sqrt(l1) + sqrt(l2))^2 = tr M + 2 sqrt(det M), so tr M^(1/2) = sqrt(10 + 4 sqrt(3))
    // = 4.114389776172829 (check: l = 5 +- sqrt(13) = 8.60555, 1.39445; roots 2.93353 + 1.18086).
    // FID = |m_a - m_b|^2 + tr C_a + tr C_b - 2 tr M^(1/2) = 5 + 5 + 4 - 8.228779552345658.
    const double expected = 5.771220447654342;
    const auto ca = vec({4, 0, 0, 1}).reshape({2, 2});
    const auto cb = vec({2, 1, 1, 2}).reshape({2, 2});
    EXPECT_NEAR(trace_sqrt_product(ca, cb), 4.114389776172829, 1e-12);
    EXPECT_NEAR(frechet_distance(vec({1, 0}), ca, vec({0, 2}), cb), expected, 1e-12);
    EXPECT_NEAR(frechet_distance(vec({0, 2}), cb, vec({1, 0}), ca), expected, 1e-12);  // symmetric
}

TEST(MetricFrechet, SingularCovariancesStayFinite) {
    // Fewer samples than dimensions: rank-deficient covariances, as with small eval sets.
    const auto a = feature_statistics(gaussian_rows(5, 16, 1));
    const auto b = feature_statistics(gaussian_rows(5, 16, 2));
    const double d = frechet_distance(a.mean, a.covariance, b.mean, b.covariance);
    EXPECT_TRUE(std::isfinite(d));
    EXPECT_GT(d, 0.0);
    EXPECT_NEAR(frechet_distance(a.mean, a.covariance, a.mean, a.covariance), 0.0, 1e-8);
}

TEST(MetricFrechet, RejectsAnAsymmetricCovariance) {
    const auto c = vec({1, 0.5, 0, 1}).reshape({2, 2});
    EXPECT_THROW(frechet_distance(vec({0, 0}), c, vec({0, 0}), torch::eye(2, kF64)), p2gan::Error);
}

// ---- KID --------------------------------------------------------------------------

// The U-statistic by the definition, one pair at a time.
double naive_mmd2(const torch::Tensor& x, const torch::Tensor& y) {
    const auto d = static_cast<double>(x.size(1));
    auto k = [&](const torch::Tensor& u, const torch::Tensor& v) {
        double dot = 0.0;
        for (int64_t c = 0; c < u.size(0); ++c) dot += u[c].item<double>() * v[c].item<double>();
        return std::pow(dot / d + 1.0, 3);
    };
    const int64_t m = x.size(0), n = y.size(0);
    double xx = 0, yy = 0, xy = 0;
    for (int64_t i = 0; i < m; ++i)
        for (int64_t j = 0; j < m; ++j)
            if (i != j) xx += k(x[i], x[j]);
    for (int64_t i = 0; i < n; ++i)
        for (int64_t j = 0; j < n; ++j)
            if (i != j) yy += k(y[i], y[j]);
    for (int64_t i = 0; i < m; ++i)
        for (int64_t j = 0; j < n; ++j) xy += k(x[i], y[j]);
    return xx / (m * (m - 1.0)) + yy / (n * (n - 1.0)) - 2.0 * xy / (m * n);
}

TEST(MetricKid, OneWholeSubsetIsTheExactUStatistic) {
    const auto x = gaussian_rows(6, 3, 11), y = gaussian_rows(5, 3, 12, 0.5);
    const double expected = naive_mmd2(x.to(torch::kFloat64), y.to(torch::kFloat64));
    const auto r = kernel_inception_distance(x, y, {3, 100, 0});  // both sets smaller than a subset
    EXPECT_NEAR(r.mean, expected, 1e-12);
    EXPECT_EQ(r.std, 0.0);
    EXPECT_NEAR(polynomial_mmd2_unbiased(x.to(torch::kFloat64), y.to(torch::kFloat64)), expected, 1e-12);
}

TEST(MetricKid, IdenticalSetsAndDistributionsGiveAboutZeroAndShiftsDoNot) {
    // The same set against itself, whole: XX = YY = O / (m (m - 1)), XY = (O + D) / m^2
    // (O: sum of the off-diagonal kernel values, D: of the diagonal), so
    // KID = (2 / m) (O / (m (m - 1)) - D / m) = (2 / m) (mean off-diagonal - mean diagonal):
    // O(1/m), and |KID| <= 4 max k(x, x) / m since |k(x, y)| <= sqrt(k(x, x) k(y, y)).
    const auto a = gaussian_rows(400, 16, 21);
    const auto itself = kernel_inception_distance(a, a, {1, 400, 0});
    const double max_diag = ((a.to(torch::kFloat64).pow(2).sum(1) / 16.0 + 1.0).pow(3)).max().item<double>();
    EXPECT_LT(std::abs(itself.mean), 4.0 * max_diag / 400.0);
    EXPECT_LT(itself.mean, 0.0);  // the diagonal (k(x, x) ~ 8) outweighs the rest (~1.2)
    EXPECT_EQ(itself.std, 0.0);

    // Independent samples of one distribution versus a shifted one, in subsets of 100.
    const auto b = gaussian_rows(400, 16, 23);
    const auto same = kernel_inception_distance(a, b, {50, 100, 1});
    const auto other = kernel_inception_distance(a, gaussian_rows(400, 16, 22, 1.0), {50, 100, 1});
    EXPECT_LT(std::abs(same.mean), 0.02 * other.mean) << same.mean << " vs " << other.mean;
    EXPECT_LT(std::abs(same.mean), 3.0 * same.std) << same.mean << " +- " << same.std;
    EXPECT_GT(other.mean, 0.0);
    EXPECT_GT(same.std, 0.0);
}

TEST(MetricKid, IsDeterministicPerSeed) {
    const auto a = gaussian_rows(60, 4, 1), b = gaussian_rows(70, 4, 2, 0.3);
    const auto r1 = kernel_inception_distance(a, b, {5, 20, 7});
    const auto r2 = kernel_inception_distance(a, b, {5, 20, 7});
    const auto r3 = kernel_inception_distance(a, b, {5, 20, 8});
    EXPECT_EQ(r1.mean, r2.mean);
    EXPECT_EQ(r1.std, r2.std);
    EXPECT_NE(r1.mean, r3.mean);
}

TEST(MetricKid, ASmallSetIsUsedWholeInEverySubset) {
    // a (4 rows) is smaller than a subset: each subset holds all of it and 10 rows of b.
    const auto a = gaussian_rows(4, 3, 31), b = gaussian_rows(50, 3, 32);
    const auto r = kernel_inception_distance(a, b, {1, 10, 5});
    EXPECT_TRUE(std::isfinite(r.mean));
    EXPECT_EQ(r.std, 0.0);
    const auto many = kernel_inception_distance(a, b, {8, 10, 5});
    EXPECT_GT(many.std, 0.0);  // b's subsets differ
}

TEST(MetricKid, RejectsBadOptions) {
    const auto a = gaussian_rows(10, 3, 1);
    EXPECT_THROW(kernel_inception_distance(a, a, {0, 5, 0}), p2gan::Error);
    EXPECT_THROW(kernel_inception_distance(a, a, {1, 1, 0}), p2gan::Error);
    EXPECT_THROW(kernel_inception_distance(a, gaussian_rows(10, 4, 1), {1, 5, 0}), p2gan::Error);
}

// ---- Inception score ----------------------------------------------------------------

TEST(MetricInceptionScore, UniformLogitsScoreOne) {
    const auto r = inception_score(torch::zeros({20, 10}), 2);
    EXPECT_NEAR(r.mean, 1.0, 1e-12);
    EXPECT_NEAR(r.std, 0.0, 1e-12);
}

TEST(MetricInceptionScore, ConfidentDiverseLogitsScoreTheClassCount) {
    // Row i is certain of class i % 10 (logit gap 100: other classes get e^-100).
    const int64_t n = 40, classes = 10;
    auto logits = torch::zeros({n, classes});
    for (int64_t i = 0; i < n; ++i) logits[i][i % classes] = 100.0f;
    const auto one = inception_score(logits, 1);
    EXPECT_NEAR(one.mean, 10.0, 1e-9);
    const auto four = inception_score(logits, 4);  // each split still holds all ten classes once
    EXPECT_NEAR(four.mean, 10.0, 1e-9);
    EXPECT_NEAR(four.std, 0.0, 1e-9);
    // Confident but all the same class: no diversity, score 1.
    auto same = torch::zeros({n, classes});
    same.select(1, 3).fill_(100.0f);
    EXPECT_NEAR(inception_score(same, 1).mean, 1.0, 1e-9);
}

TEST(MetricInceptionScore, MatchesTheDefinitionOnAHandCase) {
    // Two rows, two classes: p1 = (0.8, 0.2), p2 = (0.2, 0.8) (logits log p), p(y) = (0.5, 0.5).
    // KL(p1 || py) = KL(p2 || py) = 0.8 ln 1.6 + 0.2 ln 0.4; IS = exp of that.
    const auto logits = torch::tensor({std::log(0.8f), std::log(0.2f), std::log(0.2f), std::log(0.8f)}).reshape({2, 2});
    const double expected = std::exp(0.8 * std::log(1.6) + 0.2 * std::log(0.4));
    EXPECT_NEAR(inception_score(logits, 1).mean, expected, 1e-6);
    EXPECT_THROW(inception_score(logits, 3), p2gan::Error);
    EXPECT_THROW(inception_score(logits, 0), p2gan::Error);
}

// ---- precision and recall ------------------------------------------------------------

TEST(MetricPrecisionRecall, IdenticalSetsGiveOne) {
    const auto x = gaussian_rows(200, 8, 41);
    const auto r = precision_recall(x, x, 3);
    EXPECT_EQ(r.precision, 1.0);
    EXPECT_EQ(r.recall, 1.0);
}

TEST(MetricPrecisionRecall, DisjointFarSetsGiveZero) {
    const auto r = precision_recall(gaussian_rows(100, 8, 1), gaussian_rows(120, 8, 2, 1000.0), 3);
    EXPECT_EQ(r.precision, 0.0);
    EXPECT_EQ(r.recall, 0.0);
}

TEST(MetricPrecisionRecall, HandCaseOnALine) {
    // Real 0, 1, 2, 3 (k = 1: every radius is 1); fake 0.5 and 10 (k = 1: radii 9.5).
    // Precision: 0.5 lies within 1 of 0, 10 lies in no real ball -> 1/2.
    // Recall: every real lies within 9.5 of 0.5 -> 1.
    const auto real = torch::tensor({0.f, 1.f, 2.f, 3.f}).unsqueeze(1);
    const auto fake = torch::tensor({0.5f, 10.f}).unsqueeze(1);
    const auto r = precision_recall(real, fake, 1);
    EXPECT_DOUBLE_EQ(r.precision, 0.5);
    EXPECT_DOUBLE_EQ(r.recall, 1.0);
    EXPECT_THROW(precision_recall(real, fake, 2), p2gan::Error);  // fake has only 2 rows
    EXPECT_THROW(precision_recall(real, fake, 0), p2gan::Error);
}

TEST(MetricPrecisionRecall, ChunkedRadiiAndCoverageEqualBruteForce) {
    const auto p = gaussian_rows(300, 5, 51).to(torch::kFloat64);
    const auto q = gaussian_rows(250, 5, 52, 0.7).to(torch::kFloat64);
    const auto d = torch::cdist(p, p).pow(2);
    const auto brute = std::get<0>(d.topk(4, 1, false, true)).select(1, 3);
    const auto chunked = kth_neighbour_radii_sq(p, 3, 1000);  // 3 rows per chunk
    EXPECT_TRUE(torch::allclose(chunked, brute, 1e-9, 1e-9));
    EXPECT_TRUE(torch::allclose(kth_neighbour_radii_sq(p, 3), brute, 1e-9, 1e-9));
    const double covered = (torch::cdist(q, p).pow(2) <= brute.unsqueeze(0)).any(1).to(torch::kFloat64).mean().item<double>();
    EXPECT_DOUBLE_EQ(fraction_covered(q, p, chunked, 700), covered);
    EXPECT_GT(covered, 0.0);
    EXPECT_LT(covered, 1.0);
}

// Evaluation-sized inputs (minutes on a loaded CPU; run with --gtest_also_run_disabled_tests):
// 2048-d Inception-like statistics and 10k x 10k precision/recall in bounded memory.
TEST(MetricScale, DISABLED_InceptionSizedInputs) {
    const auto a = gaussian_rows(4096, 2048, 1), b = gaussian_rows(4096, 2048, 2, 0.01);
    const auto sa = feature_statistics(a), sb = feature_statistics(b);
    const double fid = frechet_distance(sa.mean, sa.covariance, sb.mean, sb.covariance);
    EXPECT_TRUE(std::isfinite(fid));
    EXPECT_NEAR(frechet_distance(sa.mean, sa.covariance, sa.mean, sa.covariance), 0.0, 1e-6);
    const auto r = precision_recall(gaussian_rows(10000, 64, 3), gaussian_rows(10000, 64, 4), 3);
    EXPECT_GT(r.precision, 0.5);
    EXPECT_GT(r.recall, 0.5);
}

// ---- the C ABI ----------------------------------------------------------------------

std::string last_error() { return p2gan_last_error(); }

void expect_error(p2gan_status status, p2gan_status expected, const std::string& fragment) {
    EXPECT_EQ(status, expected) << last_error();
    EXPECT_NE(last_error().find(fragment), std::string::npos) << "message: " << last_error();
}

constexpr auto kInvalid = P2GAN_STATUS_INVALID_ARGUMENT;
constexpr auto kNonFinite = P2GAN_STATUS_NON_FINITE_INPUT;
const float kNaN = std::numeric_limits<float>::quiet_NaN();

std::vector<float> rows(int64_t n, int64_t d, uint64_t seed, double shift = 0.0) {
    const auto t = gaussian_rows(n, d, seed, shift).contiguous();
    return {t.data_ptr<float>(), t.data_ptr<float>() + n * d};
}

TEST(MetricAbi, StatisticsComputesAndRejectsBadArguments) {
    const auto x = rows(10, 3, 1);
    double mean[3], cov[9];
    ASSERT_EQ(p2gan_metric_statistics(x.data(), 10, 3, mean, cov), P2GAN_STATUS_OK) << last_error();
    const auto s = feature_statistics(torch::from_blob(const_cast<float*>(x.data()), {10, 3}));
    EXPECT_NEAR(mean[1], s.mean[1].item<double>(), 1e-15);
    EXPECT_NEAR(cov[5], s.covariance[1][2].item<double>(), 1e-15);

    expect_error(p2gan_metric_statistics(nullptr, 10, 3, mean, cov), kInvalid, "features is NULL");
    expect_error(p2gan_metric_statistics(x.data(), 10, 3, nullptr, cov), kInvalid, "out_mean is NULL");
    expect_error(p2gan_metric_statistics(x.data(), 10, 3, mean, nullptr), kInvalid, "out_covariance is NULL");
    expect_error(p2gan_metric_statistics(x.data(), 1, 3, mean, cov), kInvalid, "count");
    expect_error(p2gan_metric_statistics(x.data(), 0, 3, mean, cov), kInvalid, "count");
    expect_error(p2gan_metric_statistics(x.data(), -4, 3, mean, cov), kInvalid, "count");
    expect_error(p2gan_metric_statistics(x.data(), 10, 0, mean, cov), kInvalid, "dim");
    expect_error(p2gan_metric_statistics(x.data(), 10, -1, mean, cov), kInvalid, "dim");
    auto bad = x;
    bad[7] = kNaN;
    expect_error(p2gan_metric_statistics(bad.data(), 10, 3, mean, cov), kNonFinite, "row 2, column 1");
    EXPECT_NE(last_error().find("p2gan_metric_statistics"), std::string::npos);
}

TEST(MetricAbi, FrechetDistanceComputesAndRejectsBadArguments) {
    const double ma[2] = {1, 0}, mb[2] = {0, 2}, ca[4] = {4, 0, 0, 1}, cb[4] = {2, 1, 1, 2};
    double d = -1;
    ASSERT_EQ(p2gan_metric_frechet_distance(ma, ca, mb, cb, 2, &d), P2GAN_STATUS_OK) << last_error();
    EXPECT_NEAR(d, 5.771220447654342, 1e-12);

    expect_error(p2gan_metric_frechet_distance(nullptr, ca, mb, cb, 2, &d), kInvalid, "mean_a is NULL");
    expect_error(p2gan_metric_frechet_distance(ma, nullptr, mb, cb, 2, &d), kInvalid, "covariance_a is NULL");
    expect_error(p2gan_metric_frechet_distance(ma, ca, nullptr, cb, 2, &d), kInvalid, "mean_b is NULL");
    expect_error(p2gan_metric_frechet_distance(ma, ca, mb, nullptr, 2, &d), kInvalid, "covariance_b is NULL");
    expect_error(p2gan_metric_frechet_distance(ma, ca, mb, cb, 2, nullptr), kInvalid, "out_distance is NULL");
    expect_error(p2gan_metric_frechet_distance(ma, ca, mb, cb, 0, &d), kInvalid, "dim");
    expect_error(p2gan_metric_frechet_distance(ma, ca, mb, cb, -2, &d), kInvalid, "dim");
    const double nan_mean[2] = {std::nan(""), 0};
    expect_error(p2gan_metric_frechet_distance(nan_mean, ca, mb, cb, 2, &d), kNonFinite, "mean_a");
    const double inf_cov[4] = {2, 1, 1, HUGE_VAL};
    expect_error(p2gan_metric_frechet_distance(ma, ca, mb, inf_cov, 2, &d), kNonFinite, "covariance_b");
    const double asymmetric[4] = {2, 1, 0, 2};
    expect_error(p2gan_metric_frechet_distance(ma, asymmetric, mb, cb, 2, &d), kInvalid, "not symmetric");
}

TEST(MetricAbi, FrechetDistanceRefusesACovarianceThatIsNotPositiveSemiDefinite) {
    const double ma[2] = {1, 0}, mb[2] = {0, 2}, ca[4] = {4, 0, 0, 1}, cb[4] = {2, 1, 1, 2};
    double d = -1;
    // Symmetric with eigenvalues 3 and -1: clipping -1 to 0 used to give a distance anyway.
    const double indefinite[4] = {1, 2, 2, 1};
    expect_error(p2gan_metric_frechet_distance(ma, indefinite, mb, cb, 2, &d), kInvalid,
                 "covariance_a is not positive semi-definite: smallest eigenvalue -1");
    expect_error(p2gan_metric_frechet_distance(ma, ca, mb, indefinite, 2, &d), kInvalid,
                 "covariance_b is not positive semi-definite: smallest eigenvalue -1");
    const double negative_diagonal[4] = {-0.5, 0, 0, 2};
    expect_error(p2gan_metric_frechet_distance(ma, negative_diagonal, mb, cb, 2, &d), kInvalid,
                 "covariance_a is not positive semi-definite");
    // Asymmetric covariances are refused too, whichever side.
    const double asymmetric[4] = {2, 1, 0.5, 2};
    expect_error(p2gan_metric_frechet_distance(ma, ca, mb, asymmetric, 2, &d), kInvalid, "covariance_b is not symmetric");
    expect_error(p2gan_metric_frechet_distance(ma, asymmetric, mb, cb, 2, &d), kInvalid, "covariance_a is not symmetric");
    // Rounding below zero (a singular covariance) is still accepted.
    const double singular[4] = {1, 1, 1, 1 - 1e-12};  // smallest eigenvalue about -5e-13
    ASSERT_EQ(p2gan_metric_frechet_distance(ma, singular, mb, singular, 2, &d), P2GAN_STATUS_OK) << last_error();
    EXPECT_NEAR(d, 5.0, 1e-9);
}

TEST(MetricAbi, KidComputesAndRejectsBadArguments) {
    const auto a = rows(6, 3, 11), b = rows(5, 3, 12, 0.5);
    double mean = -1, sd = -1;
    ASSERT_EQ(p2gan_metric_kid(a.data(), 6, b.data(), 5, 3, 2, 100, 0, &mean, &sd), P2GAN_STATUS_OK) << last_error();
    EXPECT_NEAR(mean, naive_mmd2(torch::from_blob(const_cast<float*>(a.data()), {6, 3}).to(torch::kFloat64),
                                 torch::from_blob(const_cast<float*>(b.data()), {5, 3}).to(torch::kFloat64)),
                1e-12);
    EXPECT_EQ(sd, 0.0);

    expect_error(p2gan_metric_kid(nullptr, 6, b.data(), 5, 3, 2, 4, 0, &mean, &sd), kInvalid, "features_a is NULL");
    expect_error(p2gan_metric_kid(a.data(), 6, nullptr, 5, 3, 2, 4, 0, &mean, &sd), kInvalid, "features_b is NULL");
    expect_error(p2gan_metric_kid(a.data(), 6, b.data(), 5, 3, 2, 4, 0, nullptr, &sd), kInvalid, "out_mean is NULL");
    expect_error(p2gan_metric_kid(a.data(), 6, b.data(), 5, 3, 2, 4, 0, &mean, nullptr), kInvalid, "out_std is NULL");
    expect_error(p2gan_metric_kid(a.data(), 0, b.data(), 5, 3, 2, 4, 0, &mean, &sd), kInvalid, "count_a");
    expect_error(p2gan_metric_kid(a.data(), 1, b.data(), 5, 3, 2, 4, 0, &mean, &sd), kInvalid, "count_a");
    expect_error(p2gan_metric_kid(a.data(), 6, b.data(), -5, 3, 2, 4, 0, &mean, &sd), kInvalid, "count_b");
    expect_error(p2gan_metric_kid(a.data(), 6, b.data(), 5, 0, 2, 4, 0, &mean, &sd), kInvalid, "dim");
    expect_error(p2gan_metric_kid(a.data(), 6, b.data(), 5, 3, 0, 4, 0, &mean, &sd), kInvalid, "subsets");
    expect_error(p2gan_metric_kid(a.data(), 6, b.data(), 5, 3, 2, 1, 0, &mean, &sd), kInvalid, "subset_size");
    auto bad = b;
    bad[14] = -kNaN;
    expect_error(p2gan_metric_kid(a.data(), 6, bad.data(), 5, 3, 2, 4, 0, &mean, &sd), kNonFinite, "features_b");
}

TEST(MetricAbi, InceptionScoreComputesAndRejectsBadArguments) {
    std::vector<float> logits(40 * 10, 0.0f);
    for (int i = 0; i < 40; ++i) logits[i * 10 + i % 10] = 100.0f;
    double mean = -1, sd = -1;
    ASSERT_EQ(p2gan_metric_inception_score(logits.data(), 40, 10, 4, &mean, &sd), P2GAN_STATUS_OK) << last_error();
    EXPECT_NEAR(mean, 10.0, 1e-9);

    expect_error(p2gan_metric_inception_score(nullptr, 40, 10, 4, &mean, &sd), kInvalid, "logits is NULL");
    expect_error(p2gan_metric_inception_score(logits.data(), 40, 10, 4, nullptr, &sd), kInvalid, "out_mean is NULL");
    expect_error(p2gan_metric_inception_score(logits.data(), 40, 10, 4, &mean, nullptr), kInvalid, "out_std is NULL");
    expect_error(p2gan_metric_inception_score(logits.data(), 0, 10, 4, &mean, &sd), kInvalid, "count");
    expect_error(p2gan_metric_inception_score(logits.data(), 40, 0, 4, &mean, &sd), kInvalid, "classes");
    expect_error(p2gan_metric_inception_score(logits.data(), 40, 10, 0, &mean, &sd), kInvalid, "splits");
    expect_error(p2gan_metric_inception_score(logits.data(), 40, 10, 41, &mean, &sd), kInvalid, "splits");
    logits[5] = std::numeric_limits<float>::infinity();
    expect_error(p2gan_metric_inception_score(logits.data(), 40, 10, 4, &mean, &sd), kNonFinite, "logits");
}

TEST(MetricAbi, PrecisionRecallComputesAndRejectsBadArguments) {
    const auto real = rows(50, 4, 1), fake = rows(40, 4, 2, 1000.0);
    double p = -1, r = -1;
    ASSERT_EQ(p2gan_metric_precision_recall(real.data(), 50, real.data(), 50, 4, 3, &p, &r), P2GAN_STATUS_OK);
    EXPECT_EQ(p, 1.0);
    EXPECT_EQ(r, 1.0);
    ASSERT_EQ(p2gan_metric_precision_recall(real.data(), 50, fake.data(), 40, 4, 3, &p, &r), P2GAN_STATUS_OK);
    EXPECT_EQ(p, 0.0);
    EXPECT_EQ(r, 0.0);

    expect_error(p2gan_metric_precision_recall(nullptr, 50, fake.data(), 40, 4, 3, &p, &r), kInvalid, "real is NULL");
    expect_error(p2gan_metric_precision_recall(real.data(), 50, nullptr, 40, 4, 3, &p, &r), kInvalid, "fake is NULL");
    expect_error(p2gan_metric_precision_recall(real.data(), 50, fake.data(), 40, 4, 3, nullptr, &r), kInvalid,
                 "out_precision is NULL");
    expect_error(p2gan_metric_precision_recall(real.data(), 50, fake.data(), 40, 4, 3, &p, nullptr), kInvalid,
                 "out_recall is NULL");
    expect_error(p2gan_metric_precision_recall(real.data(), 0, fake.data(), 40, 4, 3, &p, &r), kInvalid, "count_real");
    expect_error(p2gan_metric_precision_recall(real.data(), 50, fake.data(), -1, 4, 3, &p, &r), kInvalid, "count_fake");
    expect_error(p2gan_metric_precision_recall(real.data(), 50, fake.data(), 40, 0, 3, &p, &r), kInvalid, "dim");
    expect_error(p2gan_metric_precision_recall(real.data(), 50, fake.data(), 40, 4, 0, &p, &r), kInvalid, "k must");
    expect_error(p2gan_metric_precision_recall(real.data(), 3, fake.data(), 40, 4, 3, &p, &r), kInvalid, "more than k");
    auto bad = real;
    bad[0] = kNaN;
    expect_error(p2gan_metric_precision_recall(bad.data(), 50, fake.data(), 40, 4, 3, &p, &r), kNonFinite, "real");
}

}  // namespace
