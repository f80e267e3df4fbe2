// Mixed precision of the train step (p2gan_runtime_params.precision). LibTorch's CUDA
// autocast runs the ops it lists (convolutions, matrix products) in bfloat16 and keeps
// reductions and losses in float32; weights, gradients and optimizer state stay float32.
#pragma once

#include <cstdint>

#include <torch/torch.h>

namespace p2gan {

// For its lifetime: CUDA autocast with dtype bfloat16 when device is CUDA and precision is
// P2GAN_PRECISION_BFLOAT16_AUTOCAST; a no-op for every other combination. On exit it
// restores the previous enabled flag, dtype and cache setting, and clears the autocast
// cache (the bf16 copies of the weights) when it closes the outermost autocast scope, as
// torch.autocast's __exit__ does. Wrap forward passes only; backward runs outside it.
class AutocastScope {
public:
    AutocastScope(const torch::Device& device, int32_t precision);
    ~AutocastScope();
    AutocastScope(const AutocastScope&) = delete;
    AutocastScope& operator=(const AutocastScope&) = delete;

    bool active() const { return active_; }

private:
    bool active_ = false;
    bool previous_enabled_ = false;
    bool previous_cache_enabled_ = true;
    at::ScalarType previous_dtype_ = at::kHalf;
};

// The calling thread's autocast settings, read through whichever API this LibTorch has
// (tests compare them before and after a scope).
struct AutocastState {
    bool cuda_enabled;
    at::ScalarType cuda_dtype;
    bool cpu_enabled;
    bool cache_enabled;
};
AutocastState autocast_state();

}  // namespace p2gan
