// Deterministic initialisation from the model's own generator: the same seed gives
// the same weights on every device and in every process.
#pragma once

#include <torch/torch.h>

namespace p2gan {

// PyTorch's default rule for conv and linear layers: weight and bias ~ U(-b, b) with
// b = 1/sqrt(fan_in), fan_in = weight.size(1) * receptive field. Spectral-norm u and v
// are normalised N(0, I) draws followed by kInitialPowerIterations power iterations.
// Batch-norm buffers keep their defaults.
void initialize_weights(torch::nn::Module& module, at::Generator& rng);

}  // namespace p2gan
