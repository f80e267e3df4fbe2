// The c10d process group (issue #12) across real processes: the test binary starts itself
// again for ranks 1..N-1 (DistWorker.DISABLED_Rank, selected by P2GAN_DIST_* variables) and
// runs rank 0 in the test. Forking after LibTorch started its threads is unsafe, hence the
// new processes.
#include <gtest/gtest.h>

#include <netinet/in.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "dist/process_group.h"
#include "runtime/errors.h"

extern char** environ;

namespace p2gan {
namespace {

namespace fs = std::filesystem;

// What every rank runs; rank-dependent inputs, checks that throw on a mismatch.
void scenario(const std::string& name, ProcessGroup& group) {
    const int r = group.rank(), n = group.world_size();
    if (name == "mean") {
        // Shapes of a small network's gradients; rank r holds (r + 1) * base.
        std::vector<torch::Tensor> grads;
        for (const auto& shape : std::vector<std::vector<int64_t>>{{8, 3, 3, 3}, {8}, {16, 8, 4, 4}, {16}, {1, 16}}) {
            grads.push_back(torch::arange(0, c10::multiply_integers(shape), torch::kFloat32).reshape(shape) * float(r + 1));
        }
        const auto copies = [&] { std::vector<torch::Tensor> c; for (auto& g : grads) c.push_back(g.clone()); return c; }();
        group.allreduce_mean(grads, /*bucket_bytes=*/4096);  // 4 KB buckets: several calls, fewer than tensors
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
        group.broadcast(grads, 0);
        for (size_t i = 0; i < grads.size(); ++i) {
            if (!torch::equal(grads[i], mine[i])) fail_invalid("ranks differ after the mean");
        }
    } else if (name == "broadcast") {
        std::vector<torch::Tensor> params = {torch::full({3, 3}, float(r * 10)), torch::full({5}, float(r + 7))};
        group.broadcast(params, 0);
        if (!torch::equal(params[0], torch::zeros({3, 3})) || !torch::equal(params[1], torch::full({5}, 7.0f))) {
            fail_invalid("broadcast did not copy rank 0's values");
        }
        std::vector<torch::Tensor> sums = {torch::full({2}, 1.0f)};
        group.allreduce_sum(sums);
        if (!torch::equal(sums[0], torch::full({2}, float(n)))) fail_invalid("sum is wrong");
        group.barrier();
    } else {
        fail_invalid("unknown scenario " + name);
    }
}

// Rank `rank` of `world_size` meeting through `store`: "tcp:PORT" on the loopback, else a store file.
Rendezvous test_rendezvous(int rank, int world_size, const std::string& store) {
    Rendezvous r;
    r.rank = rank;
    r.world_size = world_size;
    if (store.rfind("tcp:", 0) == 0) {
        r.host = "127.0.0.1";
        r.port = std::atoi(store.c_str() + 4);
    } else {
        r.store_file = store;
    }
    r.timeout = std::chrono::seconds(30);
    return r;
}

// A free local TCP port (closed again: a race with other programs is possible, not likely).
int free_port() {
    const int s = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(s, reinterpret_cast<sockaddr*>(&address), sizeof address);
    socklen_t length = sizeof address;
    ::getsockname(s, reinterpret_cast<sockaddr*>(&address), &length);
    ::close(s);
    return ntohs(address.sin_port);
}

// Runs `name` on world_size ranks; rank 0 here. Returns the other ranks' exit codes.
std::vector<int> run_ranks(const std::string& name, int world_size, const std::string& store) {
    std::vector<pid_t> children;
    for (int rank = 1; rank < world_size; ++rank) {
        std::vector<std::string> env_strings;
        for (char** e = environ; *e != nullptr; ++e) env_strings.emplace_back(*e);
        env_strings.push_back("P2GAN_DIST_SCENARIO=" + name);
        env_strings.push_back("P2GAN_DIST_RANK=" + std::to_string(rank));
        env_strings.push_back("P2GAN_DIST_WORLD=" + std::to_string(world_size));
        env_strings.push_back("P2GAN_DIST_STORE=" + store);
        std::vector<char*> envp;
        for (auto& s : env_strings) envp.push_back(s.data());
        envp.push_back(nullptr);
        std::string exe = fs::read_symlink("/proc/self/exe").string();
        std::string filter = "--gtest_filter=DistWorker.DISABLED_Rank";
        std::string disabled = "--gtest_also_run_disabled_tests";
        std::vector<char*> argv = {exe.data(), filter.data(), disabled.data(), nullptr};
        pid_t pid = 0;
        if (::posix_spawn(&pid, exe.c_str(), nullptr, nullptr, argv.data(), envp.data()) != 0) {
            ADD_FAILURE() << "cannot start rank " << rank;
            continue;
        }
        children.push_back(pid);
    }
    std::string failure;
    try {
        ProcessGroup group(test_rendezvous(0, world_size, store));
        scenario(name, group);
    } catch (const std::exception& e) {
        failure = e.what();
    }
    std::vector<int> codes;
    for (pid_t pid : children) {
        int status = 0;
        ::waitpid(pid, &status, 0);
        codes.push_back(WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
    }
    EXPECT_EQ(failure, "") << "rank 0";
    return codes;
}

fs::path store_file(const std::string& name) {
    const auto path = fs::temp_directory_path() / ("p2gan-dist-" + std::to_string(::getpid()) + "-" + name);
    std::error_code ec;
    fs::remove(path, ec);
    return path;
}

TEST(DistWorker, DISABLED_Rank) {
    // A rank started by run_ranks: the scenario must complete without an exception.
    const char* name = std::getenv("P2GAN_DIST_SCENARIO");
    ASSERT_NE(name, nullptr);
    ProcessGroup group(test_rendezvous(std::atoi(std::getenv("P2GAN_DIST_RANK")), std::atoi(std::getenv("P2GAN_DIST_WORLD")),
                                       std::getenv("P2GAN_DIST_STORE")));
    scenario(name, group);
}

TEST(ProcessGroup, GradientMeansAreExactAndIdenticalOnEveryRankInAFewBuckets) {
    if (!process_group_backend_available("gloo")) GTEST_SKIP() << "built without gloo";
    for (int world : {2, 3}) {
        const auto codes = run_ranks("mean", world, store_file("mean" + std::to_string(world)).string());
        for (int code : codes) EXPECT_EQ(code, 0) << "world " << world;
    }
}

TEST(ProcessGroup, BroadcastSumAndBarrierOverATcpStore) {
    if (!process_group_backend_available("gloo")) GTEST_SKIP() << "built without gloo";
    const auto codes = run_ranks("broadcast", 2, "tcp:" + std::to_string(free_port()));
    for (int code : codes) EXPECT_EQ(code, 0);
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
        group.allreduce_mean(t);
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
