#include "io/tensor_file.h"

#include <cerrno>
#include <cstring>
#include <fstream>

#include "io/atomic_file.h"
#include "io/binary_io.h"
#include "io/sha256.h"
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

// Feeds one section's record (u32 name length, name, u64 size, bytes) to the checksum.
void hash_section(Sha256& hash, const std::string& name, const std::string& content) {
    std::string prefix;
    put_le<uint32_t>(prefix, static_cast<uint32_t>(name.size()));
    prefix += name;
    put_le<uint64_t>(prefix, content.size());
    hash.update(prefix.data(), prefix.size());
    hash.update(content.data(), content.size());
}

}  // namespace

void write_tensor_file(const std::string& path, const TensorFileKind& kind, uint32_t version,
                       const TensorFileSections& sections) {
    if (sections.count(kChecksumSection) != 0) {
        fail(P2GAN_STATUS_INTERNAL_ERROR, std::string("section name ") + kChecksumSection + " is reserved");
    }
    std::string bytes(kind.magic, sizeof(kind.magic));
    put_le<uint32_t>(bytes, version);
    put_le<uint32_t>(bytes, static_cast<uint32_t>(sections.size() + 1));
    Sha256 hash;
    auto append = [&bytes](const std::string& name, const std::string& content) {
        put_le<uint32_t>(bytes, static_cast<uint32_t>(name.size()));
        bytes += name;
        put_le<uint64_t>(bytes, content.size());
        bytes += content;
    };
    for (const auto& [name, content] : sections) {
        hash_section(hash, name, content);
        append(name, content);
    }
    append(kChecksumSection, hash.hex_digest());
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
    Sha256 hash;
    std::string stored_digest;
    bool has_digest = false;
    for (uint32_t i = 0; i < count; ++i) {
        const auto name_size = take_le<uint32_t>(in, kind.name, path, "section name length");
        if (name_size > kMaxSectionName) {
            fail(P2GAN_STATUS_CHECKPOINT_MISMATCH, std::string(kind.name) + " " + path + " is corrupt (section name of " +
                                                       std::to_string(name_size) + " bytes)");
        }
        auto name = read_sized_block(in, path, kind, name_size, "a section name");
        const auto size = take_le<uint64_t>(in, kind.name, path, "section size");
        auto content = read_sized_block(in, path, kind, size, ("section " + name).c_str());
        if (name == kChecksumSection) {
            if (i + 1 != count) {
                fail(P2GAN_STATUS_CHECKPOINT_MISMATCH, std::string(kind.name) + " " + path +
                                                           " is damaged: its sha256 section is not the last one");
            }
            stored_digest = std::move(content);
            has_digest = true;
            break;
        }
        if (sections.count(name) != 0) {
            fail(P2GAN_STATUS_CHECKPOINT_MISMATCH, std::string(kind.name) + " " + path +
                                                       " is damaged: section " + name + " appears twice");
        }
        hash_section(hash, name, content);
        sections[name] = std::move(content);
    }
    // Verified before any section is interpreted (the archive parser never sees damaged bytes).
    if (!has_digest) {
        fail(P2GAN_STATUS_CHECKPOINT_MISMATCH, std::string(kind.name) + " " + path +
                                                   " is damaged: it has no sha256 section (every file of this "
                                                   "format version ends with one)");
    }
    const auto computed = hash.hex_digest();
    if (computed != stored_digest) {
        fail(P2GAN_STATUS_CHECKPOINT_MISMATCH,
             std::string(kind.name) + " " + path + " is damaged: checksum mismatch (stored " +
                 (stored_digest.size() == 64 ? stored_digest : std::string("an invalid digest")) + ", content hashes to " +
                 computed + ")");
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
