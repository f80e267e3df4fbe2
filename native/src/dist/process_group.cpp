#include "dist/process_group.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>

#include "runtime/errors.h"

#ifdef P2GAN_HAVE_GLOO
#include <torch/csrc/distributed/c10d/FileStore.hpp>
#include <torch/csrc/distributed/c10d/PrefixStore.hpp>
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#endif

namespace p2gan {
namespace {

std::string require_env(const char* name) {
    const char* value = std::getenv(name);
    if (value == nullptr || *value == '\0') fail_invalid(std::string("the environment has no ") + name + " (torchrun sets it)");
    return value;
}

int env_int(const char* name, int low, int high) {
    const std::string text = require_env(name);
    char* end = nullptr;
    const long value = std::strtol(text.c_str(), &end, 10);
    if (end == text.c_str() || *end != '\0' || value < low || value > high) {
        fail_invalid(std::string(name) + " = \"" + text + "\" is not a whole number in [" + std::to_string(low) + ", " +
                     std::to_string(high) + "]");
    }
    return static_cast<int>(value);
}

void validate(const Rendezvous& r) {
    if (!process_group_backend_available(r.backend)) {
        fail_invalid("process group backend \"" + r.backend + "\" is not available in this build (available: " +
                     (process_group_backend_available("gloo") ? "gloo" : "none") + ")");
    }
    if (r.world_size < 1) fail_invalid("world_size must be >= 1, got " + std::to_string(r.world_size));
    if (r.rank < 0 || r.rank >= r.world_size) {
        fail_invalid("rank must be in [0, " + std::to_string(r.world_size) + "), got " + std::to_string(r.rank));
    }
    if (r.store_file.empty() == r.host.empty()) fail_invalid("give exactly one of store_file and host");
    if (!r.host.empty() && (r.port < 1 || r.port > 65535)) fail_invalid("port must be in [1, 65535], got " + std::to_string(r.port));
    if (r.timeout.count() <= 0) fail_invalid("timeout must be positive");
}

}  // namespace

Rendezvous rendezvous_from_environment() {
    Rendezvous r;
    r.world_size = env_int("WORLD_SIZE", 1, 1 << 20);
    r.rank = env_int("RANK", 0, r.world_size - 1);
    r.host = require_env("MASTER_ADDR");
    r.port = env_int("MASTER_PORT", 1, 65535);
    const char* agent = std::getenv("TORCHELASTIC_USE_AGENT_STORE");
    r.use_agent_store = agent != nullptr && std::string(agent) == "True";
    if (r.use_agent_store) r.restart_count = env_int("TORCHELASTIC_RESTART_COUNT", 0, 1 << 20);
    return r;
}

Rendezvous rendezvous_from_init_method(const std::string& backend, const std::string& init_method, int rank,
                                       int world_size, std::chrono::milliseconds timeout) {
    Rendezvous r;
    const auto starts_with = [&](const char* prefix) { return init_method.rfind(prefix, 0) == 0; };
    if (init_method == "env://") {
        r = rendezvous_from_environment();
        if ((rank != -1 && rank != r.rank) || (world_size != -1 && world_size != r.world_size)) {
            fail_invalid("rank " + std::to_string(rank) + " of " + std::to_string(world_size) +
                         " disagrees with the environment's RANK " + std::to_string(r.rank) + " and WORLD_SIZE " +
                         std::to_string(r.world_size) + " (pass -1 to take them)");
        }
    } else if (starts_with("tcp://")) {
        const auto address = init_method.substr(6);
        const auto colon = address.rfind(':');
        if (colon == std::string::npos || colon == 0) fail_invalid("init method \"" + init_method + "\" has no HOST:PORT");
        r.host = address.substr(0, colon);
        if (r.host.size() > 2 && r.host.front() == '[' && r.host.back() == ']') r.host = r.host.substr(1, r.host.size() - 2);
        const auto port_text = address.substr(colon + 1);
        char* end = nullptr;
        const long port = std::strtol(port_text.c_str(), &end, 10);
        if (port_text.empty() || *end != '\0' || port < 1 || port > 65535) {
            fail_invalid("init method \"" + init_method + "\": the port must be a number in [1, 65535]");
        }
        r.port = static_cast<int>(port);
        r.rank = rank;
        r.world_size = world_size;
    } else if (starts_with("file://")) {
        r.store_file = init_method.substr(7);
        if (r.store_file.empty() || r.store_file.front() != '/') {
            fail_invalid("init method \"" + init_method + "\" must name an absolute path (file:///PATH)");
        }
        r.rank = rank;
        r.world_size = world_size;
    } else {
        fail_invalid("init method \"" + init_method + "\" is not one of tcp://HOST:PORT, file:///PATH and env://");
    }
    r.backend = backend;
    r.timeout = timeout;
    return r;
}

#ifdef P2GAN_HAVE_GLOO

bool process_group_backend_available(const std::string& backend) { return backend == "gloo"; }

struct ProcessGroup::Impl {
    c10::intrusive_ptr<c10d::ProcessGroupGloo> group;
};

ProcessGroup::ProcessGroup(const Rendezvous& r)
    : impl_(std::make_unique<Impl>()), rank_(r.rank), world_size_(r.world_size), timeout_(r.timeout) {
    validate(r);
    try {
        c10::intrusive_ptr<c10d::Store> store;
        if (!r.store_file.empty()) {
            store = c10::make_intrusive<c10d::FileStore>(r.store_file, r.world_size);
        } else {
            c10d::TCPStoreOptions options;
            options.port = static_cast<uint16_t>(r.port);
            options.isServer = r.rank == 0 && !r.use_agent_store;
            options.numWorkers = r.world_size;
            options.waitWorkers = false;
            options.timeout = r.timeout;
            store = c10::make_intrusive<c10d::TCPStore>(r.host, options);
            if (r.use_agent_store) {
                store = c10::make_intrusive<c10d::PrefixStore>("/worker/attempt_" + std::to_string(r.restart_count), store);
            }
        }
        store->setTimeout(r.timeout);
        // Gloo would wait for ranks that never come (or overrun) when the ranks disagree on the
        // world size: rank 0 publishes its own, and every rank compares.
        const std::string key = "p2gan/world_size";
        const auto mine = std::to_string(r.world_size);
        if (r.rank == 0) store->set(key, std::vector<uint8_t>(mine.begin(), mine.end()));
        const auto published = store->get(key);
        const std::string theirs(published.begin(), published.end());
        if (theirs != mine) {
            fail_invalid("rank " + std::to_string(r.rank) + " was started with world size " + mine + ", rank 0 with " +
                         theirs + ": every rank must be given the same WORLD_SIZE");
        }
        auto options = c10d::ProcessGroupGloo::Options::create(r.timeout);
        options->devices.push_back(c10d::ProcessGroupGloo::createDefaultDevice());
        impl_->group = c10::make_intrusive<c10d::ProcessGroupGloo>(store, r.rank, r.world_size, options);
    } catch (const Error&) {
        throw;
    } catch (const std::exception& e) {
        std::string message = e.what();
        if (const auto cut = message.find("\nException raised from"); cut != std::string::npos) message.resize(cut);
        fail(P2GAN_STATUS_IO_ERROR, "rank " + std::to_string(r.rank) + " of " + std::to_string(r.world_size) +
                                        " could not join the process group: " + message);
    }
}

void ProcessGroup::fail_collective(const char* what, const std::exception& e) const {
    // Gloo names a peer by address only; with two ranks the culprit is known.
    const std::string peer = world_size_ == 2 ? "rank " + std::to_string(1 - rank_) : "another rank";
    std::string message = e.what();
    if (const auto cut = message.find("\nException raised from"); cut != std::string::npos) message.resize(cut);
    fail(P2GAN_STATUS_IO_ERROR, "rank " + std::to_string(rank_) + " of " + std::to_string(world_size_) + ": " + what +
                                    " failed: " + peer + " died, hung or timed out (timeout " +
                                    std::to_string(timeout_.count() / 1000.0).substr(0, 6) + " s): " + message);
}

ProcessGroup::~ProcessGroup() = default;

void ProcessGroup::bucketed(const std::vector<torch::Tensor>& tensors, Collective op, const char* what, int root,
                            int64_t bucket_bytes) {
    if (bucket_bytes <= 0) fail_invalid("bucket_bytes must be positive");
    if (root < 0 || root >= world_size_) fail_invalid("root must be a rank, got " + std::to_string(root));
    last_calls_ = 0;
    if (world_size_ == 1) return;
    torch::NoGradGuard no_grad;
    // Consecutive tensors of one dtype and device share a bucket until it would pass bucket_bytes.
    size_t start = 0;
    while (start < tensors.size()) {
        const auto& first = tensors[start];
        int64_t bytes = first.numel() * first.element_size();
        size_t end = start + 1;
        while (end < tensors.size() && tensors[end].scalar_type() == first.scalar_type() &&
               tensors[end].device() == first.device() &&
               bytes + tensors[end].numel() * tensors[end].element_size() <= bucket_bytes) {
            bytes += tensors[end].numel() * tensors[end].element_size();
            ++end;
        }
        std::vector<torch::Tensor> flat_parts;
        for (size_t i = start; i < end; ++i) flat_parts.push_back(tensors[i].reshape({-1}));
        std::vector<torch::Tensor> flat = {torch::cat(flat_parts)};
        const auto start_time = std::chrono::steady_clock::now();
        try {
            if (op == Collective::Sum) {
                impl_->group->allreduce(flat)->wait();
            } else {
                c10d::BroadcastOptions options;
                options.rootRank = root;
                impl_->group->broadcast(flat, options)->wait();
            }
        } catch (const std::exception& e) {
            fail_collective(what, e);
        }
        ++last_calls_;
        traffic_.milliseconds += std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start_time).count();
        traffic_.bytes += flat[0].numel() * flat[0].element_size();
        int64_t offset = 0;
        for (size_t i = start; i < end; ++i) {
            const int64_t n = tensors[i].numel();
            tensors[i].copy_(flat[0].narrow(0, offset, n).view(tensors[i].sizes()));
            offset += n;
        }
        start = end;
    }
}

