// The safetensors format (8-byte little-endian header size, JSON header with dtype,
// shape and data_offsets per tensor, then the raw little-endian data), so PyTorch
// users can load our weights with safetensors.torch.load_file.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include <torch/torch.h>

namespace p2gan {

using NamedTensors = std::vector<std::pair<std::string, torch::Tensor>>;

// Tensors are copied to the CPU; float32, float64, int64 and int32 are supported.
void write_safetensors(const std::string& path, const NamedTensors& tensors,
                       const std::map<std::string, std::string>& metadata);

// Reads every tensor (CPU) and the metadata; throws p2gan::Error on a malformed file.
NamedTensors read_safetensors(const std::string& path, std::map<std::string, std::string>* metadata = nullptr);

}  // namespace p2gan
