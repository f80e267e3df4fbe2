#include "runtime/precision.h"

#include <ATen/autocast_mode.h>
#include <torch/version.h>

#include "p2gan/p2gan.h"

// LibTorch 2.4 replaced the per-backend autocast functions (set_enabled,
// set_autocast_gpu_dtype, is_cpu_enabled, ...) by ones that take the device type; the old
// names remain there only as deprecated shims, and 1.13 (Debian) has only the old ones.
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 4)
#define P2GAN_AUTOCAST_TAKES_DEVICE 1
#else
#define P2GAN_AUTOCAST_TAKES_DEVICE 0
#endif

namespace p2gan {
namespace {

bool cuda_enabled() {
#if P2GAN_AUTOCAST_TAKES_DEVICE
    return at::autocast::is_autocast_enabled(at::kCUDA);
#else
    return at::autocast::is_enabled();
#endif
}

void set_cuda_enabled(bool enabled) {
#if P2GAN_AUTOCAST_TAKES_DEVICE
    at::autocast::set_autocast_enabled(at::kCUDA, enabled);
#else
    at::autocast::set_enabled(enabled);
#endif
}

at::ScalarType cuda_dtype() {
#if P2GAN_AUTOCAST_TAKES_DEVICE
    return at::autocast::get_autocast_dtype(at::kCUDA);
#else
    return at::autocast::get_autocast_gpu_dtype();
#endif
}

void set_cuda_dtype(at::ScalarType dtype) {
#if P2GAN_AUTOCAST_TAKES_DEVICE
    at::autocast::set_autocast_dtype(at::kCUDA, dtype);
#else
    at::autocast::set_autocast_gpu_dtype(dtype);
#endif
}

bool cpu_enabled() {
#if P2GAN_AUTOCAST_TAKES_DEVICE
    return at::autocast::is_autocast_enabled(at::kCPU);
#else
    return at::autocast::is_cpu_enabled();
#endif
}

}  // namespace

AutocastScope::AutocastScope(const torch::Device& device, int32_t precision) {
    if (!device.is_cuda() || precision != P2GAN_PRECISION_BFLOAT16_AUTOCAST) return;
    previous_enabled_ = cuda_enabled();
    previous_dtype_ = cuda_dtype();
    previous_cache_enabled_ = at::autocast::is_autocast_cache_enabled();
    set_cuda_enabled(true);
    set_cuda_dtype(at::kBFloat16);
    at::autocast::increment_nesting();
    at::autocast::set_autocast_cache_enabled(true);
    active_ = true;
}

AutocastScope::~AutocastScope() {
    if (!active_) return;
    if (at::autocast::decrement_nesting() == 0) at::autocast::clear_cache();
    set_cuda_enabled(previous_enabled_);
    set_cuda_dtype(previous_dtype_);
    at::autocast::set_autocast_cache_enabled(previous_cache_enabled_);
}

AutocastState autocast_state() {
    return {cuda_enabled(), cuda_dtype(), cpu_enabled(), at::autocast::is_autocast_cache_enabled()};
}

}  // namespace p2gan
