// Seeded mutation fuzzing of the readers of untrusted files: .pth (legacy and zip),
// .safetensors and checkpoints. Each iteration mutates a valid file or a crafted case of
// tests/fuzz/corpus/ and reads it; the reader must accept it or refuse it with a p2gan::Error
// whose status is not INTERNAL_ERROR, never crash, hang or throw anything else (which the ABI
// would report as an internal error). docs/fuzzing.md: budgets, seeds and reproducing.
//
//   P2GAN_FUZZ_ITERATIONS  mutations per reader (default 1000: about a second in CI)
//   P2GAN_FUZZ_SEED        first seed (default 1); iteration i uses seed + i
//   P2GAN_FUZZ_FAILURES    folder for inputs that failed (default: the system temp folder)
//   P2GAN_FUZZ_WRITE_CORPUS=1  rewrites tests/fuzz/corpus/ from the crafted cases below
#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "config/settings.h"
#include "io/checkpoint.h"
#include "io/pth_reader.h"
#include "io/safetensors.h"
#include "legacy_pth_writer.h"
#include "runtime/errors.h"
#include "test_files.h"
#include "test_support.h"
#include "train/memory_guard.h"
#include "train/model.h"

namespace p2gan {
namespace {

namespace fs = std::filesystem;

uint64_t env_number(const char* name, uint64_t fallback) {
    const char* text = std::getenv(name);
    return text != nullptr && *text != '\0' ? std::strtoull(text, nullptr, 10) : fallback;
}

using testing::read_bytes;
using testing::safetensors_bytes;
using testing::write_bytes;

fs::path scratch(const std::string& name) {
    return fs::temp_directory_path() / ("p2gan-fuzz-" + std::to_string(::getpid()) + "-" + name);
}

// Values that break size arithmetic: 0, -1, the sign bit, the largest values, powers of two.
const std::vector<uint64_t>& interesting_words() {
    static const std::vector<uint64_t> words = {0,          1,          0xff,       0x7fffffff, 0x80000000, 0xffffffff,
                                                1ull << 32, 1ull << 40, 1ull << 62, ~0ull >> 1, 1ull << 63, ~0ull};
    return words;
}

// One to eight of: flip a bit, set a byte, overwrite 1/2/4/8 bytes with an interesting
// little-endian value, delete or duplicate a chunk, or truncate.
std::string mutate(std::string bytes, std::mt19937_64& rng) {
    auto below = [&](size_t n) { return n == 0 ? size_t{0} : static_cast<size_t>(rng() % n); };
    const int count = 1 + static_cast<int>(rng() % 8);
    for (int m = 0; m < count && !bytes.empty(); ++m) {
        const size_t at = below(bytes.size());
        switch (rng() % 6) {
            case 0: bytes[at] = static_cast<char>(bytes[at] ^ (1 << (rng() % 8))); break;
            case 1: bytes[at] = static_cast<char>(rng() % 4 == 0 ? 0xff : rng()); break;
            case 2: {
                const uint64_t value = interesting_words()[below(interesting_words().size())];
                const size_t width = size_t{1} << (rng() % 4);
                for (size_t i = 0; i < width && at + i < bytes.size(); ++i) bytes[at + i] = static_cast<char>(value >> (8 * i));
                break;
            }
            case 3: bytes.erase(at, 1 + below(std::min<size_t>(64, bytes.size() - at))); break;
            case 4: bytes.insert(at, bytes.substr(at, 1 + below(std::min<size_t>(64, bytes.size() - at)))); break;
            default: bytes.resize(at); break;
        }
    }
    return bytes;
}

// The crafted cases of issue #11 and later findings, by reader.
std::map<std::string, std::string> crafted_pth() {
    const std::vector<std::pair<std::string, torch::Tensor>> state = {{"w", torch::zeros({4})}};
    std::map<std::string, std::string> out;
    out["zero-stride-4gb.pth"] = testing::legacy_pth_bytes(state, false, {{"w", {{int64_t{1} << 30}, {0}, 0}}});
    out["overflowing-stride.pth"] =
        testing::legacy_pth_bytes(state, false, {{"w", {{int64_t{1} << 40, int64_t{1} << 40}, {int64_t{1} << 40, 1}, 0}}});
    out["negative-size.pth"] = testing::legacy_pth_bytes(state, false, {{"w", {{-3}, {1}, 0}}});
    out["past-the-storage.pth"] = testing::legacy_pth_bytes(state, false, {{"w", {{5}, {1}, 0}}});
    // A legacy prefix, then lists nested 5000 deep.
    std::string nested = testing::legacy_pth_bytes({}, false);
    nested = nested.substr(0, nested.find("\x80\x02\x63"));  // magic, protocol and sys info
    nested += "\x80\x02" + std::string(5000, ']') + std::string(4999, 'a') + ".";
    out["nested-lists.pth"] = nested;
    return out;
}

std::map<std::string, std::string> crafted_safetensors() {
    return {
        {"negative-shape.safetensors", safetensors_bytes(R"({"w":{"dtype":"F32","shape":[-1,4],"data_offsets":[0,16]}})", 16)},
        {"shape-4gb.safetensors", safetensors_bytes(R"({"w":{"dtype":"F32","shape":[1073741824],"data_offsets":[0,16]}})", 16)},
        {"overflowing-shape.safetensors",
         safetensors_bytes(R"({"w":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,16]}})", 16)},
        {"metadata-not-strings.safetensors",
         safetensors_bytes(R"({"__metadata__":{"a":1},"w":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}})", 16)},
        {"header-size-huge.safetensors", std::string("\xff\xff\xff\xff\xff\xff\xff\x7f{}", 10)},
    };
}

// The corpus files of one reader (by extension), plus the crafted cases when the corpus is
// being rewritten.
std::vector<std::pair<std::string, std::string>> corpus(const std::string& extension,
                                                        const std::map<std::string, std::string>& crafted) {
    const fs::path dir = fs::path(P2GAN_FUZZ_CORPUS_DIR);
    if (env_number("P2GAN_FUZZ_WRITE_CORPUS", 0) != 0) {
        fs::create_directories(dir);
        for (const auto& [name, bytes] : crafted) write_bytes(dir / name, bytes);
    }
    std::vector<std::pair<std::string, std::string>> files;
    if (fs::exists(dir)) {
        for (const auto& entry : fs::directory_iterator(dir)) {
            if (entry.path().extension() == extension) files.emplace_back(entry.path().filename().string(), read_bytes(entry.path()));
        }
    }
    std::sort(files.begin(), files.end());
    return files;
}

// Reads `input`; "" when accepted or refused properly, else what went wrong.
using Reader = std::function<void(const std::string& input)>;

std::string outcome(const Reader& read, const std::string& input) {
    try {
        read(input);
        return "";
    } catch (const Error& e) {
        return e.status() == P2GAN_STATUS_INTERNAL_ERROR ? std::string("internal error: ") + e.what() : "";
    } catch (const std::exception& e) {
        return std::string("an exception other than p2gan::Error (the ABI would say internal error): ") + e.what();
    }
}

void fuzz(const std::string& reader, const std::vector<std::pair<std::string, std::string>>& seeds, const Reader& read) {
    ASSERT_FALSE(seeds.empty());
    // Each corpus file as it is.
    for (const auto& [name, bytes] : seeds) {
        const auto problem = outcome(read, bytes);
        EXPECT_EQ(problem, "") << reader << ", corpus file " << name;
    }
    const uint64_t iterations = env_number("P2GAN_FUZZ_ITERATIONS", 1000);
    const uint64_t first_seed = env_number("P2GAN_FUZZ_SEED", 1);
    int failures = 0;
    for (uint64_t i = 0; i < iterations && failures < 5; ++i) {
        std::mt19937_64 rng(first_seed + i);
        const auto& [name, bytes] = seeds[rng() % seeds.size()];
        const std::string input = mutate(bytes, rng);
        const auto problem = outcome(read, input);
        if (problem.empty()) continue;
        ++failures;
        const char* dir = std::getenv("P2GAN_FUZZ_FAILURES");
        const fs::path saved = (dir != nullptr ? fs::path(dir) : fs::temp_directory_path()) /
                               (reader + "-seed" + std::to_string(first_seed + i) + "-" + name);
        write_bytes(saved, input);
        ADD_FAILURE() << reader << ", seed " << first_seed + i << " (mutation of " << name << "): " << problem
                      << "\n  input saved as " << saved.string();
    }
}

TEST(Fuzz, PthReaderRefusesMutatedFilesCleanly) {
    // Valid legacy and zip files of a small state dict, views and shared storages included.
    const std::vector<std::pair<std::string, torch::Tensor>> state = {
        {"conv.weight", torch::randn({4, 2, 3, 3})}, {"conv.bias", torch::randn({4})},
        {"bn.running_mean", torch::zeros({4})}, {"bn.num_batches_tracked", torch::tensor(int64_t{3})}};
    auto seeds = corpus(".pth", crafted_pth());
    seeds.emplace_back("valid-legacy", testing::legacy_pth_bytes(state));
    seeds.emplace_back("valid-legacy-shared", testing::legacy_pth_bytes(state, /*share_storage_pairs=*/true));
    c10::Dict<std::string, torch::Tensor> dict;
    for (const auto& [name, t] : state) dict.insert(name, t);
    const auto zip = torch::pickle_save(dict);
    seeds.emplace_back("valid-zip", std::string(zip.begin(), zip.end()));
    fuzz("pth", seeds, [](const std::string& input) { read_pth_state_dict_bytes(input, "fuzz.pth"); });
}

TEST(Fuzz, SafetensorsReaderRefusesMutatedFilesCleanly) {
    const auto valid = scratch("valid.safetensors");
    write_safetensors(valid.string(), {{"a", torch::randn({3, 4})}, {"b", torch::arange(5, torch::kInt64)}}, {{"format", "pt"}});
    auto seeds = corpus(".safetensors", crafted_safetensors());
    seeds.emplace_back("valid", read_bytes(valid));
    const auto path = scratch("input.safetensors");
    fuzz("safetensors", seeds, [&](const std::string& input) {
        write_bytes(path, input);
        std::map<std::string, std::string> metadata;
        read_safetensors(path.string(), &metadata);
    });
    std::error_code ec;
    fs::remove(valid, ec);
    fs::remove(path, ec);
}

TEST(Fuzz, CheckpointReaderRefusesMutatedFilesCleanly) {
    // As p2gan_model_load reads a checkpoint: settings, memory guard, model, archive.
    const auto valid = scratch("valid.ckpt");
    {
        Model model(testing::tiny_params(), testing::cpu_runtime());
        save_checkpoint(model, valid.string(), "{\"host\":1}");
    }
    auto seeds = corpus(".ckpt", {});
    seeds.emplace_back("valid", read_bytes(valid));
    const auto path = scratch("input.ckpt");
    const auto runtime = testing::cpu_runtime();
    fuzz("checkpoint", seeds, [&](const std::string& input) {
        write_bytes(path, input);
        const auto params = read_checkpoint_params(path.string());
        validate_model_params(params);
        check_model_memory(params, runtime);
        Model model(params, runtime);
        restore_checkpoint(model, path.string());
        read_checkpoint_host_state(path.string());
    });
    std::error_code ec;
    fs::remove(valid, ec);
    fs::remove(path, ec);
}

}  // namespace
}  // namespace p2gan
