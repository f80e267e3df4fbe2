// Little-endian integers in the project's own file headers (io/tensor_file.h).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <istream>
#include <string>

#include "runtime/errors.h"

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

}  // namespace p2gan
