// Little-endian integers in the project's own file headers (checkpoints, classifiers).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <istream>
#include <string>

#include "errors.h"

namespace p2gan {

template <typename T>
void put_le(std::string& out, T value) {
    for (size_t i = 0; i < sizeof(T); ++i) out.push_back(static_cast<char>((value >> (8 * i)) & 0xff));
}

// Reads one integer; a short read is an I/O error "<file_kind> <path> is truncated (while reading <what>)".
template <typename T>
T take_le(std::istream& in, const std::string& file_kind, const std::string& path, const char* what) {
    unsigned char bytes[sizeof(T)];
    if (!in.read(reinterpret_cast<char*>(bytes), sizeof(T))) {
        fail(P2GAN_STATUS_IO_ERROR, file_kind + " " + path + " is truncated (while reading " + what + ")");
    }
    T value = 0;
    for (size_t i = 0; i < sizeof(T); ++i) value |= static_cast<T>(bytes[i]) << (8 * i);
    return value;
}

// Checks a file's 8-byte magic and u32 format version: "<path> is not a P2Gan <file_kind>
// (bad magic)" or "<file_kind> <path> has format version N, this library reads M".
inline void expect_magic_and_version(std::istream& in, const char (&magic)[8], uint32_t version,
                                     const std::string& file_kind, const std::string& path) {
    char found[sizeof(magic)];
    if (!in.read(found, sizeof(found)) || std::memcmp(found, magic, sizeof(magic)) != 0) {
        fail(P2GAN_STATUS_CHECKPOINT_MISMATCH, path + " is not a P2Gan " + file_kind + " (bad magic)");
    }
    const auto format = take_le<uint32_t>(in, file_kind, path, "format version");
    if (format != version) {
        fail(P2GAN_STATUS_CHECKPOINT_MISMATCH, file_kind + " " + path + " has format version " +
                                                   std::to_string(format) + ", this library reads " +
                                                   std::to_string(version));
    }
}

}  // namespace p2gan
