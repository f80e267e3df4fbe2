// The project's one file format for named tensors with metadata (checkpoints of a model,
// the evaluation classifier): an 8-byte magic naming the kind of file, a u32 format
// version, then named sections, one of which holds a LibTorch archive of named tensors.
//   magic | u32 version | u32 section count | per section: u32 name length, name, u64 size, bytes
// The last section, "sha256", holds the SHA-256 (64 lower-case hex digits) of every other
// section's record (u32 name length, name, u64 size, bytes) in file order. Writers always
// add it; read_tensor_file_sections requires it and verifies it before returning, so no
// section is interpreted (a LibTorch archive parsed) unless the content is intact.
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

// The name of the checksum section (reserved: callers of write_tensor_file cannot use it).
constexpr const char* kChecksumSection = "sha256";

void write_tensor_file(const std::string& path, const TensorFileKind& kind, uint32_t version,
                       const TensorFileSections& sections);

// Opens path, checks the magic and returns the format version, leaving `in` just after it.
uint32_t open_tensor_file(std::ifstream& in, const std::string& path, const TensorFileKind& kind);

// Reads the sections that follow the version (format versions that use sections) and
// verifies the "sha256" section: a file without it, or whose content does not hash to it,
// is refused with P2GAN_STATUS_CHECKPOINT_MISMATCH ("<kind> <path> is damaged: ...").
// The returned map does not hold the checksum section.
TensorFileSections read_tensor_file_sections(std::istream& in, const std::string& path, const TensorFileKind& kind);

// Reads a u32/u64-length-prefixed block of at most `limit` bytes (also the layout of the
// legacy formats' sections).
std::string read_sized_block(std::istream& in, const std::string& path, const TensorFileKind& kind, uint64_t size,
                             const char* what);

// "<kind> <path> has format version N; this library reads versions 1 to M".
[[noreturn]] void fail_unknown_format(const std::string& path, const TensorFileKind& kind, uint32_t found,
                                      uint32_t newest);

}  // namespace p2gan
