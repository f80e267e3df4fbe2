#include "config/settings.h"

#include <cmath>
#include <cstring>
#include <map>
#include <sstream>

#include "config/setting_field.h"
#include "runtime/device.h"
#include "runtime/errors.h"

namespace p2gan {
namespace {

using config::SettingField;
using config::SettingType;

template <size_t N>
constexpr size_t count_of(const SettingField (&)[N]) { return N; }

struct FieldTable {
    const SettingField* fields;
    size_t count;
    const SettingField* begin() const { return fields; }
    const SettingField* end() const { return fields + count; }
};

constexpr FieldTable kModelFields{config::kModelParamsFields, count_of(config::kModelParamsFields)};
constexpr FieldTable kRuntimeFields{config::kRuntimeParamsFields, count_of(config::kRuntimeParamsFields)};

char* at(void* object, const SettingField& f) { return static_cast<char*>(object) + f.offset; }
const char* at(const void* object, const SettingField& f) { return static_cast<const char*>(object) + f.offset; }

double number_of(const void* object, const SettingField& f) {
    switch (f.type) {
        case SettingType::int32: { int32_t v; std::memcpy(&v, at(object, f), sizeof v); return v; }
        case SettingType::uint64: { uint64_t v; std::memcpy(&v, at(object, f), sizeof v); return static_cast<double>(v); }
        case SettingType::float32: { float v; std::memcpy(&v, at(object, f), sizeof v); return v; }
        case SettingType::text: break;
    }
    return 0.0;
}

std::string text_of(const void* object, const SettingField& f) {
    std::ostringstream out;
    switch (f.type) {
        case SettingType::int32: { int32_t v; std::memcpy(&v, at(object, f), sizeof v); out << v; break; }
        case SettingType::uint64: { uint64_t v; std::memcpy(&v, at(object, f), sizeof v); out << v; break; }
        case SettingType::float32: {
            float v;
            std::memcpy(&v, at(object, f), sizeof v);
            out.precision(9);  // round-trips every float
            out << v;
            break;
        }
        case SettingType::text: {
            const char* p = at(object, f);
            out << std::string(p, strnlen(p, f.size));
            break;
        }
    }
    return out.str();
}

// Parses value into the field; false when it is not a value of the field's type.
bool assign(void* object, const SettingField& f, const std::string& value) {
    std::istringstream in(value);
    switch (f.type) {
        case SettingType::int32: {
            long long v;
            if (!(in >> v) || !in.eof() || v < INT32_MIN || v > INT32_MAX) return false;
            const auto x = static_cast<int32_t>(v);
            std::memcpy(at(object, f), &x, sizeof x);
            return true;
        }
        case SettingType::uint64: {
            unsigned long long v;
            if (value.empty() || value[0] == '-' || !(in >> v) || !in.eof()) return false;
            const auto x = static_cast<uint64_t>(v);
            std::memcpy(at(object, f), &x, sizeof x);
            return true;
        }
        case SettingType::float32: {
            double v;
            if (!(in >> v) || !in.eof()) return false;
            const auto x = static_cast<float>(v);
            std::memcpy(at(object, f), &x, sizeof x);
            return true;
        }
        case SettingType::text: {
            if (value.size() >= f.size) return false;
            std::memset(at(object, f), 0, f.size);
            std::memcpy(at(object, f), value.data(), value.size());
            return true;
        }
    }
    return false;
}

void fill_defaults(void* object, const FieldTable& table) {
    for (const auto& f : table) {
        if (!assign(object, f, f.default_text)) {
            fail(P2GAN_STATUS_INTERNAL_ERROR, std::string("the default of ") + f.key + " does not parse: " + f.default_text);
        }
    }
}

std::string interval(const SettingField& f) {
    std::ostringstream out;
    out << (f.lower.inclusive ? '[' : '(') << f.lower.value << ", " << f.upper.value << (f.upper.inclusive ? ']' : ')');
    return out.str();
}

void check_field(const void* object, const SettingField& f) {
    if (f.type == SettingType::text) {
        if (std::memchr(at(object, f), '\0', f.size) == nullptr) {
            fail_invalid(std::string(f.key) + " is not NUL-terminated within " + std::to_string(f.size) + " bytes");
        }
        return;
    }
    if (f.type == SettingType::uint64) return;  // every value is valid
    const double v = number_of(object, f);
    if (f.values != nullptr) {
        for (size_t i = 0; i < f.value_count; ++i) {
            if (v == f.values[i]) return;
        }
        std::string allowed;
        for (size_t i = 0; i < f.value_count; ++i) {
            if (i > 0) allowed += ", ";
            std::ostringstream number;
            number << f.values[i];
            allowed += number.str();
            if (f.value_names != nullptr) allowed += std::string(" (") + f.value_names[i] + ")";
        }
        fail_invalid(std::string(f.key) + " must be one of " + allowed + ", got " + text_of(object, f));
    }
    const bool above = f.lower.inclusive ? v >= f.lower.value : v > f.lower.value;
    const bool below = f.upper.inclusive ? v <= f.upper.value : v < f.upper.value;
    if (!(above && below)) {  // also refuses NaN
        fail_invalid(std::string(f.key) + " must be in " + interval(f) + ", got " + text_of(object, f));
    }
}

void check_struct_size(uint32_t size, size_t minimum, size_t maximum, const char* name) {
    if (size != maximum) {
        // Settings structs are read as a whole: a caller's older, smaller struct is widened
        // with defaults by the ABI layer before it reaches here (abi/structs.h).
        fail_invalid(std::string(name) + ".struct_size is " + std::to_string(size) + ", expected " +
                     std::to_string(maximum) + " here (accepted at the ABI: " + std::to_string(minimum) + ".." +
                     std::to_string(maximum) + ")");
    }
}

const SettingField* find(const FieldTable& table, const std::string& key) {
    for (const auto& f : table) {
        if (key == f.key) return &f;
    }
    return nullptr;
}

}  // namespace

p2gan_model_params default_model_params() {
    p2gan_model_params p{};
    p.struct_size = sizeof p;
    fill_defaults(&p, kModelFields);
    return p;
}

p2gan_runtime_params default_runtime_params() {
    p2gan_runtime_params r{};
    r.struct_size = sizeof r;
    fill_defaults(&r, kRuntimeFields);
    return r;
}

void validate_model_params(const p2gan_model_params& p) {
    check_struct_size(p.struct_size, P2GAN_MODEL_PARAMS_SIZE_V3_0, sizeof p, "params");
    for (const auto& f : kModelFields) check_field(&p, f);
}

void validate_runtime_params(const p2gan_runtime_params& r) {
    check_struct_size(r.struct_size, P2GAN_RUNTIME_PARAMS_SIZE_V3_0, sizeof r, "runtime");
    for (const auto& f : kRuntimeFields) check_field(&r, f);
    const auto device = parse_device(std::string(r.device));
    if (r.precision != P2GAN_PRECISION_FLOAT32 && !device.is_cuda()) {
        fail_invalid("precision P2GAN_PRECISION_BFLOAT16_AUTOCAST (bf16 autocast) runs on CUDA devices only; device is " +
                     device.str());
    }
}

std::string model_params_to_text(const p2gan_model_params& p) {
    std::string text;
    for (const auto& f : kModelFields) text += std::string(f.key) + "=" + text_of(&p, f) + "\n";
    return text;
}

p2gan_model_params model_params_from_text(const std::string& text, const std::string& source,
                                          bool accept_legacy_runtime_keys) {
    p2gan_model_params p = default_model_params();
    std::istringstream in(text);
    std::string line;
    std::vector<std::string> unknown;
    while (std::getline(in, line)) {
        const auto eq = line.find('=');
        if (eq == std::string::npos) continue;
        const auto key = line.substr(0, eq);
        const auto value = line.substr(eq + 1);
        if (const auto* f = find(kModelFields, key)) {
            if (!assign(&p, *f, value)) {
                fail(P2GAN_STATUS_CHECKPOINT_MISMATCH, source + ": the value \"" + value + "\" of " + key + " does not parse");
            }
        } else if (!(accept_legacy_runtime_keys && find(kRuntimeFields, key) != nullptr)) {
            unknown.push_back(key);
        }
    }
    if (!unknown.empty()) {
        std::string names;
        for (const auto& k : unknown) names += (names.empty() ? "" : ", ") + k;
        fail(P2GAN_STATUS_CHECKPOINT_MISMATCH,
             source + " has settings this library does not know (" + names + "); it was written by a newer P2Gan");
    }
    return p;
}

std::vector<std::string> architecture_mismatches(const p2gan_model_params& checkpoint,
                                                 const p2gan_model_params& model) {
    std::vector<std::string> out;
    for (const auto& f : kModelFields) {
        if (f.architecture == config::ArchitectureRule::none) continue;
        const double a = number_of(&checkpoint, f), b = number_of(&model, f);
        if (f.architecture == config::ArchitectureRule::nonzero) {
            if ((a != 0) != (b != 0)) {
                out.push_back(std::string(f.key) + " on/off (checkpoint " + text_of(&checkpoint, f) + ", model " +
                              text_of(&model, f) + ")");
            }
        } else if (a != b) {
            out.push_back(std::string(f.key) + " (checkpoint " + text_of(&checkpoint, f) + ", model " +
                          text_of(&model, f) + ")");
        }
    }
    return out;
}

NetworkConfig network_config(const p2gan_model_params& p, const p2gan_runtime_params& r) {
    NetworkConfig c;
    c.resolution = p.resolution;
    c.channels = p.channels;
    c.base_channels = p.base_channels;
    c.noise_dim = p.noise_dim;
    c.posterior_dim = p.posterior_dim;
    c.adain_mode = p.adain_mode == P2GAN_ADAIN_AFFINE ? AdainMode::affine : AdainMode::statistics;
    c.channels_last = r.memory_format == P2GAN_MEMORY_FORMAT_CHANNELS_LAST;
    c.fast_kernels = r.kernels == P2GAN_KERNELS_FAST;
    c.scalar_head = p.method != P2GAN_METHOD_P2GAN;
    return c;
}

}  // namespace p2gan
