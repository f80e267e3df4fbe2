// Writes a state dict in torch.save's LEGACY format (torch < 1.6, the format of
// pytorch-fid's 2019 weights file), with the opcodes and layout that code path emits:
//   pickle(magic number) pickle(1001) pickle(sys info) pickle(OrderedDict of tensors,
//   with its _metadata set by BUILD) pickle([storage keys]) then, per key, a u64 element
//   count and the raw little-endian elements. Pickle protocol 2, as torch.save used.
// Test-side only: lets tests produce such files without Python.
#pragma once

#include <cstdint>
#include <cstring>
#include <fstream>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <torch/torch.h>

namespace p2gan::testing {

class PickleWriter {
public:
    std::string bytes;

    void proto() { bytes += "\x80\x02"; }
    void stop() { bytes += '.'; }
    void mark() { bytes += '('; }
    void op(char c) { bytes += c; }
    void put() {
        if (memo_ < 256) {
            bytes += 'q';
            bytes += static_cast<char>(memo_);
        } else {
            bytes += 'r';
            le(memo_, 4);
        }
        ++memo_;
    }
    // Strings and globals are memoized the first time and fetched with BINGET/LONG_BINGET
    // afterwards, as Python's pickler does for repeated objects ('storage', 'cpu', the
    // rebuild function, the storage classes).
    void str(const std::string& s) {
        if (get("s:" + s)) return;
        bytes += 'X';
        le(s.size(), 4);
        bytes += s;
        remember("s:" + s);
    }
    void integer(int64_t v) {
        if (v >= 0 && v < 256) {
            bytes += 'K';
            le(static_cast<uint64_t>(v), 1);
        } else if (v >= 0 && v < 65536) {
            bytes += 'M';
            le(static_cast<uint64_t>(v), 2);
        } else if (v >= INT32_MIN && v <= INT32_MAX) {
            bytes += 'J';
            le(static_cast<uint32_t>(static_cast<int32_t>(v)), 4);
        } else {
            bytes += "\x8a\x08";
            le(static_cast<uint64_t>(v), 8);
        }
    }
    void global(const std::string& module, const std::string& name) {
        if (get("g:" + module + "." + name)) return;
        bytes += 'c' + module + '\n' + name + '\n';
        remember("g:" + module + "." + name);
    }
    void int_tuple(const std::vector<int64_t>& values) {
        if (values.empty()) {
            bytes += ')';
            return;
        }
        mark();
        for (auto v : values) integer(v);
        bytes += 't';
        put();
    }
    void le(uint64_t v, int n) {
        for (int i = 0; i < n; ++i) bytes += static_cast<char>((v >> (8 * i)) & 0xff);
    }

private:
    bool get(const std::string& id) {
        const auto it = memoized_.find(id);
        if (it == memoized_.end()) return false;
        if (it->second < 256) {
            bytes += 'h';
            le(it->second, 1);
        } else {
            bytes += 'j';
            le(it->second, 4);
        }
        return true;
    }
    void remember(const std::string& id) {
        memoized_[id] = memo_;
        put();
    }
    uint64_t memo_ = 0;
    std::map<std::string, uint64_t> memoized_;
};

inline const char* legacy_storage_name(torch::ScalarType type) {
    switch (type) {
        case torch::kFloat32: return "FloatStorage";
        case torch::kFloat64: return "DoubleStorage";
        case torch::kInt64: return "LongStorage";
        default: throw std::runtime_error("legacy writer: unsupported dtype");
    }
}

// A tensor's view as the pickle declares it, for crafted files (sizes, strides and storage
// offset that need not fit the storage).
struct DeclaredView {
    std::vector<int64_t> sizes;
    std::vector<int64_t> strides;
    int64_t offset = 0;
};

// The bytes of a legacy torch.save of OrderedDict(tensors). Each tensor gets its own storage
// keyed by its index; with share_storage_pairs, every odd-indexed tensor instead shares the
// previous tensor's storage (same dtype) at an offset, as views of one buffer would.
// Tensors named in `declared` get that view in the pickle instead of their own.
inline std::string legacy_pth_bytes(const std::vector<std::pair<std::string, torch::Tensor>>& tensors,
                                    bool share_storage_pairs = false,
                                    const std::map<std::string, DeclaredView>& declared = {}) {
    PickleWriter w;
    // 1. magic number 0x1950a86a20f9469cfc6c as LONG1
    w.proto();
    w.bytes += "\x8a\x0a";
    const unsigned char magic[] = {0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19};
    w.bytes.append(reinterpret_cast<const char*>(magic), sizeof magic);
    w.stop();
    // 2. protocol version
    PickleWriter p;
    p.proto();
    p.integer(1001);
    p.stop();
    // 3. sys info
    PickleWriter s;
    s.proto();
    s.op('}');
    s.put();
    s.mark();
    s.str("protocol_version");
    s.integer(1001);
    s.str("little_endian");
    s.op('\x88');
    s.str("type_sizes");
    s.op('}');
    s.put();
    s.mark();
    s.str("short");
    s.integer(2);
    s.str("int");
    s.integer(4);
    s.str("long");
    s.integer(4);
    s.op('u');
    s.op('u');
    s.stop();
    // 4. the object
    struct Storage {
        std::string key;
        torch::Tensor flat;
    };
    // First lay the tensors into storages, so each persistent id carries its final size.
    std::vector<Storage> storages;
    std::vector<std::pair<size_t, int64_t>> place;  // storage index, element offset
    for (size_t i = 0; i < tensors.size(); ++i) {
        const auto t = tensors[i].second.contiguous();
        if (share_storage_pairs && i % 2 == 1 && storages.back().flat.scalar_type() == t.scalar_type()) {
            auto& last = storages.back();
            place.emplace_back(storages.size() - 1, last.flat.numel());
            last.flat = torch::cat({last.flat, t.reshape({-1})});
        } else {
            place.emplace_back(storages.size(), 0);
            storages.push_back({std::to_string(storages.size()), t.reshape({-1}).clone()});
        }
    }
    PickleWriter o;
    o.proto();
    o.global("collections", "OrderedDict");
    o.op(')');
    o.op('R');
    o.put();
    o.mark();
    for (size_t i = 0; i < tensors.size(); ++i) {
        const auto t = tensors[i].second.contiguous();
        const auto& storage = storages[place[i].first];
        const int64_t offset = place[i].second;
        o.str(tensors[i].first);
        o.global("torch._utils", "_rebuild_tensor_v2");
        o.mark();
        {  // persistent id
            o.mark();
            o.str("storage");
            o.global("torch", legacy_storage_name(t.scalar_type()));
            o.str(storage.key);
            o.str("cpu");
            o.integer(storage.flat.numel());
            o.op('N');
            o.op('t');
            o.put();
            o.op('Q');
        }
        const auto view = declared.find(tensors[i].first);
        const bool crafted = view != declared.end();
        o.integer(crafted ? view->second.offset : offset);
        o.int_tuple(crafted ? view->second.sizes : t.sizes().vec());
        o.int_tuple(crafted ? view->second.strides : t.strides().vec());
        o.op('\x89');
        o.global("collections", "OrderedDict");
        o.op(')');
        o.op('R');
        o.put();
        o.op('t');
        o.put();
        o.op('R');
        o.put();
    }
    o.op('u');
    // _metadata, set through BUILD as pickle does for an OrderedDict's __dict__
    o.op('}');
    o.put();
    o.str("_metadata");
    o.global("collections", "OrderedDict");
    o.op(')');
    o.op('R');
    o.put();
    o.mark();
    o.str("");
    o.op('}');
    o.put();
    o.str("version");
    o.integer(1);
    o.op('s');
    o.op('u');
    o.op('s');
    o.op('b');
    o.stop();
    // 5. storage keys
    PickleWriter k;
    k.proto();
    k.op(']');
    k.put();
    k.mark();
    for (const auto& st : storages) k.str(st.key);
    k.op('e');
    k.stop();

    std::string out = w.bytes + p.bytes + s.bytes + o.bytes + k.bytes;
    for (const auto& st : storages) {
        PickleWriter r;
        r.le(static_cast<uint64_t>(st.flat.numel()), 8);
        out += r.bytes;
        out.append(static_cast<const char*>(st.flat.data_ptr()), st.flat.numel() * st.flat.element_size());
    }
    return out;
}

}  // namespace p2gan::testing
