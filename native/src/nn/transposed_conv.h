// The generator's stride-2 transposed convolution.
//
// LibTorch 1.13 runs a float32 transposed convolution on the CPU through
// slow_conv_transpose2d (a GEMM per image, then col2im), single-threaded when OpenBLAS
// is, while an ordinary convolution goes through oneDNN. A transposed convolution is the
// input gradient of the ordinary convolution with the same weight, so the fast path
// computes it with oneDNN's backward-data kernel, and its own gradients with oneDNN's
// forward and backward-weights kernels. Same arithmetic, different summation order: the
// results agree with conv_transpose2d to float32 rounding (tests/native/test_fast_paths.cpp).
#pragma once

#include <torch/torch.h>

namespace p2gan {

// conv_transpose2d(x, weight) with no bias, square stride and padding, no output padding.
// weight is [in_channels, out_channels, k, k], as torch.nn.ConvTranspose2d stores it.
// fast selects the convolution-gradient path; it is used on CPU tensors only.
torch::Tensor transposed_conv2d(const torch::Tensor& x, const torch::Tensor& weight, int64_t stride,
                                int64_t padding, bool fast);

}  // namespace p2gan
