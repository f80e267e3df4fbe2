// Runs a scenario on N real processes (issue #12): the dist test binary starts itself again
// for ranks 1..N-1 (DistWorker.DISABLED_Rank, selected by P2GAN_DIST_* variables) and runs
// rank 0 in the calling test. Forking after LibTorch started its threads is unsafe, hence
// new processes. Scenarios register by name, so any test file of the binary can add one.
#pragma once

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
#include <memory>
#include <string>
#include <vector>

#include "dist/process_group.h"

extern char** environ;

namespace p2gan::testing {

namespace fs = std::filesystem;

// What every rank runs; throws on a failed check.
using Scenario = std::function<void(const std::shared_ptr<ProcessGroup>&)>;

inline std::map<std::string, Scenario>& scenarios() {
    static std::map<std::string, Scenario> all;
    return all;
}

struct RegisterScenario {
    RegisterScenario(const std::string& name, Scenario scenario) { scenarios()[name] = std::move(scenario); }
};

// Rank `rank` of `world_size` meeting through `store`: "tcp:PORT" on the loopback, else a store file.
inline Rendezvous test_rendezvous(int rank, int world_size, const std::string& store,
                                  std::chrono::milliseconds timeout = std::chrono::seconds(30)) {
    Rendezvous r;
    r.rank = rank;
    r.world_size = world_size;
    if (store.rfind("tcp:", 0) == 0) {
        r.host = "127.0.0.1";
        r.port = std::atoi(store.c_str() + 4);
    } else {
        r.store_file = store;
    }
    r.timeout = timeout;
    return r;
}

// A free local TCP port (closed again: a race with other programs is possible, not likely).
inline int free_port() {
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

// A fresh store file in the temporary folder.
inline fs::path store_file(const std::string& name) {
    const auto path = fs::temp_directory_path() / ("p2gan-dist-" + std::to_string(::getpid()) + "-" + name);
    std::error_code ec;
    fs::remove(path, ec);
    return path;
}

// Where rank `rank` of the current scenario leaves files for rank 0 to read: a folder named
// after the test process (the parent of the other ranks).
inline fs::path rank_output(const std::string& name, int rank) {
    const char* parent = std::getenv("P2GAN_DIST_PARENT");
    const auto pid = parent != nullptr ? std::string(parent) : std::to_string(::getpid());
    const auto dir = fs::temp_directory_path() / ("p2gan-dist-out-" + pid);
    fs::create_directories(dir);
    return dir / (name + ".rank" + std::to_string(rank));
}

// Timeout of the scenario's rendezvous and collective calls, from P2GAN_DIST_TIMEOUT_MS.
inline std::chrono::milliseconds scenario_timeout() {
    const char* text = std::getenv("P2GAN_DIST_TIMEOUT_MS");
    return text != nullptr ? std::chrono::milliseconds(std::atoll(text)) : std::chrono::milliseconds(30000);
}

struct RankResults {
    std::string rank0_error;      // "" when rank 0's scenario returned
    std::vector<int> exit_codes;  // of ranks 1..N-1
};

// Runs `name` on world_size ranks; rank 0 here.
inline RankResults run_ranks(const std::string& name, int world_size, const std::string& store,
                             std::chrono::milliseconds timeout = std::chrono::seconds(30)) {
    std::vector<pid_t> children;
    for (int rank = 1; rank < world_size; ++rank) {
        std::vector<std::string> env_strings;
        for (char** e = environ; *e != nullptr; ++e) env_strings.emplace_back(*e);
        env_strings.push_back("P2GAN_DIST_SCENARIO=" + name);
        env_strings.push_back("P2GAN_DIST_RANK=" + std::to_string(rank));
        env_strings.push_back("P2GAN_DIST_WORLD=" + std::to_string(world_size));
        env_strings.push_back("P2GAN_DIST_STORE=" + store);
        env_strings.push_back("P2GAN_DIST_PARENT=" + std::to_string(::getpid()));
        env_strings.push_back("P2GAN_DIST_TIMEOUT_MS=" + std::to_string(timeout.count()));
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
    RankResults results;
    try {
        auto group = std::make_shared<ProcessGroup>(test_rendezvous(0, world_size, store, timeout));
        scenarios().at(name)(group);
    } catch (const std::exception& e) {
        results.rank0_error = e.what();
    }
    for (pid_t pid : children) {
        int status = 0;
        ::waitpid(pid, &status, 0);
        results.exit_codes.push_back(WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
    }
    return results;
}

}  // namespace p2gan::testing
