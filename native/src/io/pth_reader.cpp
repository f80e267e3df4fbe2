#include "io/pth_reader.h"

#include <cerrno>
#include <cstring>
#include <cstdio>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <sstream>
#include <utility>
#include <vector>

#include <caffe2/serialize/inline_container.h>

#include "io/tensor_bounds.h"
#include "runtime/errors.h"

namespace p2gan {
namespace {

[[noreturn]] void refuse(const std::string& source, const std::string& why) {
    fail(P2GAN_STATUS_IO_ERROR, source + " is not a readable PyTorch state dict (.pth): " + why);
}

// ---- values of the pickle machine ------------------------------------------------------

struct Value;
using ValuePtr = std::shared_ptr<Value>;

struct Value {
    enum class Kind { None, Bool, Int, BigInt, Float, String, Bytes, Tuple, List, Dict, Global, Storage, Tensor };
    Kind kind = Kind::None;
    int64_t integer = 0;
    double real = 0.0;
    std::string text;  // String, Bytes, BigInt (little-endian bytes), Global module
    std::string name;  // Global name
    std::vector<ValuePtr> items;                            // Tuple, List
    std::vector<std::pair<ValuePtr, ValuePtr>> entries;     // Dict (insertion order)
    torch::Tensor tensor;                                   // Storage (1-d, flat), Tensor

    int64_t depth = 0;  // containers nested inside this one (Tuple, List, Dict), as built

    static ValuePtr make(Kind k) {
        auto v = std::make_shared<Value>();
        v->kind = k;
        return v;
    }

    Value() = default;
    Value(const Value&) = delete;
    Value& operator=(const Value&) = delete;
    // Iterative: the default destructor would recurse once per nesting level, and a crafted
    // pickle can nest lists far deeper than the stack (even past the depth bound, through
    // the memo), so children that die with this value are taken apart with an explicit list.
    ~Value() {
        if (items.empty() && entries.empty()) return;
        std::vector<ValuePtr> dying;
        take_children(dying);
        while (!dying.empty()) {
            ValuePtr v = std::move(dying.back());
            dying.pop_back();
            if (v && v.use_count() == 1) v->take_children(dying);  // v now dies without children
        }
    }

private:
    void take_children(std::vector<ValuePtr>& out) {
        for (auto& item : items) out.push_back(std::move(item));
        for (auto& [key, value] : entries) {
            out.push_back(std::move(key));
            out.push_back(std::move(value));
        }
        items.clear();
        entries.clear();
    }
};

// Deeper nesting than any state dict needs (they nest a handful of levels) is refused.
constexpr int64_t kMaxNestingDepth = 1000;

const char* kind_name(Value::Kind k) {
    switch (k) {
        case Value::Kind::None: return "None";
        case Value::Kind::Bool: return "bool";
        case Value::Kind::Int: return "int";
        case Value::Kind::BigInt: return "long int";
        case Value::Kind::Float: return "float";
        case Value::Kind::String: return "str";
        case Value::Kind::Bytes: return "bytes";
        case Value::Kind::Tuple: return "tuple";
        case Value::Kind::List: return "list";
        case Value::Kind::Dict: return "dict";
        case Value::Kind::Global: return "global";
        case Value::Kind::Storage: return "storage";
        case Value::Kind::Tensor: return "tensor";
    }
    return "?";
}

// The storage classes torch.save names, and the element type each holds.
bool storage_dtype(const std::string& module, const std::string& name, torch::ScalarType* out) {
    if (module != "torch") return false;
    static const std::map<std::string, torch::ScalarType> kTypes = {
        {"FloatStorage", torch::kFloat32}, {"DoubleStorage", torch::kFloat64}, {"HalfStorage", torch::kFloat16},
        {"BFloat16Storage", torch::kBFloat16}, {"LongStorage", torch::kInt64}, {"IntStorage", torch::kInt32},
        {"ShortStorage", torch::kInt16}, {"CharStorage", torch::kInt8}, {"ByteStorage", torch::kUInt8},
        {"BoolStorage", torch::kBool}};
    const auto it = kTypes.find(name);
    if (it == kTypes.end()) return false;
    *out = it->second;
    return true;
}

// Supplies a storage's bytes for a persistent id (key, dtype, element count).
using StorageSource = std::function<torch::Tensor(const std::string& key, torch::ScalarType dtype, int64_t numel)>;

// ---- the pickle machine ------------------------------------------------------------------

class Unpickler {
public:
    Unpickler(const std::string& bytes, size_t offset, const std::string& source, StorageSource storages)
        : bytes_(bytes), pos_(offset), source_(source), storages_(std::move(storages)) {}