void ProcessGroup::allreduce_sum(const std::vector<torch::Tensor>& tensors, const char* what, int64_t bucket_bytes) {
    bucketed(tensors, Collective::Sum, what, 0, bucket_bytes);
}

void ProcessGroup::allreduce_mean(const std::vector<torch::Tensor>& tensors, const char* what, int64_t bucket_bytes) {
    bucketed(tensors, Collective::Sum, what, 0, bucket_bytes);
    if (world_size_ == 1) return;
    torch::NoGradGuard no_grad;
    for (const auto& t : tensors) t.div_(world_size_);
}

void ProcessGroup::broadcast(const std::vector<torch::Tensor>& tensors, const char* what, int root,
                             int64_t bucket_bytes) {
    bucketed(tensors, Collective::Broadcast, what, root, bucket_bytes);
}

void ProcessGroup::barrier() {
    if (world_size_ == 1) return;
    try {
        impl_->group->barrier()->wait();
    } catch (const std::exception& e) {
        fail_collective("the barrier", e);
    }
}

std::string ProcessGroup::broadcast_string(const std::string& mine, const char* what, int root) {
    auto length = torch::tensor({static_cast<int64_t>(mine.size())}, torch::kInt64);
    broadcast({length}, what, root);
    auto bytes = torch::zeros({std::max<int64_t>(length.item<int64_t>(), 1)}, torch::kUInt8);
    if (rank_ == root) std::memcpy(bytes.data_ptr(), mine.data(), mine.size());
    broadcast({bytes}, what, root);
    return std::string(reinterpret_cast<const char*>(bytes.data_ptr()), static_cast<size_t>(length.item<int64_t>()));
}

