#include "eval/feature_net.h"

#include <string>

#include "abi/buffers.h"
#include "runtime/device.h"
#include "runtime/errors.h"

namespace p2gan {
namespace {

constexpr int64_t kMinSide = 8;
constexpr int64_t kMaxSide = 4096;

}  // namespace

torch::Tensor feature_image_batch(const float* data, size_t count, const int64_t* shape, size_t rank,
                                  const char* name) {
    require_non_null(data, name);
    const auto s = checked_image_shape(shape, rank, name);
    if (s.channels != 1 && s.channels != 3) fail_invalid(std::string(name) + " must have 1 or 3 channels, shape " + s.text);
    if (s.height != s.width || s.height < kMinSide || s.height > kMaxSide) {
        fail_invalid(std::string(name) + " must be square with a side in [8, 4096], shape " + s.text);
    }
    return checked_images(data, count, s, name);
}

torch::Device parse_feature_device(const char* device) {
    return parse_device((device == nullptr || *device == '\0') ? std::string("cpu") : std::string(device));
}

torch::Tensor to_grey_bt601(const torch::Tensor& images) {
    if (images.size(1) == 1) return images;
    const auto weights =
        torch::tensor({0.299f, 0.587f, 0.114f}, images.options()).view({1, 3, 1, 1});
    return (images * weights).sum(1, /*keepdim=*/true);
}

}  // namespace p2gan