    // Runs until STOP; returns the object and leaves position() just after it.
    ValuePtr run();
    size_t position() const { return pos_; }

private:
    [[noreturn]] void bad(const std::string& why) const {
        refuse(source_, why + " (pickle byte offset " + std::to_string(pos_) + ")");
    }
    const char* take(size_t n) {
        if (n > bytes_.size() - pos_) bad("the file ends inside a pickle (truncated?)");
        const char* p = bytes_.data() + pos_;
        pos_ += n;
        return p;
    }
    uint64_t unsigned_le(size_t n) {
        const auto* p = reinterpret_cast<const unsigned char*>(take(n));
        uint64_t v = 0;
        for (size_t i = 0; i < n; ++i) v |= static_cast<uint64_t>(p[i]) << (8 * i);
        return v;
    }
    std::string line() {
        const auto end = bytes_.find('\n', pos_);
        if (end == std::string::npos) bad("the file ends inside a GLOBAL name (truncated?)");
        std::string s = bytes_.substr(pos_, end - pos_);
        pos_ = end + 1;
        return s;
    }
    ValuePtr pop() {
        if (stack_.size() <= floor()) bad("pickle stack underflow");
        auto v = stack_.back();
        stack_.pop_back();
        return v;
    }
    ValuePtr& top() {
        if (stack_.size() <= floor()) bad("pickle stack underflow");
        return stack_.back();
    }
    size_t floor() const { return marks_.empty() ? 0 : marks_.back(); }
    std::vector<ValuePtr> pop_to_mark() {
        if (marks_.empty()) bad("pickle uses a MARK that was never set");
        const size_t mark = marks_.back();
        marks_.pop_back();
        std::vector<ValuePtr> items(stack_.begin() + static_cast<std::ptrdiff_t>(mark), stack_.end());
        stack_.resize(mark);
        return items;
    }
    void push_string(Value::Kind kind, size_t n) {
        auto v = Value::make(kind);
        v->text.assign(take(n), n);
        stack_.push_back(v);
    }
    void push_int(int64_t i) {
        auto v = Value::make(Value::Kind::Int);
        v->integer = i;
        stack_.push_back(v);
    }
    void memo_put(uint64_t index) { memo_[index] = top(); }
    void memo_get(uint64_t index) {
        const auto it = memo_.find(index);
        if (it == memo_.end()) bad("pickle refers to memo entry " + std::to_string(index) + " that does not exist");
        stack_.push_back(it->second);
    }
    // Records that `child` now sits inside `container`; refuses nesting past the bound.
    void nest(const ValuePtr& container, const ValuePtr& child) {
        if (child->depth + 1 > container->depth) {
            container->depth = child->depth + 1;
            if (container->depth > kMaxNestingDepth) {
                bad("containers nested " + std::to_string(container->depth) + " levels deep (more than " +
                    std::to_string(kMaxNestingDepth) + " are refused)");
            }
        }
    }
    void set_items(const ValuePtr& dict, const std::vector<ValuePtr>& kv) {
        if (dict->kind != Value::Kind::Dict) bad(std::string("SETITEMS on a ") + kind_name(dict->kind));
        if (kv.size() % 2 != 0) bad("SETITEMS with an odd number of items");
        for (size_t i = 0; i < kv.size(); i += 2) {
            nest(dict, kv[i]);
            nest(dict, kv[i + 1]);
            dict->entries.emplace_back(kv[i], kv[i + 1]);
        }
    }
    ValuePtr persistent_load(const ValuePtr& pid);
    ValuePtr reduce(const ValuePtr& callable, const ValuePtr& args);
    ValuePtr rebuild_tensor(const std::vector<ValuePtr>& args);
    std::vector<int64_t> int_tuple(const ValuePtr& v, const char* what);

