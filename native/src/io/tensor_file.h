// The project's one file format for named tensors with metadata (checkpoints of a model,
// the evaluation classifier): an 8-byte magic naming the kind of file, a u32 format
// version, then named sections, one of which holds a LibTorch archive of named tensors.
//   magic | u32 version | u32 section count | per section: u32 name length, name, u64 size, bytes
// Little-endian; written atomically (io/atomic_file.h). Readers bound every declared size
// by the file's size and a per-file limit before allocating.
#pragma once

#include <cstdint>
#include <istream>
#include <map>
#include <string>

namespace p2gan {

struct TensorFileKind {
    char magic[8];
    const char* name;  // "checkpoint", "classifier file": used in messages
};

using TensorFileSections = std::map<std::string, std::string>;

void write_tensor_file(const std::string& path, const TensorFileKind& kind, uint32_t version,
                       const TensorFileSections& sections);

// Opens path, checks the magic and returns the format version, leaving `in` just after it.
uint32_t open_tensor_file(std::ifstream& in, const std::string& path, const TensorFileKind& kind);

// Reads the sections that follow the version (format versions that use sections).
TensorFileSections read_tensor_file_sections(std::istream& in, const std::string& path, const TensorFileKind& kind);

// Reads a u32/u64-length-prefixed block of at most `limit` bytes (also the layout of the
// legacy formats' sections).
std::string read_sized_block(std::istream& in, const std::string& path, const TensorFileKind& kind, uint64_t size,
                             const char* what);

// "<kind> <path> has format version N; this library reads versions 1 to M".
[[noreturn]] void fail_unknown_format(const std::string& path, const TensorFileKind& kind, uint32_t found,
                                      uint32_t newest);

}  // namespace p2gan
