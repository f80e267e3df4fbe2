// The one struct_size rule of the ABI (p2gan.h, "Structs"): the caller sets struct_size to
// the size its header declares; any size from the struct's first published size up to
// ours is accepted; only the bytes that size covers are read or written, and input fields
// beyond it take their defaults.
#pragma once

#include <cstddef>
#include <cstring>
#include <type_traits>
#include <string>

#include "p2gan/p2gan.h"
#include "abi/buffers.h"
#include "runtime/errors.h"

namespace p2gan::abi {

template <typename Struct> struct FirstPublishedSize;
template <> struct FirstPublishedSize<p2gan_model_params> { static constexpr size_t value = P2GAN_MODEL_PARAMS_SIZE_V3_0; };
template <> struct FirstPublishedSize<p2gan_runtime_params> { static constexpr size_t value = P2GAN_RUNTIME_PARAMS_SIZE_V3_0; };
template <> struct FirstPublishedSize<p2gan_step_metrics> { static constexpr size_t value = P2GAN_STEP_METRICS_SIZE_V3_0; };
template <> struct FirstPublishedSize<p2gan_step_timings> { static constexpr size_t value = P2GAN_STEP_TIMINGS_SIZE_V3_0; };
template <> struct FirstPublishedSize<p2gan_losses> { static constexpr size_t value = P2GAN_LOSSES_SIZE_V3_0; };
template <> struct FirstPublishedSize<p2gan_runtime_info> { static constexpr size_t value = P2GAN_RUNTIME_INFO_SIZE_V3_0; };

// The layout contract of ABI 3: struct_size leads every struct, and each struct's first
// published size ends exactly after its last 3.0 field, so fields can only be appended.
#define P2GAN_ASSERT_V3_0_LAYOUT(Struct, last_field, size_v3_0)                                    \
    static_assert(std::is_standard_layout_v<Struct> && offsetof(Struct, struct_size) == 0,      \
                  #Struct ": struct_size must come first");                                      \
    static_assert(offsetof(Struct, last_field) + sizeof(Struct::last_field) <= (size_v3_0) &&    \
                      (size_v3_0) <= sizeof(Struct) && (size_v3_0) % alignof(Struct) == 0,        \
                  #Struct ": a field was inserted before the end (an ABI major change)");
P2GAN_ASSERT_V3_0_LAYOUT(p2gan_model_params, seed, P2GAN_MODEL_PARAMS_SIZE_V3_0)
P2GAN_ASSERT_V3_0_LAYOUT(p2gan_runtime_params, device, P2GAN_RUNTIME_PARAMS_SIZE_V3_0)
P2GAN_ASSERT_V3_0_LAYOUT(p2gan_step_metrics, fake_sigma_mean, P2GAN_STEP_METRICS_SIZE_V3_0)
P2GAN_ASSERT_V3_0_LAYOUT(p2gan_step_timings, total_ms, P2GAN_STEP_TIMINGS_SIZE_V3_0)
P2GAN_ASSERT_V3_0_LAYOUT(p2gan_losses, loss_g, P2GAN_LOSSES_SIZE_V3_0)
P2GAN_ASSERT_V3_0_LAYOUT(p2gan_runtime_info, blas, P2GAN_RUNTIME_INFO_SIZE_V3_0)
#undef P2GAN_ASSERT_V3_0_LAYOUT

// The caller's struct_size, checked: [first published size, sizeof(Struct)].
template <typename Struct>
size_t caller_size(const Struct* s, const char* name) {
    require_non_null(s, name);
    uint32_t size;
    std::memcpy(&size, s, sizeof size);
    constexpr size_t first = FirstPublishedSize<Struct>::value;
    if (size < first || size > sizeof(Struct)) {
        fail_invalid(std::string(name) + "->struct_size is " + std::to_string(size) + "; this library accepts " +
                     std::to_string(first) + ".." + std::to_string(sizeof(Struct)) +
                     " (set it to sizeof the struct as your p2gan.h declares it)");
    }
    return size;
}

// An input struct widened to ours: the caller's bytes over `defaults`.
template <typename Struct>
Struct read_input(const Struct* in, const Struct& defaults, const char* name) {
    const size_t size = caller_size(in, name);
    Struct out = defaults;
    std::memcpy(&out, in, size);
    out.struct_size = sizeof(Struct);
    return out;
}

// Writes `value` into the caller's struct, as much of it as the caller's size covers.
template <typename Struct>
void write_output(Struct* out, const Struct& value, const char* name) {
    const size_t size = caller_size(out, name);
    Struct copy = value;
    copy.struct_size = static_cast<uint32_t>(size);
    std::memcpy(out, &copy, size);
}

}  // namespace p2gan::abi
