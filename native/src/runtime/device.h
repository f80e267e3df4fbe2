// Parsing a device name from configuration ("cpu", "cuda", "cuda:1").
#pragma once

#include <string>

#include <torch/torch.h>

namespace p2gan {

// Invalid names are an invalid-argument error; CUDA without CUDA is a device error.
torch::Device parse_device(const std::string& name);

}  // namespace p2gan
