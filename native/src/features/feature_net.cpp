#include "features/feature_net.h"

#include <string>

#include "buffers.h"
#include "errors.h"

namespace p2gan {
namespace {

constexpr int64_t kMaxBatch = 1 << 20;
constexpr int64_t kMinSide = 8;
constexpr int64_t kMaxSide = 4096;

}  // namespace

torch::Tensor feature_image_batch(const float* data, size_t count, const int64_t* shape, size_t rank,
                                  const char* name) {
    require_non_null(data, name);
    require_non_null(shape, "shape");
    if (rank != 4) fail_invalid(std::string(name) + " must have rank 4 [B, C, H, W], got rank " + std::to_string(rank));
    const int64_t b = shape[0], c = shape[1], h = shape[2], w = shape[3];
    const std::string got = "[" + std::to_string(b) + ", " + std::to_string(c) + ", " + std::to_string(h) + ", " +
                            std::to_string(w) + "]";
    if (b < 1 || b > kMaxBatch) fail_invalid(std::string(name) + " batch size must be in [1, 2^20], shape " + got);
    if (c != 1 && c != 3) fail_invalid(std::string(name) + " must have 1 or 3 channels, shape " + got);
    if (h != w || h < kMinSide || h > kMaxSide) {
        fail_invalid(std::string(name) + " must be square with a side in [8, 4096], shape " + got);
    }
    // The remaining checks (element count, finiteness, range) are the model's image checks
    // for a model of exactly this shape.
    p2gan_model_params params{};
    params.channels = static_cast<int32_t>(c);
    params.resolution = static_cast<int32_t>(h);
    return image_batch(data, count, shape, rank, params, name);
}

torch::Device parse_feature_device(const char* device) {
    const std::string name = (device == nullptr || *device == '\0') ? std::string("cpu") : std::string(device);
    try {
        torch::Device parsed(name);
        if (parsed.is_cuda() && !torch::cuda::is_available()) {
            fail(P2GAN_STATUS_DEVICE_ERROR,
                 "device \"" + name + "\" requested but CUDA is not available in this build/machine");
        }
        if (!parsed.is_cpu() && !parsed.is_cuda()) {
            fail_invalid("device \"" + name + "\" is not supported (use \"cpu\" or \"cuda[:N]\")");
        }
        return parsed;
    } catch (const c10::Error&) {
        fail_invalid("device \"" + name + "\" is not a device name (use \"cpu\" or \"cuda[:N]\")");
    }
}

torch::Tensor to_grey_bt601(const torch::Tensor& images) {
    if (images.size(1) == 1) return images;
    const auto weights =
        torch::tensor({0.299f, 0.587f, 0.114f}, images.options()).view({1, 3, 1, 1});
    return (images * weights).sum(1, /*keepdim=*/true);
}

}  // namespace p2gan