    const std::string& bytes_;
    size_t pos_;
    const std::string source_;
    StorageSource storages_;
    std::vector<ValuePtr> stack_;
    std::vector<size_t> marks_;
    std::map<uint64_t, ValuePtr> memo_;
    std::map<std::string, ValuePtr> loaded_storages_;
};

ValuePtr Unpickler::run() {
    for (;;) {
        const auto op = static_cast<unsigned char>(*take(1));
        switch (op) {
            case 0x80: take(1); break;                                    // PROTO
            case 0x95: take(8); break;                                    // FRAME
            case '.': {                                                   // STOP
                auto result = pop();
                if (!stack_.empty() || !marks_.empty()) bad("pickle stops with items left on its stack");
                return result;
            }
            case '(': marks_.push_back(stack_.size()); break;             // MARK
            case 'N': stack_.push_back(Value::make(Value::Kind::None)); break;
            case 0x88:                                                    // NEWTRUE
            case 0x89: {                                                  // NEWFALSE
                auto v = Value::make(Value::Kind::Bool);
                v->integer = op == 0x88 ? 1 : 0;
                stack_.push_back(v);
                break;
            }
            case 'J': push_int(static_cast<int32_t>(unsigned_le(4))); break;  // BININT
            case 'K': push_int(static_cast<int64_t>(unsigned_le(1))); break;  // BININT1
            case 'M': push_int(static_cast<int64_t>(unsigned_le(2))); break;  // BININT2
            case 0x8a: {                                                  // LONG1
                const auto n = static_cast<size_t>(unsigned_le(1));
                const auto* p = reinterpret_cast<const unsigned char*>(take(n));
                if (n <= 8) {
                    uint64_t u = 0;
                    for (size_t i = 0; i < n; ++i) u |= static_cast<uint64_t>(p[i]) << (8 * i);
                    if (n > 0 && n < 8 && (p[n - 1] & 0x80)) u |= ~uint64_t(0) << (8 * n);  // sign-extend
                    push_int(static_cast<int64_t>(u));
                } else {
                    auto v = Value::make(Value::Kind::BigInt);
                    v->text.assign(reinterpret_cast<const char*>(p), n);
                    stack_.push_back(v);
                }
                break;
            }
            case 'G': {                                                   // BINFLOAT (big-endian)
                const auto* p = reinterpret_cast<const unsigned char*>(take(8));
                uint64_t u = 0;
                for (int i = 0; i < 8; ++i) u = (u << 8) | p[i];
                auto v = Value::make(Value::Kind::Float);
                std::memcpy(&v->real, &u, 8);
                stack_.push_back(v);
                break;
            }
            case 'X': push_string(Value::Kind::String, unsigned_le(4)); break;   // BINUNICODE
            case 0x8c: push_string(Value::Kind::String, unsigned_le(1)); break;  // SHORT_BINUNICODE
            case 'T': push_string(Value::Kind::String, unsigned_le(4)); break;   // BINSTRING
            case 'U': push_string(Value::Kind::String, unsigned_le(1)); break;   // SHORT_BINSTRING
            case 'B': push_string(Value::Kind::Bytes, unsigned_le(4)); break;    // BINBYTES
            case 'C': push_string(Value::Kind::Bytes, unsigned_le(1)); break;    // SHORT_BINBYTES
            case 'q': memo_put(unsigned_le(1)); break;                    // BINPUT
            case 'r': memo_put(unsigned_le(4)); break;                    // LONG_BINPUT
            case 0x94: memo_put(memo_.size()); break;                     // MEMOIZE
            case 'h': memo_get(unsigned_le(1)); break;                    // BINGET
            case 'j': memo_get(unsigned_le(4)); break;                    // LONG_BINGET
            case '}': stack_.push_back(Value::make(Value::Kind::Dict)); break;   // EMPTY_DICT
            case ']': stack_.push_back(Value::make(Value::Kind::List)); break;   // EMPTY_LIST
            case ')': stack_.push_back(Value::make(Value::Kind::Tuple)); break;  // EMPTY_TUPLE
            case 't': {                                                   // TUPLE
                auto v = Value::make(Value::Kind::Tuple);
                v->items = pop_to_mark();
                for (const auto& item : v->items) nest(v, item);
                stack_.push_back(v);
                break;
            }
            case 0x85:
            case 0x86:
            case 0x87: {                                                  // TUPLE1..3
                auto v = Value::make(Value::Kind::Tuple);
                v->items.resize(op - 0x84);
                for (size_t i = v->items.size(); i-- > 0;) v->items[i] = pop();
                for (const auto& item : v->items) nest(v, item);
                stack_.push_back(v);
                break;
            }
            case 'a': {                                                   // APPEND
                auto item = pop();
                if (top()->kind != Value::Kind::List) bad("APPEND to something that is not a list");
                nest(top(), item);
                top()->items.push_back(item);
                break;
            }
            case 'e': {                                                   // APPENDS
                auto items = pop_to_mark();
                if (top()->kind != Value::Kind::List) bad("APPENDS to something that is not a list");
                for (auto& item : items) {
                    nest(top(), item);
                    top()->items.push_back(item);
                }
                break;
            }
            case 's': {                                                   // SETITEM
                auto value = pop();
                auto key = pop();
                set_items(top(), {key, value});
                break;
            }
            case 'u': {                                                   // SETITEMS
                auto kv = pop_to_mark();
                set_items(top(), kv);
                break;
            }
            case 'c': {                                                   // GLOBAL
                auto v = Value::make(Value::Kind::Global);
                v->text = line();
                v->name = line();
                stack_.push_back(v);
                break;
            }
            case 0x93: {                                                  // STACK_GLOBAL
                auto name = pop();
                auto module = pop();
                if (module->kind != Value::Kind::String || name->kind != Value::Kind::String) {
                    bad("STACK_GLOBAL without two strings");
                }
                auto v = Value::make(Value::Kind::Global);
                v->text = module->text;
                v->name = name->text;
                stack_.push_back(v);
                break;
            }
            case 'Q': {                                                   // BINPERSID
                auto pid = pop();
                stack_.push_back(persistent_load(pid));
                break;
            }
            case 'R': {                                                   // REDUCE
                auto args = pop();
                auto callable = pop();
                stack_.push_back(reduce(callable, args));
                break;
            }
            case 0x81: {                                                  // NEWOBJ
                auto args = pop();
                auto cls = pop();
                stack_.push_back(reduce(cls, args));
                break;
            }
            case 'b': {                                                   // BUILD
                // The state of an OrderedDict (its _metadata attribute: module versions) or
                // of a tensor (Python-side attributes): nothing the weights depend on.
                pop();
                top();
                break;
            }
            default: {
                char hex[8];
                std::snprintf(hex, sizeof hex, "0x%02x", op);
                --pos_;
                bad(std::string("unsupported pickle opcode ") + hex);
            }
        }
    }
}

std::vector<int64_t> Unpickler::int_tuple(const ValuePtr& v, const char* what) {
    if (v->kind != Value::Kind::Tuple && v->kind != Value::Kind::List) bad(std::string(what) + " is not a tuple");
    std::vector<int64_t> out;
    for (const auto& item : v->items) {
        if (item->kind != Value::Kind::Int) bad(std::string(what) + " holds a non-integer");
        out.push_back(item->integer);
    }
    return out;
}

ValuePtr Unpickler::persistent_load(const ValuePtr& pid) {
    // ('storage', torch.<Type>Storage, key, location, numel[, view_metadata])
    if (pid->kind != Value::Kind::Tuple || pid->items.size() < 5 || pid->items[0]->kind != Value::Kind::String ||
        pid->items[0]->text != "storage") {
        bad("a persistent id that is not a ('storage', ...) tuple");
    }
    const auto& type = pid->items[1];
    const auto& key = pid->items[2];
    const auto& numel = pid->items[4];
    torch::ScalarType dtype;
    if (type->kind != Value::Kind::Global || !storage_dtype(type->text, type->name, &dtype)) {
        bad("a storage of an unsupported type" +
            (type->kind == Value::Kind::Global ? " " + type->text + "." + type->name : std::string()));
    }
    if (key->kind != Value::Kind::String || numel->kind != Value::Kind::Int || numel->integer < 0) {
        bad("a storage id without a string key and an element count");
    }
    if (pid->items.size() > 5 && pid->items[5]->kind != Value::Kind::None) {
        bad("a storage view (legacy view_metadata), which this reader does not support");
    }
    auto& slot = loaded_storages_[key->text];
    if (!slot) {
        slot = Value::make(Value::Kind::Storage);
        slot->tensor = storages_(key->text, dtype, numel->integer);
    } else if (slot->tensor.scalar_type() != dtype) {
        bad("storage " + key->text + " is used with two element types");
    }
    return slot;
}

ValuePtr Unpickler::rebuild_tensor(const std::vector<ValuePtr>& args) {
    // (storage, storage_offset, size, stride, ...requires_grad, backward_hooks, metadata)
    if (args.size() < 4 || args[0]->kind != Value::Kind::Storage || args[1]->kind != Value::Kind::Int) {
        bad("a tensor whose rebuild arguments are not (storage, offset, size, stride, ...)");
    }
    const auto& storage = args[0]->tensor;
    const int64_t offset = args[1]->integer;
    const auto size = int_tuple(args[2], "a tensor's size");
    const auto stride = int_tuple(args[3], "a tensor's stride");
    if (size.size() != stride.size()) bad("a tensor whose size and stride differ in length");
    if (offset < 0) bad("a tensor with a negative storage offset (" + std::to_string(offset) + ")");
    const auto numel = checked_numel(size);
    if (!numel) bad("a tensor with a negative or overflowing size " + shape_text(size));
    const bool empty = *numel == 0;
    // The last element's index, computed without overflow: a crafted stride must not wrap
    // around into the storage.
    int64_t last = offset;
    for (size_t i = 0; i < size.size() && !empty; ++i) {
        int64_t reach = 0;
        if (stride[i] < 0) bad("a tensor with a negative stride " + shape_text(stride));
        if (__builtin_mul_overflow(size[i] - 1, stride[i], &reach) || __builtin_add_overflow(last, reach, &last)) {
            bad("a tensor whose size " + shape_text(size) + " and stride " + shape_text(stride) + " overflow");
        }
    }
    if (!empty && last >= storage.numel()) {
        bad("a tensor of size " + shape_text(size) + " that reaches past the end of its storage (" +
            std::to_string(storage.numel()) + " elements)");
    }
    // A zero or overlapping stride lets a small storage claim a huge tensor, which every later
    // copy would then allocate; state dicts hold no such views.
    if (*numel > storage.numel()) {
        bad("a tensor of " + std::to_string(*numel) + " elements over a storage of " + std::to_string(storage.numel()) +
            " (a zero or overlapping stride " + shape_text(stride) + ")");
    }
    auto v = Value::make(Value::Kind::Tensor);
    v->tensor = empty ? torch::empty(size, storage.options()) : storage.as_strided(size, stride, offset);
    return v;
}

ValuePtr Unpickler::reduce(const ValuePtr& callable, const ValuePtr& args) {
    if (callable->kind != Value::Kind::Global) bad(std::string("REDUCE on a ") + kind_name(callable->kind));
    if (args->kind != Value::Kind::Tuple) bad("REDUCE with arguments that are not a tuple");
    const std::string name = callable->text + "." + callable->name;
    if (name == "collections.OrderedDict" || name == "builtins.dict" || name == "__builtin__.dict") {
        auto dict = Value::make(Value::Kind::Dict);
        if (!args->items.empty()) {  // OrderedDict([(k, v), ...])
            const auto& pairs = args->items[0];
            if (pairs->kind != Value::Kind::List && pairs->kind != Value::Kind::Tuple) bad("OrderedDict(...) of a non-list");
            for (const auto& kv : pairs->items) {
                if (kv->kind != Value::Kind::Tuple || kv->items.size() != 2) bad("OrderedDict(...) of non-pairs");
                nest(dict, kv);
                dict->entries.emplace_back(kv->items[0], kv->items[1]);
            }
        }
        return dict;
    }
    if (name == "torch._utils._rebuild_tensor_v2" || name == "torch._utils._rebuild_tensor") {
        return rebuild_tensor(args->items);
    }
    if (name == "torch._utils._rebuild_parameter" || name == "torch._utils._rebuild_parameter_with_state") {
        if (args->items.empty() || args->items[0]->kind != Value::Kind::Tensor) bad("a parameter without a tensor");
        return args->items[0];
    }
    if (name == "torch.jit._pickle.restore_type_tag") {  // LibTorch's pickler tags typed dicts
        if (args->items.empty()) bad("restore_type_tag without a value");
        return args->items[0];
    }
    bad("the file calls " + name + ", which a state dict of tensors does not need; refused");
}

// ---- the two containers -------------------------------------------------------------------

PthStateDict to_state_dict(const ValuePtr& object, const std::string& source, PthFormat format) {
    if (object->kind != Value::Kind::Dict) {
        refuse(source, std::string("the saved object is a ") + kind_name(object->kind) + ", not a dict of tensors");
    }
    PthStateDict out;
    out.format = format;
    for (const auto& [key, value] : object->entries) {
        if (key->kind != Value::Kind::String) refuse(source, "the state dict has a key that is not a string");
        if (value->kind != Value::Kind::Tensor) {
            refuse(source, "state dict entry \"" + key->text + "\" is a " + kind_name(value->kind) + ", not a tensor");
        }
        // Own memory: the views share the storages, which go away with the machine.
        out.tensors.emplace_back(key->text, value->tensor.contiguous().clone());
    }
    return out;
}

PthStateDict read_legacy(const std::string& bytes, const std::string& source) {
    // Storages are allocated when the object pickle first names them and filled after it,
    // from the records that follow the key list.
    std::map<std::string, torch::Tensor> storages;
    auto allocate = [&](const std::string& key, torch::ScalarType dtype, int64_t numel) {
        if (numel > static_cast<int64_t>(bytes.size())) {
            refuse(source, "the file is truncated or damaged: storage " + key + " declares " + std::to_string(numel) +
                               " elements, more than the file's " + std::to_string(bytes.size()) + " bytes");
        }
        auto t = torch::zeros({numel}, torch::TensorOptions().dtype(dtype));
        storages[key] = t;
        return t;
    };
    auto no_storages = [&](const std::string&, torch::ScalarType, int64_t) -> torch::Tensor {
        refuse(source, "a tensor outside the saved object");
    };

    Unpickler magic(bytes, 0, source, no_storages);
    const auto m = magic.run();
    static const unsigned char kMagic[] = {0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19};
    if (m->kind != Value::Kind::BigInt || m->text != std::string(reinterpret_cast<const char*>(kMagic), sizeof kMagic)) {
        refuse(source, "it is a pickle but does not start with torch.save's legacy magic number");
    }
    Unpickler protocol(bytes, magic.position(), source, no_storages);
    const auto p = protocol.run();
    if (p->kind != Value::Kind::Int || p->integer != 1001) {
        refuse(source, "unsupported legacy protocol version (1001 expected)");
    }
    Unpickler info(bytes, protocol.position(), source, no_storages);
    const auto sys = info.run();
    if (sys->kind == Value::Kind::Dict) {
        for (const auto& [k, v] : sys->entries) {
            if (k->kind == Value::Kind::String && k->text == "little_endian" && v->kind == Value::Kind::Bool &&
                v->integer == 0) {
                refuse(source, "it was saved on a big-endian machine, which this reader does not support");
            }
        }
    }
    Unpickler main(bytes, info.position(), source, allocate);
    const auto object = main.run();
    Unpickler keys_pickle(bytes, main.position(), source, no_storages);
    const auto keys = keys_pickle.run();
    if (keys->kind != Value::Kind::List) refuse(source, "the storage key list is missing");
    size_t pos = keys_pickle.position();
    for (const auto& key : keys->items) {
        if (key->kind != Value::Kind::String) refuse(source, "a storage key that is not a string");
        const auto it = storages.find(key->text);
        if (it == storages.end()) refuse(source, "storage " + key->text + " is listed but never used");
        auto& t = it->second;
        const size_t need = static_cast<size_t>(t.numel()) * t.element_size();
        if (bytes.size() - pos < 8) {
            refuse(source, "the file is truncated: it ends before the record of storage " + key->text);
        }
        uint64_t count = 0;
        for (int i = 0; i < 8; ++i) count |= static_cast<uint64_t>(static_cast<unsigned char>(bytes[pos + i])) << (8 * i);
        pos += 8;
        if (count != static_cast<uint64_t>(t.numel())) {
            refuse(source, "storage " + key->text + " holds " + std::to_string(count) + " elements, its tensors say " +
                               std::to_string(t.numel()));
        }
        if (bytes.size() - pos < need) {
            refuse(source, "the file is truncated: storage " + key->text + " needs " + std::to_string(need) +
                               " bytes at offset " + std::to_string(pos) + ", only " +
                               std::to_string(bytes.size() - pos) + " remain");
        }
        std::memcpy(t.data_ptr(), bytes.data() + pos, need);
        pos += need;
        storages.erase(it);
    }
    if (!storages.empty()) refuse(source, "storage " + storages.begin()->first + " is used but has no record");
    return to_state_dict(object, source, PthFormat::Legacy);
}

PthStateDict read_zip(const std::string& bytes, const std::string& source) {
    std::istringstream stream(bytes);
    std::unique_ptr<caffe2::serialize::PyTorchStreamReader> reader;
    try {
        reader = std::make_unique<caffe2::serialize::PyTorchStreamReader>(&stream);
    } catch (const c10::Error& e) {
        refuse(source, std::string("a damaged or truncated zip archive (") + e.what_without_backtrace() + ")");
    }
    auto record = [&](const std::string& name) {
        if (!reader->hasRecord(name)) refuse(source, "the zip archive has no record " + name);
        try {
            auto [data, size] = reader->getRecord(name);
            return std::make_pair(std::move(data), size);
        } catch (const c10::Error& e) {
            refuse(source, "record " + name + " cannot be read (" + e.what_without_backtrace() + ")");
        }
    };
    if (reader->hasRecord("byteorder")) {
        auto [data, size] = record("byteorder");
        if (std::string(static_cast<const char*>(data.get()), size) != "little") {
            refuse(source, "it was saved on a big-endian machine, which this reader does not support");
        }
    }
    auto [pickle_data, pickle_size] = record("data.pkl");
    const std::string pickle(static_cast<const char*>(pickle_data.get()), pickle_size);
    auto load = [&](const std::string& key, torch::ScalarType dtype, int64_t numel) {
        auto [data, size] = record("data/" + key);
        // numel comes from the pickle: compare by division, so that a huge count cannot wrap.
        const size_t element = c10::elementSize(dtype);
        if (static_cast<uint64_t>(numel) > size / element) {
            refuse(source, "record data/" + key + " has " + std::to_string(size) + " bytes, its storage declares " +
                               std::to_string(numel) + " elements");
        }
        const size_t need = static_cast<size_t>(numel) * element;
        if (size < need) {
            refuse(source, "record data/" + key + " has " + std::to_string(size) + " bytes, its tensors need " +
                               std::to_string(need));
        }
        auto t = torch::empty({numel}, torch::TensorOptions().dtype(dtype));
        std::memcpy(t.data_ptr(), data.get(), need);
        return t;
    };
    Unpickler machine(pickle, 0, source + " (data.pkl)", load);
    const auto object = machine.run();
    return to_state_dict(object, source, PthFormat::Zip);
}

}  // namespace

PthStateDict read_pth_state_dict_bytes(const std::string& bytes, const std::string& source) {
    if (bytes.empty()) refuse(source, "the file is empty");
    if (bytes.size() >= 4 && bytes.compare(0, 4, "PK\x03\x04") == 0) return read_zip(bytes, source);
    if (static_cast<unsigned char>(bytes[0]) == 0x80) return read_legacy(bytes, source);
    if (bytes.size() > 262 && bytes.compare(257, 5, "ustar") == 0) {
        refuse(source, "it is the tar-based format of torch < 0.4, which this reader does not support");
    }
    refuse(source, "it is neither a zip archive (torch >= 1.6) nor a legacy torch.save pickle");
}

PthStateDict read_pth_state_dict(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) fail(P2GAN_STATUS_IO_ERROR, "cannot open " + path + ": " + std::strerror(errno));
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (in.bad()) fail(P2GAN_STATUS_IO_ERROR, "error while reading " + path);
    return read_pth_state_dict_bytes(bytes, path);
}

}  // namespace p2gan
