#include "io/tensor_file.h"

#include <cerrno>
#include <cstring>
#include <fstream>

#include "io/atomic_file.h"
#include "io/binary_io.h"
#include "runtime/errors.h"

namespace p2gan {
namespace {

constexpr uint32_t kMaxSections = 64;
constexpr uint32_t kMaxSectionName = 256;

uint64_t remaining_bytes(std::istream& in) {
    const auto here = in.tellg();
    in.seekg(0, std::ios::end);
    const auto end = in.tellg();
    in.seekg(here);
    return here < 0 || end < here ? 0 : static_cast<uint64_t>(end - here);
}

}  // namespace

void write_tensor_file(const std::string& path, const TensorFileKind& kind, uint32_t version,
                       const TensorFileSections& sections) {
    std::string bytes(kind.magic, sizeof(kind.magic));
    put_le<uint32_t>(bytes, version);
    put_le<uint32_t>(bytes, static_cast<uint32_t>(sections.size()));
    for (const auto& [name, content] : sections) {
        put_le<uint32_t>(bytes, static_cast<uint32_t>(name.size()));
        bytes += name;
        put_le<uint64_t>(bytes, content.size());
        bytes += content;
    }
    write_file_atomically(path, bytes);
}

uint32_t open_tensor_file(std::ifstream& in, const std::string& path, const TensorFileKind& kind) {
    in.open(path, std::ios::binary);
    if (!in) fail(P2GAN_STATUS_IO_ERROR, std::string("cannot open ") + kind.name + " " + path + ": " + std::strerror(errno));
    char found[sizeof(kind.magic)];
    if (!in.read(found, sizeof(found)) || std::memcmp(found, kind.magic, sizeof(found)) != 0) {
        fail(P2GAN_STATUS_CHECKPOINT_MISMATCH, path + " is not a P2Gan " + kind.name + " (bad magic)");
    }
    return take_le<uint32_t>(in, kind.name, path, "format version");
}

std::string read_sized_block(std::istream& in, const std::string& path, const TensorFileKind& kind, uint64_t size,
                             const char* what) {
    if (size > remaining_bytes(in)) {
        fail(P2GAN_STATUS_IO_ERROR, std::string(kind.name) + " " + path + " is truncated (" + what + " of " +
                                        std::to_string(size) + " bytes declared, " + std::to_string(remaining_bytes(in)) +
                                        " present)");
    }
    std::string block(static_cast<size_t>(size), '\0');
    if (!in.read(block.data(), static_cast<std::streamsize>(size))) {
        fail(P2GAN_STATUS_IO_ERROR, std::string(kind.name) + " " + path + " is truncated (while reading " + what + ")");
    }
    return block;
}

TensorFileSections read_tensor_file_sections(std::istream& in, const std::string& path, const TensorFileKind& kind) {
    const auto count = take_le<uint32_t>(in, kind.name, path, "section count");
    if (count > kMaxSections) {
        fail(P2GAN_STATUS_CHECKPOINT_MISMATCH, std::string(kind.name) + " " + path + " is corrupt (" +
                                                   std::to_string(count) + " sections)");
    }
    TensorFileSections sections;
    for (uint32_t i = 0; i < count; ++i) {
        const auto name_size = take_le<uint32_t>(in, kind.name, path, "section name length");
        if (name_size > kMaxSectionName) {
            fail(P2GAN_STATUS_CHECKPOINT_MISMATCH, std::string(kind.name) + " " + path + " is corrupt (section name of " +
                                                       std::to_string(name_size) + " bytes)");
        }
        auto name = read_sized_block(in, path, kind, name_size, "a section name");
        const auto size = take_le<uint64_t>(in, kind.name, path, "section size");
        sections[name] = read_sized_block(in, path, kind, size, ("section " + name).c_str());
    }
    return sections;
}

void fail_unknown_format(const std::string& path, const TensorFileKind& kind, uint32_t found, uint32_t newest) {
    fail(P2GAN_STATUS_CHECKPOINT_MISMATCH, std::string(kind.name) + " " + path + " has format version " +
                                               std::to_string(found) + "; this library (P2Gan " P2GAN_VERSION
                                               ") reads format versions 1 to " + std::to_string(newest) +
                                               (found > newest ? " (it was written by a newer P2Gan)" : ""));
}

}  // namespace p2gan
