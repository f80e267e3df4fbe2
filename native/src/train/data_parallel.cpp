// The data-parallel half of Model (issue #12, docs/distributed.md): what a train step does
// differently in a process group, and how ranks start from one state. N ranks with batch B/N
// compute what one process with batch B computes:
//   - noise is drawn for the global batch from the one model stream and sliced by rank, so the
//     RNG stays identical on every rank (and equal to the single-process stream);
//   - losses are means over the global batch, gradients are averaged over the ranks (the
//     gradient of the global mean, as every loss is a per-image mean);
//   - AdaIN's batch statistics span the global batch (nn/batch_statistics_sync.h);
//   - spectral norm's u/v follow from identical weights and identical vectors.
#include <cmath>
#include <sstream>

#include "config/settings.h"
#include "dist/process_group_statistics.h"
#include "runtime/errors.h"
#include "train/adam_state.h"
#include "train/model.h"

namespace p2gan {
namespace {

bool distributed(const std::shared_ptr<ProcessGroup>& group) { return group != nullptr && group->world_size() > 1; }

void set_adam_steps(torch::optim::Adam& optimizer, const int64_t* steps, size_t& index) {
    for_each_adam_param(optimizer, [&](const torch::Tensor&, torch::optim::AdamParamState* st) {
        if (st != nullptr) st->step(steps[index++]);
    });
}

// The settings every rank must share: the model's and the runtime's sync_batch_norm.
std::string shared_settings(const p2gan_model_params& params, const p2gan_runtime_params& runtime) {
    return model_params_to_text(params) + "sync_batch_norm=" + std::to_string(runtime.sync_batch_norm) + "\n";
}

// The first line of `mine` that differs from `reference`, e.g. "seed=3 (rank 0: seed=1)".
std::string first_difference(const std::string& mine, const std::string& reference) {
    std::istringstream a(mine), b(reference);
    std::string line_a, line_b;
    while (true) {
        const bool more_a = static_cast<bool>(std::getline(a, line_a));
        const bool more_b = static_cast<bool>(std::getline(b, line_b));
        if (!more_a && !more_b) return {};
        if (!more_a || !more_b || line_a != line_b) return line_a + " (rank 0: " + line_b + ")";
    }
}

}  // namespace

void Model::set_process_group(std::shared_ptr<ProcessGroup> group) {
    std::shared_ptr<BatchStatisticsSync> sync;
    if (group != nullptr) {
        const auto mine = shared_settings(params_, runtime_);
        const auto reference = group->broadcast_string(mine, "comparing the ranks' settings");
        const auto difference = first_difference(mine, reference);
        const int differing = group->count_ranks(!difference.empty(), "comparing the ranks' settings");
        if (differing > 0) {
            fail_invalid(difference.empty()
                             ? std::to_string(differing) + " other rank(s) have settings that differ from rank 0's"
                             : "rank " + std::to_string(group->rank()) + "'s settings differ from rank 0's: " + difference);
        }
        if (runtime_.sync_batch_norm != 0) sync = process_group_statistics(group);
    }
    for (const auto& module : g_->modules()) {
        if (auto* adain = dynamic_cast<AdaINImpl*>(module.get())) adain->statistics_sync = sync;
    }
    group_ = std::move(group);
    if (group_ != nullptr) broadcast_state();
}

void Model::broadcast_state() {
    if (!distributed(group_)) return;
    torch::NoGradGuard no_grad;
    // The shapes of what follows must agree before anything is copied.
    std::vector<torch::Tensor> adam_tensors;
    std::vector<int64_t> adam_steps;
    collect_adam_state(*opt_d_, adam_tensors, adam_steps);
    collect_adam_state(*opt_g_, adam_tensors, adam_steps);
    const auto layout = std::to_string(adam_tensors.size()) + "/" + std::to_string(adam_steps.size());
    const auto reference = group_->broadcast_string(layout, "comparing the ranks' optimizer state");
    if (group_->count_ranks(layout != reference, "comparing the ranks' optimizer state") > 0) {
        fail_invalid("the ranks' optimizer states differ in shape (rank " + std::to_string(group_->rank()) + ": " +
                     layout + " tensors/steps, rank 0: " + reference + "); restore the same checkpoint on every rank");
    }
    std::vector<torch::Tensor> tensors;
    for (auto& named : named_tensors()) tensors.push_back(named.second);  // D, G, G_ema: weights and buffers
    tensors.insert(tensors.end(), adam_tensors.begin(), adam_tensors.end());
    auto counters = torch::tensor(adam_steps, torch::kInt64);
    auto step = torch::tensor({step_}, torch::kInt64);
    auto rng_state = rng_.get_state();
    tensors.push_back(counters);
    tensors.push_back(step);
    tensors.push_back(rng_state);
    group_->broadcast(tensors, "copying rank 0's model state");
    size_t index = 0;
    set_adam_steps(*opt_d_, counters.data_ptr<int64_t>(), index);
    set_adam_steps(*opt_g_, counters.data_ptr<int64_t>(), index);
    step_ = step.item<int64_t>();
    rng_.set_state(rng_state);
}

torch::Tensor Model::randn_for_batch(int64_t batch, int64_t dim) {
    if (!distributed(group_)) return randn({batch, dim});
    const auto global = torch::randn({batch * group_->world_size(), dim}, rng_, torch::kFloat32);
    return global.narrow(0, batch * group_->rank(), batch).to(device_);
}

// The loss's value, read once: one of the step's host synchronisations (docs/architecture.md).
double Model::global_loss(const torch::Tensor& loss, const char* name, int64_t batch) {
    double value = 0;
    ++timings_.host_syncs;
    if (!distributed(group_)) {
        value = loss.item<double>();
    } else {
        // Sum of the losses, of the batch sizes and of their squares: equal batches leave
        // world * sum(b^2) == sum(b)^2 (values up to 2^40 are exact in double).
        const double b = static_cast<double>(batch);
        auto sums = torch::stack({loss.detach().to(torch::kCPU, torch::kFloat64), torch::tensor(b, torch::kFloat64),
                                  torch::tensor(b * b, torch::kFloat64)});
        const auto what = std::string("summing ") + name + " over the ranks";
        group_->allreduce_sum({sums}, what.c_str());
        const auto s = sums.accessor<double, 1>();
        const double n = group_->world_size();
        if (n * s[2] != s[1] * s[1]) {
            fail_invalid("the ranks passed batches of different sizes (this rank " + std::to_string(batch) +
                         ", all ranks " + std::to_string(static_cast<int64_t>(s[1])) + " images); every rank must pass the same size");
        }
        value = s[0] / n;
    }
    if (!std::isfinite(value)) {
        fail(P2GAN_STATUS_NON_FINITE_LOSS,
             std::string(name) + " is not finite; this update was skipped (lower the learning rate "
                                 "or resume from an earlier checkpoint)");
    }
    return value;
}

void Model::average_gradients(torch::nn::Module& network, const char* what) {
    if (!distributed(group_)) return;
    std::vector<torch::Tensor> grads;
    for (auto& p : network.parameters()) {
        if (p.grad().defined()) grads.push_back(p.grad());
    }
    group_->allreduce_mean(grads, what);
}

void Model::average_metrics(torch::Tensor& values) {
    if (!distributed(group_)) return;
    group_->allreduce_mean({values}, "averaging the step's metrics");
}

}  // namespace p2gan
