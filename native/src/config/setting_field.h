// One row per settings field of p2gan.h (p2gan_model_params, p2gan_runtime_params): what
// the field's annotated comment in the header declares. The rows themselves are generated
// (settings_fields.g.inc, by bindings/generator/p2gan_bindgen.py); defaults, validation,
// the checkpoint text form and the architecture check are written once over them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <type_traits>

#include "p2gan/p2gan.h"

namespace p2gan::config {

enum class SettingType { int32, uint64, float32, text };
enum class ArchitectureRule { none, equal, nonzero };

struct Bound {
    double value;
    bool inclusive;
};

struct SettingField {
    const char* key;             // C field name; also the checkpoint text key
    const char* name;            // .NET / command-line name
    const char* doc;
    SettingType type;
    size_t offset;               // offsetof in the C struct
    size_t size;                 // sizeof the member
    const char* default_text;    // "32", "0.0002", "cpu"; enum defaults as their integer value
    Bound lower, upper;          // numbers only
    const double* values;        // allowed values, or nullptr
    const char* const* value_names;  // enum constant names parallel to values, or nullptr
    size_t value_count;
    ArchitectureRule architecture;
};

#include "config/settings_fields.g.inc"

}  // namespace p2gan::config