int ProcessGroup::count_ranks(bool flag, const char* what) {
    auto count = torch::tensor({flag ? 1 : 0}, torch::kInt32);
    allreduce_sum({count}, what);
    return count.item<int32_t>();
}

#else  // no Gloo headers: the layer exists, creating a group is refused

bool process_group_backend_available(const std::string&) { return false; }

struct ProcessGroup::Impl {};

ProcessGroup::ProcessGroup(const Rendezvous& r) { validate(r); }
ProcessGroup::~ProcessGroup() = default;
void ProcessGroup::bucketed(const std::vector<torch::Tensor>&, Collective, const char*, int, int64_t) {}
void ProcessGroup::fail_collective(const char* what, const std::exception& e) const {
    fail(P2GAN_STATUS_IO_ERROR, std::string(what) + " failed: " + e.what());
}
void ProcessGroup::allreduce_sum(const std::vector<torch::Tensor>&, const char*, int64_t) {}
void ProcessGroup::allreduce_mean(const std::vector<torch::Tensor>&, const char*, int64_t) {}
void ProcessGroup::broadcast(const std::vector<torch::Tensor>&, const char*, int, int64_t) {}
void ProcessGroup::barrier() {}
std::string ProcessGroup::broadcast_string(const std::string& mine, const char*, int) { return mine; }
int ProcessGroup::count_ranks(bool flag, const char*) { return flag ? 1 : 0; }

#endif

}  // namespace p2gan
