// The C ABI of data-parallel training: process groups, and attaching one to a model.
#include <limits>
#include <string>

#include <torch/torch.h>

#include "abi/buffers.h"
#include "abi/guard.h"
#include "abi/handles.h"
#include "dist/process_group.h"
#include "runtime/errors.h"
#include "p2gan/p2gan.h"

namespace {

using p2gan::abi::guarded;

p2gan::ProcessGroup& group_of(const p2gan_process_group* group) {
    p2gan::require_non_null(group, "group");
    return *group->group;
}

}  // namespace

extern "C" {

p2gan_status p2gan_process_group_create(const char* backend, const char* init_method, int32_t rank, int32_t world_size,
                                        int32_t timeout_ms, p2gan_process_group** out_group) {
    return guarded(__func__, [&] {
        p2gan::require_non_null(out_group, "out_group");
        *out_group = nullptr;
        p2gan::require_non_null(backend, "backend");
        p2gan::require_non_null(init_method, "init_method");
        if (timeout_ms <= 0) p2gan::fail_invalid("timeout_ms must be > 0, got " + std::to_string(timeout_ms));
        const auto rendezvous = p2gan::rendezvous_from_init_method(backend, init_method, rank, world_size,
                                                                   std::chrono::milliseconds(timeout_ms));
        auto group = std::make_shared<p2gan::ProcessGroup>(rendezvous);
        *out_group = new p2gan_process_group(std::move(group));
    });
}

void p2gan_process_group_destroy(p2gan_process_group* group) { delete group; }

p2gan_status p2gan_process_group_info(const p2gan_process_group* group, int32_t* out_rank, int32_t* out_world_size) {
    return guarded(__func__, [&] {
        auto& g = group_of(group);
        p2gan::require_non_null(out_rank, "out_rank");
        p2gan::require_non_null(out_world_size, "out_world_size");
        *out_rank = g.rank();
        *out_world_size = g.world_size();
    });
}

p2gan_status p2gan_process_group_barrier(p2gan_process_group* group) {
    return guarded(__func__, [&] { group_of(group).barrier(); });
}

p2gan_status p2gan_process_group_broadcast(p2gan_process_group* group, void* data, size_t size, int32_t root) {
    return guarded(__func__, [&] {
        auto& g = group_of(group);
        p2gan::require_non_null(data, "data");
        if (size < 1 || size > (size_t{1} << 30)) p2gan::fail_invalid("size must be in [1, 2^30], got " + std::to_string(size));
        if (root < 0 || root >= g.world_size()) {
            p2gan::fail_invalid("root must be a rank in [0, " + std::to_string(g.world_size()) + "), got " + std::to_string(root));
        }
        // The sizes must agree before the bytes move: a shorter buffer would be overrun.
        const auto mine = std::to_string(size);
        const auto reference = g.broadcast_string(mine, "comparing the broadcast's sizes", root);
        if (g.count_ranks(mine != reference, "comparing the broadcast's sizes") > 0) {
            p2gan::fail_invalid("the ranks passed different sizes to the broadcast (this rank " + mine + " bytes, rank " +
                                std::to_string(root) + " " + reference + ")");
        }
        auto bytes = torch::from_blob(data, {static_cast<int64_t>(size)}, torch::kUInt8);
        g.broadcast({bytes}, "the host's broadcast", root);
    });
}

p2gan_status p2gan_model_set_process_group(p2gan_model* model, p2gan_process_group* group) {
    return guarded(__func__, [&] {
        p2gan::require_non_null(model, "model");
        model->model.set_process_group(group == nullptr ? nullptr : group->group);
    });
}

}  // extern "C"
