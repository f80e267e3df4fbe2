// The c10d process group (issue #12) across real processes (dist_harness.h).
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <string>
#include <vector>

#include "dist/process_group.h"
#include "dist_harness.h"
#include "runtime/errors.h"

namespace p2gan {
namespace {

using testing::RegisterScenario;
using testing::run_ranks;
using testing::store_file;

// Rank-dependent inputs, checks that throw on a mismatch.
const RegisterScenario mean_scenario("mean", [](const std::shared_ptr<ProcessGroup>& shared) {
    auto& group = *shared;
    const int r = group.rank(), n = group.world_size();
    {
        // Shapes of a small network's gradients; rank r holds (r + 1) * base.
        std::vector<torch::Tensor> grads;
        for (const auto& shape : std::vector<std::vector<int64_t>>{{8, 3, 3, 3}, {8}, {16, 8, 4, 4}, {16}, {1, 16}}) {
            grads.push_back(torch::arange(0, c10::multiply_integers(shape), torch::kFloat32).reshape(shape) * float(r + 1));
        }
        const auto copies = [&] { std::vector<torch::Tensor> c; for (auto& g : grads) c.push_back(g.clone()); return c; }();
        group.allreduce_mean(grads, "the test mean", /*bucket_bytes=*/4096);  // 4 KB buckets: several calls, fewer than tensors
        const float factor = float(n + 1) / 2.0f;  // mean of 1..n
        for (size_t i = 0; i < grads.size(); ++i) {
            const auto expected = copies[i] / float(r + 1) * factor;
            if (!torch::allclose(grads[i], expected, 1e-6, 1e-6)) fail_invalid("mean of tensor " + std::to_string(i) + " is wrong");
        }
        if (group.last_call_count() < 2 || group.last_call_count() >= static_cast<int64_t>(grads.size())) {
            fail_invalid("expected a few buckets, made " + std::to_string(group.last_call_count()) + " calls");
        }
        // Every rank holds the same bits: rank 0's result broadcast must change nothing.
        std::vector<torch::Tensor> mine;
        for (auto& g : grads) mine.push_back(g.clone());
        group.broadcast(grads, "the check", 0);
        for (size_t i = 0; i < grads.size(); ++i) {
            if (!torch::equal(grads[i], mine[i])) fail_invalid("ranks differ after the mean");
        }
    }
});

const RegisterScenario broadcast_scenario("broadcast", [](const std::shared_ptr<ProcessGroup>& shared) {
    auto& group = *shared;
    const int r = group.rank(), n = group.world_size();
    {
        std::vector<torch::Tensor> params = {torch::full({3, 3}, float(r * 10)), torch::full({5}, float(r + 7))};
        group.broadcast(params, "the broadcast", 0);
        if (!torch::equal(params[0], torch::zeros({3, 3})) || !torch::equal(params[1], torch::full({5}, 7.0f))) {
            fail_invalid("broadcast did not copy rank 0's values");
        }
        std::vector<torch::Tensor> sums = {torch::full({2}, 1.0f)};
        group.allreduce_sum(sums, "the sum");
        if (!torch::equal(sums[0], torch::full({2}, float(n)))) fail_invalid("sum is wrong");
        group.barrier();
    }
});

TEST(DistWorker, DISABLED_Rank) {
    // A rank started by run_ranks: the scenario must complete without an exception.
    const char* name = std::getenv("P2GAN_DIST_SCENARIO");
    ASSERT_NE(name, nullptr);
    auto group = std::make_shared<ProcessGroup>(testing::test_rendezvous(
        std::atoi(std::getenv("P2GAN_DIST_RANK")), std::atoi(std::getenv("P2GAN_DIST_WORLD")),
        std::getenv("P2GAN_DIST_STORE"), testing::scenario_timeout()));
    testing::scenarios().at(name)(group);
}

TEST(ProcessGroup, GradientMeansAreExactAndIdenticalOnEveryRankInAFewBuckets) {
    if (!process_group_backend_available("gloo")) GTEST_SKIP() << "built without gloo";
    for (int world : {2, 3}) {
        const auto results = run_ranks("mean", world, store_file("mean" + std::to_string(world)).string());
        EXPECT_EQ(results.rank0_error, "");
        for (int code : results.exit_codes) EXPECT_EQ(code, 0) << "world " << world;
    }
}

TEST(ProcessGroup, BroadcastSumAndBarrierOverATcpStore) {
    if (!process_group_backend_available("gloo")) GTEST_SKIP() << "built without gloo";
    const auto results = run_ranks("broadcast", 2, "tcp:" + std::to_string(testing::free_port()));
    EXPECT_EQ(results.rank0_error, "");
    for (int code : results.exit_codes) EXPECT_EQ(code, 0);
}

TEST(ProcessGroup, ARankThatNeverArrivesIsAnIoErrorWithinTheTimeout) {
    if (!process_group_backend_available("gloo")) GTEST_SKIP() << "built without gloo";
    Rendezvous r;
    r.rank = 0;
    r.world_size = 2;
    r.store_file = store_file("alone").string();
    r.timeout = std::chrono::seconds(2);
    const auto start = std::chrono::steady_clock::now();
    try {
        ProcessGroup group(r);
        std::vector<torch::Tensor> t = {torch::ones({2})};
        group.allreduce_mean(t, "the lonely mean");
        FAIL() << "no error without the other rank";
    } catch (const Error& e) {
        EXPECT_EQ(e.status(), P2GAN_STATUS_IO_ERROR) << e.what();
        EXPECT_NE(std::string(e.what()).find("rank 0 of 2"), std::string::npos) << e.what();
    }
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(20));
}

TEST(ProcessGroup, InvalidRendezvousIsRefusedNamingTheField) {
    auto refused = [](const Rendezvous& r) {
        try {
            ProcessGroup group(r);
        } catch (const Error& e) {
            EXPECT_EQ(e.status(), P2GAN_STATUS_INVALID_ARGUMENT);
            return std::string(e.what());
        }
        return std::string("accepted");
    };
    Rendezvous r;
    r.store_file = "/tmp/unused";
    r.world_size = 2;
    r.rank = 2;
    EXPECT_NE(refused(r).find("rank must be in [0, 2)"), std::string::npos);
    r.rank = 0;
    r.backend = "mpi";
    EXPECT_NE(refused(r).find("backend \"mpi\""), std::string::npos);
    r.backend = "gloo";
    r.host = "localhost";
    EXPECT_NE(refused(r).find("exactly one of store_file and host"), std::string::npos);
}

TEST(ProcessGroup, TorchrunEnvironmentIsReadAndCheckedNamingTheVariable) {
    ::setenv("WORLD_SIZE", "4", 1);
    ::setenv("RANK", "2", 1);
    ::setenv("MASTER_ADDR", "10.0.0.1", 1);
    ::setenv("MASTER_PORT", "29500", 1);
    ::setenv("TORCHELASTIC_USE_AGENT_STORE", "True", 1);
    ::setenv("TORCHELASTIC_RESTART_COUNT", "1", 1);
    const auto r = rendezvous_from_environment();
    EXPECT_EQ(r.rank, 2);
    EXPECT_EQ(r.world_size, 4);
    EXPECT_EQ(r.host, "10.0.0.1");
    EXPECT_EQ(r.port, 29500);
    EXPECT_TRUE(r.use_agent_store);
    EXPECT_EQ(r.restart_count, 1);
    ::setenv("RANK", "4", 1);
    try {
        rendezvous_from_environment();
        ADD_FAILURE() << "RANK 4 of 4 accepted";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("RANK = \"4\""), std::string::npos) << e.what();
    }
    for (const char* name : {"WORLD_SIZE", "RANK", "MASTER_ADDR", "MASTER_PORT", "TORCHELASTIC_USE_AGENT_STORE",
                             "TORCHELASTIC_RESTART_COUNT"}) {
        ::unsetenv(name);
    }
}

}  // namespace
}  // namespace p2gan
