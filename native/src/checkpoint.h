// One checkpoint file per save:
//   "P2GANCKP" | u32 format version | u32 ABI version | u32 n | n bytes of params text
//   | u32 h | h bytes of host state (opaque to the core) | u64 m | m bytes of LibTorch
//   archive (D, G, G_ema, both Adams, step, RNG state)
// All integers little-endian. Written atomically: temporary file, fsync, rename.
#pragma once

#include <string>

#include "model.h"
#include "p2gan/p2gan.h"

namespace p2gan {

void save_checkpoint(Model& model, const std::string& path, const std::string& host_state = {});
// Refuses (P2GAN_STATUS_CHECKPOINT_MISMATCH) a file whose architecture differs,
// naming every differing field.
void restore_checkpoint(Model& model, const std::string& path);
p2gan_model_params read_checkpoint_params(const std::string& path);
std::string read_checkpoint_host_state(const std::string& path);

// Writes bytes to path atomically: path.tmp, flush + fsync, rename over path.
void write_file_atomically(const std::string& path, const std::string& bytes);

}  // namespace p2gan
