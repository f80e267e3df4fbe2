// Whole-file reads and writes, and crafted safetensors bytes, for the tests of the readers.
#pragma once

#include <cstddef>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

namespace p2gan::testing {

inline std::string read_bytes(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

inline void write_bytes(const std::filesystem::path& path, const std::string& bytes) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

// A safetensors file: the 8-byte little-endian header size, `header` as given (JSON, valid or
// not) and `data_bytes` zero bytes of data.
inline std::string safetensors_bytes(const std::string& header, size_t data_bytes) {
    std::string bytes;
    for (int i = 0; i < 8; ++i) bytes += static_cast<char>((header.size() >> (8 * i)) & 0xff);
    return bytes + header + std::string(data_bytes, '\0');
}

}  // namespace p2gan::testing
