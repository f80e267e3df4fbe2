#include "io/safetensors.h"

#include <cerrno>
#include <cstring>
#include <fstream>

#include <nlohmann/json.hpp>

#include "io/atomic_file.h"
#include "io/tensor_bounds.h"
#include "runtime/errors.h"

namespace p2gan {
namespace {

struct DType {
    const char* name;
    torch::ScalarType type;
};

constexpr DType kDTypes[] = {
    {"F32", torch::kFloat32}, {"F64", torch::kFloat64}, {"I64", torch::kInt64}, {"I32", torch::kInt32}};

const char* dtype_name(torch::ScalarType type) {
    for (const auto& d : kDTypes) {
        if (d.type == type) return d.name;
    }
    fail_invalid(std::string("safetensors export does not support dtype ") + c10::toString(type));
}

torch::ScalarType dtype_from_name(const std::string& name, const std::string& path) {
    for (const auto& d : kDTypes) {
        if (name == d.name) return d.type;
    }
    fail(P2GAN_STATUS_IO_ERROR, path + ": unsupported safetensors dtype \"" + name + "\"");
}

[[noreturn]] void malformed(const std::string& path, const std::string& why) {
    fail(P2GAN_STATUS_IO_ERROR, path + " is not a valid safetensors file: " + why);
}

}  // namespace

void write_safetensors(const std::string& path, const NamedTensors& tensors,
                       const std::map<std::string, std::string>& metadata) {
    nlohmann::ordered_json header;
    header["__metadata__"] = metadata;
    std::string data;
    for (const auto& [name, tensor] : tensors) {
        // Little-endian hosts only (x86_64, aarch64): the bytes are written as they lie.
        const auto cpu = tensor.detach().to(torch::kCPU).contiguous();
        const auto begin = data.size();
        data.append(static_cast<const char*>(cpu.data_ptr()), cpu.numel() * cpu.element_size());
        header[name] = {{"dtype", dtype_name(cpu.scalar_type())},
                        {"shape", cpu.sizes().vec()},
                        {"data_offsets", {begin, data.size()}}};
    }
    std::string text = header.dump();
    // The format recommends the data start on an 8-byte boundary; pad with spaces.
    while (text.size() % 8 != 0) text.push_back(' ');
    std::string bytes;
    const uint64_t size = text.size();
    for (int i = 0; i < 8; ++i) bytes.push_back(static_cast<char>((size >> (8 * i)) & 0xff));
    bytes += text;
    bytes += data;
    write_file_atomically(path, bytes);
}

NamedTensors read_safetensors(const std::string& path, std::map<std::string, std::string>* metadata) {
    std::ifstream in(path, std::ios::binary);
    if (!in) fail(P2GAN_STATUS_IO_ERROR, "cannot open " + path + ": " + std::strerror(errno));
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (bytes.size() < 8) malformed(path, "shorter than its 8-byte header size");
    uint64_t header_size = 0;
    for (int i = 0; i < 8; ++i) header_size |= static_cast<uint64_t>(static_cast<unsigned char>(bytes[i])) << (8 * i);
    if (header_size > bytes.size() - 8) malformed(path, "header size exceeds the file");
    nlohmann::json header;
    try {
        header = nlohmann::json::parse(bytes.substr(8, header_size));
    } catch (const nlohmann::json::exception& e) {
        malformed(path, std::string("header is not JSON: ") + e.what());
    }
    const size_t data_start = 8 + header_size;
    const size_t data_size = bytes.size() - data_start;
    NamedTensors out;
    for (const auto& [name, entry] : header.items()) {
        try {
            if (name == "__metadata__") {
                // Checked even when unused: the format allows only strings there.
                auto values = entry.get<std::map<std::string, std::string>>();
                if (metadata) *metadata = std::move(values);
                continue;
            }
            const auto type = dtype_from_name(entry.at("dtype").get<std::string>(), path);
            const auto shape = entry.at("shape").get<std::vector<int64_t>>();
            const auto offsets = entry.at("data_offsets").get<std::vector<uint64_t>>();
            if (offsets.size() != 2 || offsets[0] > offsets[1] || offsets[1] > data_size) {
                malformed(path, "tensor " + name + " has data_offsets outside the data");
            }
            // Checked before anything is allocated: the shape must fit the bytes the entry holds.
            const auto numel = checked_numel(shape);
            if (!numel) malformed(path, "tensor " + name + " has a negative or overflowing shape " + shape_text(shape));
            const auto element = static_cast<uint64_t>(c10::elementSize(type));
            const auto held = offsets[1] - offsets[0];
            if (static_cast<uint64_t>(*numel) > held / element) {
                malformed(path, "tensor " + name + " holds " + std::to_string(held) + " bytes, its shape " +
                                    shape_text(shape) + " needs more");
            }
            const auto expected = static_cast<uint64_t>(*numel) * element;
            auto tensor = torch::empty(shape, torch::TensorOptions().dtype(type));
            if (held != expected) {
                malformed(path, "tensor " + name + " holds " + std::to_string(offsets[1] - offsets[0]) +
                                    " bytes, its shape needs " + std::to_string(expected));
            }
            std::memcpy(tensor.data_ptr(), bytes.data() + data_start + offsets[0], expected);
            out.emplace_back(name, tensor);
        } catch (const nlohmann::json::exception& e) {
            malformed(path, "entry " + name + ": " + e.what());
        }
    }
    return out;
}

}  // namespace p2gan
