// Turning the ABI's raw buffers into tensors and back, with every check the ABI
// promises: null pointers, element counts against shapes, finiteness, value range.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include <torch/torch.h>

#include "p2gan/p2gan.h"

namespace p2gan {

void require_non_null(const void* pointer, const char* name);

// A rank-4 image shape [B, C, H, W] whose pointer, rank and batch size were checked;
// `text` is its printable form for messages.
struct ImageShape {
    int64_t batch, channels, height, width;
    std::string text;
};
ImageShape checked_image_shape(const int64_t* shape, size_t rank, const char* name);

// Copies a batch of that shape (count must match), finite and within [-1, 1].
torch::Tensor checked_images(const float* data, size_t count, const ImageShape& shape, const char* name);

// An image batch [B, C, H, W] matching the model's channels and resolution, copied,
// finite and within [-1, 1] (a small tolerance allows for rounding).
torch::Tensor image_batch(const float* data, size_t count, const int64_t* shape, size_t rank,
                          const p2gan_model_params& params, const char* name);

// A finite [rows, cols] matrix, copied; count must equal rows * cols.
torch::Tensor matrix(const float* data, size_t count, int64_t rows, int64_t cols, const char* name);

// Checks that a caller's output buffer holds exactly `expected` floats.
void require_output(const float* out, size_t out_count, size_t expected, const char* name);

// Copies a tensor (any device) into a caller buffer already checked by require_output.
void copy_out(const torch::Tensor& tensor, float* out);

}  // namespace p2gan
