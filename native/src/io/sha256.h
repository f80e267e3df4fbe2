// SHA-256 (FIPS 180-4), small and dependency-free: used to identify weight files such as
// pytorch-fid's pt_inception-2015-12-05-6726825d.pth, whose name carries the first eight
// hex digits of its SHA-256.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace p2gan {

class Sha256 {
public:
    Sha256();
    void update(const void* data, size_t size);
    // The digest as 64 lower-case hex digits; the object must not be updated afterwards.
    std::string hex_digest();

private:
    void block(const uint8_t* p);
    uint32_t h_[8];
    uint8_t buffer_[64];
    size_t buffered_ = 0;
    uint64_t total_bytes_ = 0;
};

// The SHA-256 of a file's bytes as hex; throws p2gan::Error (IO_ERROR) when unreadable.
std::string sha256_file_hex(const std::string& path);

}  // namespace p2gan
