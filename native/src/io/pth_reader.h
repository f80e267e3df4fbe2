// Reads a PyTorch state dict saved with torch.save (no Python needed), in either format:
//   - zip (torch >= 1.6 default, also what torch::pickle_save writes): a zip archive with
//     <name>/data.pkl (the pickle) and <name>/data/<key> (one raw record per storage);
//   - legacy (torch < 1.6, e.g. pytorch-fid's 2019 weights file): five things in a row:
//     pickle(magic 0x1950a86a20f9469cfc6c), pickle(protocol 1001), pickle(sys info dict),
//     pickle(the object), pickle(list of storage keys), then per key in that order an
//     8-byte little-endian element count and the raw little-endian elements.
// The pickles are run by a small pickle machine that knows exactly the opcodes and the
// few globals torch.save emits for a dict of tensors (collections.OrderedDict,
// torch._utils._rebuild_tensor[_v2], torch._utils._rebuild_parameter, torch.*Storage,
// and torch.jit._pickle.restore_type_tag, which LibTorch's own pickler writes); nothing
// from the file is ever executed or looked up beyond that list, so a hostile file can
// only be refused.
#pragma once

#include <string>

#include "io/safetensors.h"  // NamedTensors

namespace p2gan {

enum class PthFormat { Zip, Legacy };

struct PthStateDict {
    PthFormat format = PthFormat::Zip;
    NamedTensors tensors;  // file order, CPU, contiguous, the file's dtype
};

// Reads a top-level dict {str: tensor}; throws p2gan::Error (P2GAN_STATUS_IO_ERROR) with a
// message that names the file and what is wrong (missing, truncated, not a .pth, a
// construct this reader does not support).
PthStateDict read_pth_state_dict(const std::string& path);

// Reads a state dict from bytes already in memory (`source` names them in messages).
PthStateDict read_pth_state_dict_bytes(const std::string& bytes, const std::string& source);

}  // namespace p2gan
