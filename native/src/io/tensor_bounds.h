// Bounds on the tensors a file declares, checked before anything is allocated: a crafted
// shape or stride must give a status naming it, never an overflow, a c10 error or a huge
// allocation.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace p2gan {

// The element count of `sizes`, or nullopt when a size is negative or the count overflows
// int64 (a zero size makes the count 0, but the other sizes must still multiply without
// overflow: LibTorch computes them).
inline std::optional<int64_t> checked_numel(const std::vector<int64_t>& sizes) {
    int64_t nonzero_product = 1;
    bool empty = false;
    for (const int64_t size : sizes) {
        if (size < 0) return std::nullopt;
        if (size == 0) {
            empty = true;
            continue;
        }
        if (__builtin_mul_overflow(nonzero_product, size, &nonzero_product)) return std::nullopt;
    }
    return empty ? 0 : nonzero_product;
}

// "[2, 3]" for messages.
inline std::string shape_text(const std::vector<int64_t>& sizes) {
    std::string s = "[";
    for (size_t i = 0; i < sizes.size(); ++i) s += (i ? ", " : "") + std::to_string(sizes[i]);
    return s + "]";
}

}  // namespace p2gan
