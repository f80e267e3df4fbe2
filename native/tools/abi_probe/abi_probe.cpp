// Prints, as JSON, how this compiler lays out every struct of p2gan.h (size, alignment,
// each field's offset and size) and the value of every enum constant, so that the .NET
// contract test can compare them with the generated bindings (Marshal.SizeOf/OffsetOf).
// Uses the header only: no library call.
#include <cstddef>
#include <cstdio>

#include "p2gan/p2gan.h"

namespace {

bool first_struct = true, first_field = true, first_enum = true;

void begin_struct(const char* name, size_t size, size_t align) {
    if (!first_struct) std::printf("\n      ]},");
    std::printf("\n    {\"name\": \"%s\", \"size\": %zu, \"align\": %zu, \"fields\": [", name, size, align);
    first_struct = false;
    first_field = true;
}

void field(const char* name, size_t offset, size_t size) {
    std::printf("%s\n        {\"name\": \"%s\", \"offset\": %zu, \"size\": %zu}", first_field ? "" : ",", name, offset, size);
    first_field = false;
}

void enum_value(const char* family, const char* name, long long value) {
    std::printf("%s\n    {\"enum\": \"%s\", \"name\": \"%s\", \"value\": %lld}", first_enum ? "" : ",", family, name, value);
    first_enum = false;
}

}  // namespace

int main() {
    std::printf("{\n  \"abi\": {\"major\": %d, \"minor\": %d},\n  \"structs\": [", P2GAN_ABI_VERSION_MAJOR,
                P2GAN_ABI_VERSION_MINOR);
#define P2GAN_PROBE_STRUCT(s) begin_struct(#s, sizeof(s), alignof(s));
#define P2GAN_PROBE_FIELD(s, f) field(#f, offsetof(s, f), sizeof(((s*)nullptr)->f));
#define P2GAN_PROBE_ENUM(family, constant)
#include "abi_layout.g.inc"
#undef P2GAN_PROBE_STRUCT
#undef P2GAN_PROBE_FIELD
#undef P2GAN_PROBE_ENUM
    std::printf("\n      ]}\n  ],\n  \"enums\": [");
#define P2GAN_PROBE_STRUCT(s)
#define P2GAN_PROBE_FIELD(s, f)
#define P2GAN_PROBE_ENUM(family, constant) enum_value(#family, #constant, static_cast<long long>(constant));
#include "abi_layout.g.inc"
    std::printf("\n  ]\n}\n");
    return 0;
}
