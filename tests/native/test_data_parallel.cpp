// Data-parallel training (issue #12): N ranks with batch B/N equal one process with batch B,
// across real processes (dist_harness.h).
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "dist_harness.h"
#include "runtime/errors.h"
#include "test_support.h"
#include "train/model.h"

namespace p2gan {
namespace {

using testing::RegisterScenario;
using testing::run_ranks;

constexpr int64_t kGlobalBatch = 8;
constexpr int kSteps = 5;

p2gan_model_params parallel_params(int32_t estimator) {
    auto p = testing::tiny_params(/*seed=*/11);
    p.distance_estimator = estimator;
    p.ema_decay = 0.9f;
    return p;
}

p2gan_runtime_params one_thread() {
    auto r = testing::cpu_runtime();
    r.intra_op_threads = 1;
    return r;
}

// Step k's global batch; rank r of n trains on its slice, as the sharded loader gives it.
torch::Tensor global_batch(const p2gan_model_params& p, int step) {
    return testing::image_batch(p, kGlobalBatch, /*seed=*/100 + step);
}

std::vector<torch::Tensor> state_of(Model& model) {
    std::vector<torch::Tensor> out;
    for (auto& [name, t] : model.named_tensors()) out.push_back(t.detach().clone());
    return out;
}

// Trains kSteps steps on this rank's slices; rank r saves its state for rank 0 to compare.
void train_slices(const std::shared_ptr<ProcessGroup>& group, int32_t estimator, const std::string& name) {
    const auto p = parallel_params(estimator);
    Model model(p, one_thread());
    model.set_process_group(group);
    const int64_t local = kGlobalBatch / group->world_size();
    for (int step = 0; step < kSteps; ++step) {
        model.train_step(global_batch(p, step).narrow(0, local * group->rank(), local));
    }
    torch::save(state_of(model), testing::rank_output(name, group->rank()).string());
}

const RegisterScenario closed_form("train-closed", [](const std::shared_ptr<ProcessGroup>& g) {
    train_slices(g, P2GAN_DISTANCE_CLOSED_FORM, "train-closed");
});
const RegisterScenario sampled("train-sampled", [](const std::shared_ptr<ProcessGroup>& g) {
    train_slices(g, P2GAN_DISTANCE_SAMPLED, "train-sampled");
});

// Rank 1 dies after two steps; rank 0 must fail in the third, naming the call and the rank.
const RegisterScenario dies("train-dies", [](const std::shared_ptr<ProcessGroup>& group) {
    const auto p = parallel_params(P2GAN_DISTANCE_CLOSED_FORM);
    Model model(p, one_thread());
    model.set_process_group(group);
    for (int step = 0; step < kSteps; ++step) {
        if (group->rank() == 1 && step == 2) std::_Exit(3);
        model.train_step(global_batch(p, step).narrow(0, 4 * group->rank(), 4));
    }
});

// Every rank must bring the same settings.
const RegisterScenario differing("settings-differ", [](const std::shared_ptr<ProcessGroup>& group) {
    auto p = parallel_params(P2GAN_DISTANCE_CLOSED_FORM);
    p.lambda_z = group->rank() == 0 ? 10.0f : 5.0f;
    Model model(p, one_thread());
    model.set_process_group(group);
});

// The ranks' step batches must be equal.
const RegisterScenario uneven("uneven-batches", [](const std::shared_ptr<ProcessGroup>& group) {
    const auto p = parallel_params(P2GAN_DISTANCE_CLOSED_FORM);
    Model model(p, one_thread());
    model.set_process_group(group);
    model.train_step(global_batch(p, 0).narrow(0, 0, group->rank() == 0 ? 2 : 4));
});

float max_difference(const std::vector<torch::Tensor>& a, const std::vector<torch::Tensor>& b) {
    EXPECT_EQ(a.size(), b.size());
    float worst = 0;
    for (size_t i = 0; i < a.size() && i < b.size(); ++i) {
        worst = std::max(worst, (a[i].to(torch::kFloat64) - b[i].to(torch::kFloat64)).abs().max().item<float>());
    }
    return worst;
}

void expect_two_ranks_equal_one_process(int32_t estimator, const std::string& name) {
    const auto results = run_ranks(name, 2, testing::store_file(name).string());
    ASSERT_EQ(results.rank0_error, "");
    ASSERT_EQ(results.exit_codes, std::vector<int>{0});
    std::vector<torch::Tensor> rank0, rank1;
    torch::load(rank0, testing::rank_output(name, 0).string());
    torch::load(rank1, testing::rank_output(name, 1).string());

    const auto p = parallel_params(estimator);
    Model single(p, one_thread());
    for (int step = 0; step < kSteps; ++step) single.train_step(global_batch(p, step));
    const auto expected = state_of(single);

    // Bitwise equal ranks: weights, Adam-updated parameters, spectral norm's u/v, BN statistics.
    EXPECT_EQ(max_difference(rank0, rank1), 0.0f);
    const float difference = max_difference(rank0, expected);
    std::printf("max |2 ranks - 1 process| over every tensor after %d steps: %.3g\n", kSteps, difference);
    EXPECT_LE(difference, 1e-5f);
    // And the run did move the weights (a test that compares two untouched models proves nothing).
    Model untouched(p, one_thread());
    EXPECT_GT(max_difference(state_of(untouched), expected), 1e-3f);
}

TEST(DataParallel, TwoRanksWithHalfBatchesEqualOneProcessClosedForm) {
    if (!process_group_backend_available("gloo")) GTEST_SKIP() << "built without gloo";
    expect_two_ranks_equal_one_process(P2GAN_DISTANCE_CLOSED_FORM, "train-closed");
}

TEST(DataParallel, TwoRanksWithHalfBatchesEqualOneProcessSampledEstimator) {
    if (!process_group_backend_available("gloo")) GTEST_SKIP() << "built without gloo";
    expect_two_ranks_equal_one_process(P2GAN_DISTANCE_SAMPLED, "train-sampled");
}

TEST(DataParallel, ARankThatDiesMakesTheOtherFailWithinTheTimeoutNamingTheCall) {
    if (!process_group_backend_available("gloo")) GTEST_SKIP() << "built without gloo";
    const auto start = std::chrono::steady_clock::now();
    const auto results = run_ranks("train-dies", 2, testing::store_file("dies").string(), std::chrono::seconds(10));
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(60));
    EXPECT_EQ(results.exit_codes, std::vector<int>{3});
    EXPECT_NE(results.rank0_error.find("rank 0 of 2"), std::string::npos) << results.rank0_error;
    EXPECT_NE(results.rank0_error.find("rank 1 died, hung or timed out"), std::string::npos) << results.rank0_error;
}

TEST(DataParallel, DifferentSettingsAreRefusedOnEveryRankNamingTheField) {
    if (!process_group_backend_available("gloo")) GTEST_SKIP() << "built without gloo";
    const auto results = run_ranks("settings-differ", 2, testing::store_file("differ").string());
    EXPECT_NE(results.rank0_error.find("other rank(s) have settings that differ"), std::string::npos) << results.rank0_error;
    EXPECT_EQ(results.exit_codes, std::vector<int>{1});  // rank 1's scenario threw: its gtest failed
}

TEST(DataParallel, UnequalBatchesAreRefusedOnEveryRank) {
    if (!process_group_backend_available("gloo")) GTEST_SKIP() << "built without gloo";
    const auto results = run_ranks("uneven-batches", 2, testing::store_file("uneven").string());
    EXPECT_NE(results.rank0_error.find("batches of different sizes"), std::string::npos) << results.rank0_error;
    EXPECT_EQ(results.exit_codes, std::vector<int>{1});
}

TEST(DataParallel, AOneRankGroupTrainsAsNoGroup) {
    const auto p = parallel_params(P2GAN_DISTANCE_CLOSED_FORM);
    Rendezvous r;
    r.world_size = 1;
    r.store_file = testing::store_file("alone").string();
    Model grouped(p, one_thread()), plain(p, one_thread());
    if (process_group_backend_available("gloo")) grouped.set_process_group(std::make_shared<ProcessGroup>(r));
    for (int step = 0; step < 2; ++step) {
        grouped.train_step(global_batch(p, step));
        plain.train_step(global_batch(p, step));
    }
    EXPECT_EQ(max_difference(state_of(grouped), state_of(plain)), 0.0f);
}

}  // namespace
}  // namespace p2gan
