// One checkpoint file per save, in the tensor file format (io/tensor_file.h), kind
// "P2GANCKP", format version 2, sections:
//   "settings"   the model settings as key=value lines (config/settings.h)
//   "host_state" opaque to the core (the trainer keeps its loader position and schedules)
//   "archive"    LibTorch archive: D, G, G_ema, both Adams, step, RNG state
//   "sha256"     the checksum of the sections above (io/tensor_file.h), verified before
//                the archive is parsed; a damaged file is refused (CHECKPOINT_MISMATCH)
// Format version 1 (written by ABI v1/v2 libraries): "P2GANCKP" | u32 1 | u32 ABI version |
// u32 n | settings text with runtime keys | u32 h | host state | u64 m | archive. Both are
// read (format 1 has no checksum: it is loaded unverified, with a warning through the log);
// versions above 2 are refused naming both versions.
#pragma once

#include <string>

#include "p2gan/p2gan.h"
#include "train/model.h"

namespace p2gan {

constexpr uint32_t kCheckpointFormatVersion = 2;

void save_checkpoint(Model& model, const std::string& path, const std::string& host_state = {});
// Refuses (P2GAN_STATUS_CHECKPOINT_MISMATCH) a file whose architecture differs,
// naming every differing field.
void restore_checkpoint(Model& model, const std::string& path);
p2gan_model_params read_checkpoint_params(const std::string& path);
std::string read_checkpoint_host_state(const std::string& path);

}  // namespace p2gan
