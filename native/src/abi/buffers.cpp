#include "abi/buffers.h"

#include <cstring>
#include <limits>
#include <string>

#include "runtime/errors.h"

namespace p2gan {
namespace {

constexpr float kRangeTolerance = 1e-4f;
constexpr int64_t kMaxBatch = 1 << 20;

void require_finite(const torch::Tensor& t, const char* name) {
    const auto finite = torch::isfinite(t);
    if (finite.all().item<bool>()) return;
    const auto index = (~finite).flatten().nonzero()[0].item<int64_t>();
    fail(P2GAN_STATUS_NON_FINITE_INPUT, std::string(name) + " holds a non-finite value (" +
                                            std::to_string(t.flatten()[index].item<float>()) +
                                            ") at element " + std::to_string(index));
}

}  // namespace

void require_non_null(const void* pointer, const char* name) {
    if (pointer == nullptr) fail_invalid(std::string(name) + " is NULL");
}

ImageShape checked_image_shape(const int64_t* shape, size_t rank, const char* name) {
    require_non_null(shape, "shape");
    if (rank != 4) fail_invalid(std::string(name) + " must have rank 4 [B, C, H, W], got rank " + std::to_string(rank));
    ImageShape s{shape[0], shape[1], shape[2], shape[3], ""};
    s.text = "[" + std::to_string(s.batch) + ", " + std::to_string(s.channels) + ", " + std::to_string(s.height) +
             ", " + std::to_string(s.width) + "]";
    if (s.batch < 1 || s.batch > kMaxBatch) {
        fail_invalid(std::string(name) + " batch size must be in [1, 2^20], shape " + s.text);
    }
    return s;
}

torch::Tensor checked_images(const float* data, size_t count, const ImageShape& shape, const char* name) {
    require_non_null(data, name);
    const auto expected = static_cast<size_t>(shape.batch * shape.channels * shape.height * shape.width);
    if (count != expected) {
        fail_invalid(std::string(name) + " holds " + std::to_string(count) + " floats, shape " + shape.text +
                     " needs " + std::to_string(expected));
    }
    auto t = torch::from_blob(const_cast<float*>(data), {shape.batch, shape.channels, shape.height, shape.width},
                              torch::kFloat32)
                 .clone();
    require_finite(t, name);
    const float peak = t.abs().max().item<float>();
    if (peak > 1.0f + kRangeTolerance) {
        fail_invalid(std::string(name) + " must hold values in [-1, 1], found magnitude " + std::to_string(peak) +
                     " (scale images as x / 127.5 - 1)");
    }
    return t;
}

torch::Tensor image_batch(const float* data, size_t count, const int64_t* shape, size_t rank,
                          const p2gan_model_params& params, const char* name) {
    require_non_null(data, name);
    const auto s = checked_image_shape(shape, rank, name);
    if (s.channels != params.channels || s.height != params.resolution || s.width != params.resolution) {
        fail_invalid(std::string(name) + " has shape " + s.text + ", the model expects [B, " +
                     std::to_string(params.channels) + ", " + std::to_string(params.resolution) + ", " +
                     std::to_string(params.resolution) + "]");
    }
    return checked_images(data, count, s, name);
}

torch::Tensor matrix(const float* data, size_t count, int64_t rows, int64_t cols, const char* name) {
    require_non_null(data, name);
    if (rows < 1 || cols < 1) fail_invalid(std::string(name) + " must have at least one row and column");
    const auto expected = static_cast<size_t>(rows) * static_cast<size_t>(cols);
    if (count != expected) {
        fail_invalid(std::string(name) + " holds " + std::to_string(count) + " floats, expected " +
                     std::to_string(rows) + " x " + std::to_string(cols) + " = " + std::to_string(expected));
    }
    auto t = torch::from_blob(const_cast<float*>(data), {rows, cols}, torch::kFloat32).clone();
    require_finite(t, name);
    return t;
}

void require_output(const float* out, size_t out_count, size_t expected, const char* name) {
    require_non_null(out, name);
    if (out_count != expected) {
        fail_invalid(std::string(name) + " has room for " + std::to_string(out_count) + " floats, the result has " +
                     std::to_string(expected));
    }
}

void copy_out(const torch::Tensor& tensor, float* out) {
    const auto cpu = tensor.detach().to(torch::kCPU, torch::kFloat32).contiguous();
    std::memcpy(out, cpu.data_ptr<float>(), static_cast<size_t>(cpu.numel()) * sizeof(float));
}

}  // namespace p2gan
