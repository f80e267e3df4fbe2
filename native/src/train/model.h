// One P2GAN: D, G (and optionally an EMA of G), their Adam optimizers, the step counter
// and the model's own random generator. Everything the C ABI does to a model goes
// through this class; nothing here knows about the ABI's raw buffers.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>

#include "dist/process_group.h"
#include "nn/discriminator.h"
#include "nn/generator.h"
#include "train/losses.h"
#include "nn/network_config.h"
#include "p2gan/p2gan.h"

namespace p2gan {

struct DiscriminatorStep {
    Posterior real;  // detached
    Posterior fake;  // detached
    double loss_d;
};

struct GeneratorStep {
    torch::Tensor loss_adv, loss_z;  // detached scalars, read with the step's metrics
    double loss_g;
};

// Wall-clock milliseconds of each phase of the last train_step (p2gan_step_timings).
struct StepTimings {
    bool synchronized = false;  // device synchronized at every phase boundary
    double transfer_ms = 0, d_forward_ms = 0, d_backward_ms = 0, g_forward_ms = 0,
           g_backward_ms = 0, optimizer_ms = 0, total_ms = 0;
    double communication_ms = 0;    // in collective calls (data-parallel), part of the phases
    int64_t communication_bytes = 0;
    int32_t host_syncs = 0;         // device values read by the host (docs/benchmarks.md)
};

struct ForwardResult {
    Posterior real;
    torch::Tensor codes;
    torch::Tensor fake;
    Posterior fake_posterior;
    double loss_d, loss_adv, loss_z, loss_g;
};

class Model {
public:
    // params and runtime must be valid (config/settings.h).
    Model(const p2gan_model_params& params, const p2gan_runtime_params& runtime);

    const p2gan_model_params& params() const { return params_; }
    const p2gan_runtime_params& runtime() const { return runtime_; }
    const NetworkConfig& network() const { return network_; }
    int64_t step() const { return step_; }
    const torch::Device& device() const { return device_; }
    bool has_ema() const { return !g_ema_.is_empty(); }
    void set_learning_rates(double lr_d, double lr_g);
    void set_ema_decay(double decay);

    // One iteration: a D update, then a G update when it is due. real is [B,C,H,W].
    // A refused step (a non-finite loss, or any other throw) is a no-op: everything it may
    // have changed (D's parameters and buffers, G's buffers, D's Adam state, the RNG) is
    // put back from shadow copies taken at its start, before the error propagates.
    p2gan_step_metrics train_step(const torch::Tensor& real);
    // The two halves of train_step (public so tests can check what each one changes).
    DiscriminatorStep discriminator_step(const torch::Tensor& real);
    GeneratorStep generator_step(const torch::Tensor& real);
    bool generator_update_due() const;

    // Phase times of the last train_step. With profiling on, CUDA work is synchronized
    // at each phase boundary so the times are the phases' own (and the step is slower).
    const StepTimings& last_step_timings() const { return timings_; }
    void set_profiling(bool enabled) { profiling_ = enabled; }

    // Evaluation mode (running BN statistics, no power iteration), no gradients.
    torch::Tensor generate(const torch::Tensor& noise, const torch::Tensor& codes, bool use_ema);
    Posterior encode(const torch::Tensor& images);
    ForwardResult forward(const torch::Tensor& real, const torch::Tensor& noise,
                          const torch::Tensor& posterior_noise);
    // count images from a generator seeded with seed (the model's own RNG is untouched);
    // codes from the posteriors of real (if defined) or from P_c.
    torch::Tensor sample(int64_t count, uint64_t seed, const torch::Tensor& real, bool use_ema);
    torch::Tensor interpolate(const torch::Tensor& noise_a, const torch::Tensor& noise_b,
                              const torch::Tensor& code_a, const torch::Tensor& code_b,
                              int64_t steps, bool use_ema);

    // Data-parallel training (train/data_parallel.cpp, p2gan_model_set_process_group). Collective:
    // checks that every rank's settings equal rank 0's, then copies rank 0's state to every
    // rank. nullptr detaches.
    void set_process_group(std::shared_ptr<ProcessGroup> group);
    const std::shared_ptr<ProcessGroup>& process_group() const { return group_; }

    // Everything a checkpoint holds, in and out of a LibTorch archive.
    void save_state(torch::serialize::OutputArchive& archive);
    void load_state(torch::serialize::InputArchive& archive);

    // Every weight and buffer with PyTorch-style names ("D.convs.0.weight_orig", ...).
    std::vector<std::pair<std::string, torch::Tensor>> named_tensors();

    Discriminator& discriminator() { return d_; }
    Generator& generator() { return g_; }
    torch::optim::Adam& discriminator_optimizer() { return *opt_d_; }
    torch::optim::Adam& generator_optimizer() { return *opt_g_; }
    at::Generator& random_generator() { return rng_; }

private:
    torch::Tensor randn(at::IntArrayRef shape);
    // [batch, dim] normal draws for this rank's batch: in a process group, drawn for the global
    // batch and sliced, so that every rank's stream stays the single-process one.
    torch::Tensor randn_for_batch(int64_t batch, int64_t dim);
    // A loss's value over the global batch (the mean of the ranks' means: equal batches); every
    // rank refuses the step when any rank's loss is not finite or the batches differ.
    double global_loss(const torch::Tensor& loss, const char* name, int64_t batch);
    void average_gradients(torch::nn::Module& network, const char* what);
    void average_metrics(torch::Tensor& values);
    // Copies rank 0's weights, buffers, optimizer state, step and RNG to every rank.
    void broadcast_state();
    Generator& generator_for(bool use_ema);
    void update_ema();
    void optimizer_step(torch::optim::Adam& optimizer);
    // Adds the time since the previous mark to *phase (syncing CUDA first when profiling).
    void mark_phase(double StepTimings::*phase);
    // What a step may change before its last loss check, kept so a refused step can be undone.
    void take_step_snapshot(bool with_d_update);
    void restore_step_snapshot();
    p2gan_step_metrics train_step_unguarded(const torch::Tensor& real);

    p2gan_model_params params_;
    p2gan_runtime_params runtime_;
    NetworkConfig network_;
    torch::Device device_;
    Priors priors_;
    at::Generator rng_;
    Discriminator d_{nullptr};
    Generator g_{nullptr};
    Generator g_ema_{nullptr};
    std::unique_ptr<torch::optim::Adam> opt_d_, opt_g_;
    int64_t step_ = 0;
    std::shared_ptr<ProcessGroup> group_;
    StepTimings timings_;
    bool profiling_ = false;
    std::chrono::steady_clock::time_point phase_start_ = std::chrono::steady_clock::now();

    // The step snapshot: live tensors, their preallocated shadows (reused across steps),
    // D's Adam step counts, which of D's parameters had no Adam state yet, the RNG.
    struct StepSnapshot {
        std::vector<torch::Tensor> live, shadow;
        size_t adam_offset = 0;  // live[adam_offset..] are D's Adam moments
        bool with_adam = false;
        std::vector<int64_t> adam_steps;
        std::vector<torch::Tensor> stateless_params;
        at::mt19937 engine;
        c10::optional<float> next_float_normal;
        c10::optional<double> next_double_normal;
    };
    StepSnapshot snapshot_;
    bool snapshot_taken_ = false;
};

}  // namespace p2gan
