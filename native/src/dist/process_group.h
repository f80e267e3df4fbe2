// Data-parallel communication on PyTorch's c10d (issue #12): a process group made from an
// explicit rendezvous, gradient averaging in a few flat buckets, and broadcasts from rank 0.
// Backend Gloo on CPU; a build without Gloo's headers refuses to create a group.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <torch/torch.h>

namespace p2gan {

// Where the ranks meet. Exactly one of store_file (a FileStore on a shared file system) and
// host (a TCPStore: rank 0 serves on host:port, or every rank is a client when use_agent_store)
// names the store.
struct Rendezvous {
    std::string backend = "gloo";
    std::string store_file;
    std::string host;
    int port = 0;
    int rank = 0;
    int world_size = 1;
    std::chrono::milliseconds timeout{std::chrono::minutes(5)};
    // torchrun's agent store: its agent already serves the TCPStore; ranks connect as clients
    // and prefix their keys with /worker/attempt_<restart_count>.
    bool use_agent_store = false;
    int restart_count = 0;
};

// The rendezvous torchrun describes in the environment: RANK, WORLD_SIZE, MASTER_ADDR,
// MASTER_PORT, TORCHELASTIC_USE_AGENT_STORE and TORCHELASTIC_RESTART_COUNT. Refuses
// (INVALID_ARGUMENT) a missing or malformed variable, naming it.
Rendezvous rendezvous_from_environment();

// The rendezvous an init method names, as torch.distributed spells them: "tcp://HOST:PORT",
// "file:///PATH" or "env://" (torchrun's variables; rank and world_size -1 or agreeing).
// Refuses (INVALID_ARGUMENT) anything else, naming it.
Rendezvous rendezvous_from_init_method(const std::string& backend, const std::string& init_method, int rank,
                                       int world_size, std::chrono::milliseconds timeout);

class ProcessGroup {
public:
    // Validates the rendezvous (INVALID_ARGUMENT naming the field) and joins the group; a rank
    // that does not arrive within the timeout is an IO_ERROR.
    explicit ProcessGroup(const Rendezvous& rendezvous);
    ~ProcessGroup();
    ProcessGroup(const ProcessGroup&) = delete;
    ProcessGroup& operator=(const ProcessGroup&) = delete;

    int rank() const { return rank_; }
    int world_size() const { return world_size_; }

    // `what` names the call in errors ("averaging D's gradients"): when a rank dies or hangs, the
    // others fail with an IO_ERROR naming it within the timeout.

    // Replaces each tensor by its mean over the ranks. The tensors (float32, any shapes, on one
    // device) are packed by dtype into flat buckets of at most bucket_bytes (a tensor larger than
    // that gets a bucket of its own): a few collective calls, not one per parameter. Gloo has no
    // AVG: SUM, then divide. The result is bitwise the same on every rank.
    void allreduce_mean(const std::vector<torch::Tensor>& tensors, const char* what,
                        int64_t bucket_bytes = kDefaultBucketBytes);

    // Element-wise sum over the ranks, in place (one bucketed call), e.g. batch statistics.
    void allreduce_sum(const std::vector<torch::Tensor>& tensors, const char* what,
                       int64_t bucket_bytes = kDefaultBucketBytes);

    // Copies root's tensors to every rank, in place, bucketed as above.
    void broadcast(const std::vector<torch::Tensor>& tensors, const char* what, int root = 0,
                   int64_t bucket_bytes = kDefaultBucketBytes);

    // Waits until every rank arrives.
    void barrier();

    // Collective: root's string on every rank (its length first, then its bytes).
    std::string broadcast_string(const std::string& mine, const char* what, int root = 0);
    // Collective: how many ranks pass true, the same count on every rank (a consensus on
    // whether any rank must stop, so that none is left waiting in a later call).
    int count_ranks(bool flag, const char* what);

    // Everything this rank's collective calls took and sent since the group was made.
    struct Traffic {
        double milliseconds = 0;
        int64_t bytes = 0;
    };
    const Traffic& traffic() const { return traffic_; }

    // The seconds every rendezvous and collective call may take.
    std::chrono::milliseconds timeout() const { return timeout_; }

    // Collective calls made by the last allreduce or broadcast (its bucket count).
    int64_t last_call_count() const { return last_calls_; }

    static constexpr int64_t kDefaultBucketBytes = 25 << 20;

private:
    enum class Collective { Sum, Broadcast };
    void bucketed(const std::vector<torch::Tensor>& tensors, Collective op, const char* what, int root,
                  int64_t bucket_bytes);
    [[noreturn]] void fail_collective(const char* what, const std::exception& e) const;

    struct Impl;
    std::unique_ptr<Impl> impl_;
    int rank_ = 0;
    int world_size_ = 1;
    int64_t last_calls_ = 0;
    std::chrono::milliseconds timeout_{0};
    Traffic traffic_;
};

// Whether this build has a backend ("gloo").
bool process_group_backend_available(const std::string& backend);

}  // namespace p2gan
