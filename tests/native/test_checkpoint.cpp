// Checkpoints: bit-exact round trips, refusal of other architectures and bad files.
#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <random>
#include <vector>

#include "io/checkpoint.h"
#include "io/tensor_file.h"
#include "runtime/errors.h"
#include "test_support.h"

namespace p2gan {
namespace {

namespace fs = std::filesystem;
using testing::image_batch;
using testing::tiny_params;

class CheckpointTest : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = fs::temp_directory_path() / ("p2gan_ckpt_" + std::to_string(::getpid()) + "_" +
                                            ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::create_directories(dir_);
    }
    void TearDown() override { fs::remove_all(dir_); }
    std::string path(const std::string& name) const { return (dir_ / name).string(); }

    fs::path dir_;
};

p2gan_status status_of(const std::function<void()>& f, std::string* message = nullptr) {
    try {
        f();
    } catch (const Error& e) {
        if (message) *message = e.what();
        return e.status();
    }
    return P2GAN_STATUS_OK;
}

TEST_F(CheckpointTest, RoundTripIsBitExactAndTrainingContinuesIdentically) {
    auto p = tiny_params(3);
    p.ema_decay = 0.5f;
    Model original(p, testing::cpu_runtime());
    const auto real = image_batch(p, 4);
    original.train_step(real);
    original.train_step(real);
    save_checkpoint(original, path("a.ckpt"));
    EXPECT_FALSE(fs::exists(path("a.ckpt.tmp")));

    // Another seed: everything the step depends on must come from the checkpoint.
    auto p_other = tiny_params(99);
    p_other.ema_decay = 0.5f;
    Model resumed(p_other, testing::cpu_runtime());
    restore_checkpoint(resumed, path("a.ckpt"));
    EXPECT_EQ(resumed.step(), 2);
    const auto a = original.named_tensors(), b = resumed.named_tensors();
    ASSERT_EQ(a.size(), b.size());
    for (size_t i = 0; i < a.size(); ++i) {
        EXPECT_EQ(a[i].first, b[i].first);
        EXPECT_TRUE(torch::equal(a[i].second, b[i].second)) << a[i].first;
    }
    // Optimizer moments and the RNG state came back too: the next step is identical.
    const auto ma = original.train_step(real), mb = resumed.train_step(real);
    EXPECT_EQ(ma.loss_d, mb.loss_d);
    EXPECT_EQ(ma.loss_g, mb.loss_g);
    const auto a2 = original.named_tensors(), b2 = resumed.named_tensors();
    for (size_t i = 0; i < a2.size(); ++i) EXPECT_TRUE(torch::equal(a2[i].second, b2[i].second)) << a2[i].first;
}

TEST_F(CheckpointTest, OtherArchitectureIsRefusedNamingTheField) {
    Model small(tiny_params(), testing::cpu_runtime());
    save_checkpoint(small, path("small.ckpt"));
    auto p = tiny_params();
    p.base_channels = 8;
    p.resolution = 64;
    Model big(p, testing::cpu_runtime());
    std::string message;
    EXPECT_EQ(status_of([&] { restore_checkpoint(big, path("small.ckpt")); }, &message),
              P2GAN_STATUS_CHECKPOINT_MISMATCH);
    EXPECT_NE(message.find("base_channels (checkpoint 4, model 8)"), std::string::npos) << message;
    EXPECT_NE(message.find("resolution (checkpoint 32, model 64)"), std::string::npos) << message;
}

TEST_F(CheckpointTest, HostStateRoundTripsAndDefaultsToEmpty) {
    Model model(tiny_params(), testing::cpu_runtime());
    const std::string state = "{\"epoch\": 2, \"position\": 17, \"note\": \"caf\u00e9\"}";
    save_checkpoint(model, path("with.ckpt"), state);
    save_checkpoint(model, path("without.ckpt"));
    EXPECT_EQ(read_checkpoint_host_state(path("with.ckpt")), state);
    EXPECT_EQ(read_checkpoint_host_state(path("without.ckpt")), "");
    restore_checkpoint(model, path("with.ckpt"));  // the extra section does not disturb restoring
}

TEST_F(CheckpointTest, HeaderCarriesTheConfiguration) {
    auto p = tiny_params(17);
    p.lambda_z = 3.5f;
    p.pretrain_steps = 11;
    Model model(p, testing::cpu_runtime());
    save_checkpoint(model, path("c.ckpt"));
    const auto read = read_checkpoint_params(path("c.ckpt"));
    EXPECT_EQ(read.seed, 17u);
    EXPECT_EQ(read.lambda_z, 3.5f);
    EXPECT_EQ(read.pretrain_steps, 11);
    EXPECT_EQ(std::memcmp(&read, &p, sizeof p), 0);  // every field, and nothing of the runtime
}

// A model restores a checkpoint whatever runtime it runs with: the runtime is not stored.
TEST_F(CheckpointTest, RuntimeIsNotPartOfTheCheckpoint) {
    const auto p = tiny_params(4);
    Model fast(p, testing::cpu_runtime());
    fast.train_step(image_batch(p, 2));
    save_checkpoint(fast, path("fast.ckpt"));
    Model reference(p, testing::cpu_runtime(P2GAN_KERNELS_REFERENCE, P2GAN_MEMORY_FORMAT_CHANNELS_LAST));
    restore_checkpoint(reference, path("fast.ckpt"));
    EXPECT_EQ(reference.step(), 1);
    EXPECT_FALSE(reference.network().fast_kernels);  // the model keeps its own runtime
    EXPECT_TRUE(reference.network().channels_last);
}

TEST_F(CheckpointTest, UnknownFormatVersionIsRefusedNamingBothVersions) {
    {
        std::ofstream out(path("v99.ckpt"), std::ios::binary);
        const uint32_t version = 99, zero = 0;
        out.write("P2GANCKP", 8);
        out.write(reinterpret_cast<const char*>(&version), 4);  // little-endian on every supported host
        out.write(reinterpret_cast<const char*>(&zero), 4);
    }
    Model model(tiny_params(), testing::cpu_runtime());
    for (const auto& attempt : std::vector<std::function<void()>>{
             [&] { restore_checkpoint(model, path("v99.ckpt")); },
             [&] { read_checkpoint_params(path("v99.ckpt")); },
             [&] { read_checkpoint_host_state(path("v99.ckpt")); }}) {
        std::string message;
        EXPECT_EQ(status_of(attempt, &message), P2GAN_STATUS_CHECKPOINT_MISMATCH);
        EXPECT_NE(message.find("99"), std::string::npos) << message;
        EXPECT_NE(message.find("1 to 2"), std::string::npos) << message;
    }
    EXPECT_EQ(kCheckpointFormatVersion, 2u);
}

TEST_F(CheckpointTest, TruncatedMissingAndForeignFilesAreRefused) {
    Model model(tiny_params(), testing::cpu_runtime());
    save_checkpoint(model, path("good.ckpt"));
    const auto size = fs::file_size(path("good.ckpt"));
    fs::copy_file(path("good.ckpt"), path("cut.ckpt"));
    fs::resize_file(path("cut.ckpt"), size / 2);
    std::string message;
    EXPECT_EQ(status_of([&] { restore_checkpoint(model, path("cut.ckpt")); }, &message), P2GAN_STATUS_IO_ERROR);
    EXPECT_NE(message.find("truncated"), std::string::npos) << message;
    EXPECT_EQ(status_of([&] { restore_checkpoint(model, path("missing.ckpt")); }), P2GAN_STATUS_IO_ERROR);
    std::ofstream(path("foreign.ckpt")) << "not a checkpoint at all";
    EXPECT_EQ(status_of([&] { restore_checkpoint(model, path("foreign.ckpt")); }, &message),
              P2GAN_STATUS_CHECKPOINT_MISMATCH);
    EXPECT_NE(message.find("bad magic"), std::string::npos) << message;
}

TEST_F(CheckpointTest, UnwritableDestinationIsAnIoError) {
    Model model(tiny_params(), testing::cpu_runtime());
    EXPECT_EQ(status_of([&] { save_checkpoint(model, path("no/such/dir/x.ckpt")); }), P2GAN_STATUS_IO_ERROR);
}

std::string read_bytes(const std::string& file) {
    std::ifstream in(file, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void write_bytes(const std::string& file, const std::string& bytes) {
    std::ofstream(file, std::ios::binary | std::ios::trunc) << bytes;
}

// Offsets of each section's content in a tensor file: name -> [begin, end).
std::map<std::string, std::pair<size_t, size_t>> section_spans(const std::string& bytes) {
    auto u32 = [&](size_t at) {
        uint32_t v = 0;
        for (int i = 0; i < 4; ++i) v |= static_cast<uint32_t>(static_cast<unsigned char>(bytes[at + i])) << (8 * i);
        return v;
    };
    auto u64 = [&](size_t at) {
        uint64_t v = 0;
        for (int i = 0; i < 8; ++i) v |= static_cast<uint64_t>(static_cast<unsigned char>(bytes[at + i])) << (8 * i);
        return v;
    };
    std::map<std::string, std::pair<size_t, size_t>> spans;
    const auto count = u32(12);
    size_t at = 16;
    for (uint32_t i = 0; i < count; ++i) {
        const auto name_size = u32(at);
        const auto name = bytes.substr(at + 4, name_size);
        at += 4 + name_size;
        const auto size = u64(at);
        at += 8;
        spans[name] = {at, at + size};
        at += size;
    }
    return spans;
}

// Any exception, not only p2gan::Error: anything else would reach a host as INTERNAL_ERROR.
p2gan_status load_status(Model& model, const std::string& file, std::string* message = nullptr) {
    try {
        restore_checkpoint(model, file);
    } catch (const Error& e) {
        if (message) *message = e.what();
        return e.status();
    } catch (const std::exception& e) {
        if (message) *message = e.what();
        return P2GAN_STATUS_INTERNAL_ERROR;
    }
    return P2GAN_STATUS_OK;
}

std::vector<torch::Tensor> all_tensors(Model& model) {
    std::vector<torch::Tensor> out;
    for (auto& [name, t] : model.named_tensors()) out.push_back(t.detach().clone());
    out.push_back(model.random_generator().get_state());
    out.push_back(torch::tensor(model.step()));
    return out;
}

bool same_tensors(const std::vector<torch::Tensor>& a, const std::vector<torch::Tensor>& b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i) {
        if (a[i].sizes() != b[i].sizes() || !torch::equal(a[i], b[i])) return false;
    }
    return true;
}

TEST_F(CheckpointTest, EveryFileEndsWithTheChecksumOfItsSections) {
    Model model(tiny_params(), testing::cpu_runtime());
    save_checkpoint(model, path("a.ckpt"), "host");
    const auto bytes = read_bytes(path("a.ckpt"));
    const auto spans = section_spans(bytes);
    ASSERT_EQ(spans.count("sha256"), 1u);
    EXPECT_EQ(spans.at("sha256").second, bytes.size());  // the last section
    EXPECT_EQ(spans.at("sha256").second - spans.at("sha256").first, 64u);
    // The reader verifies and drops it.
    constexpr TensorFileKind kind{{'P', '2', 'G', 'A', 'N', 'C', 'K', 'P'}, "checkpoint"};
    std::ifstream in;
    ASSERT_EQ(open_tensor_file(in, path("a.ckpt"), kind), 2u);
    const auto sections = read_tensor_file_sections(in, path("a.ckpt"), kind);
    EXPECT_EQ(sections.count("sha256"), 0u);
    EXPECT_EQ(sections.at("host_state"), "host");
}

TEST_F(CheckpointTest, ADamagedArchiveIsRefusedBeforeItIsParsed) {
    auto p = tiny_params(5);
    Model model(p, testing::cpu_runtime());
    model.train_step(image_batch(p, 2));
    save_checkpoint(model, path("good.ckpt"));
    auto bytes = read_bytes(path("good.ckpt"));
    const auto archive = section_spans(bytes).at("archive");
    bytes[(archive.first + archive.second) / 2] ^= 0x10;
    write_bytes(path("bad.ckpt"), bytes);

    Model target(tiny_params(6), testing::cpu_runtime());
    const auto before = all_tensors(target);
    std::string message;
    EXPECT_EQ(load_status(target, path("bad.ckpt"), &message), P2GAN_STATUS_CHECKPOINT_MISMATCH);
    EXPECT_NE(message.find("is damaged: checksum mismatch ("), std::string::npos) << message;
    EXPECT_TRUE(same_tensors(before, all_tensors(target)));  // untouched
    EXPECT_EQ(status_of([&] { read_checkpoint_params(path("bad.ckpt")); }), P2GAN_STATUS_CHECKPOINT_MISMATCH);
}

TEST_F(CheckpointTest, AFileWithoutItsChecksumIsRefused) {
    Model model(tiny_params(), testing::cpu_runtime());
    save_checkpoint(model, path("good.ckpt"));
    auto bytes = read_bytes(path("good.ckpt"));
    const auto spans = section_spans(bytes);
    // Drop the last section (its 4 + 6 + 8 header bytes and 64 digits) and fix the count.
    bytes.resize(spans.at("sha256").first - 8 - 6 - 4);
    bytes[12] = static_cast<char>(bytes[12] - 1);
    write_bytes(path("bare.ckpt"), bytes);
    std::string message;
    EXPECT_EQ(load_status(model, path("bare.ckpt"), &message), P2GAN_STATUS_CHECKPOINT_MISMATCH);
    EXPECT_NE(message.find("no sha256 section"), std::string::npos) << message;
}

// Seeded: 50 single-byte flips anywhere in the file. Each load fails with a status (never an
// internal error, never a crash) or, if a flip hit bytes outside the checksummed content,
// gives exactly the saved model.
TEST_F(CheckpointTest, RandomByteFlipsNeverLoadADifferentModel) {
    auto p = tiny_params(8);
    Model model(p, testing::cpu_runtime());
    model.train_step(image_batch(p, 2));
    save_checkpoint(model, path("good.ckpt"), "{\"epoch\": 1}");
    const auto saved = all_tensors(model);
    const auto good = read_bytes(path("good.ckpt"));
    Model target(tiny_params(9), testing::cpu_runtime());
    std::mt19937_64 rng(20261201);
    for (int i = 0; i < 50; ++i) {
        auto bytes = good;
        const size_t at = rng() % bytes.size();
        bytes[at] = static_cast<char>(bytes[at] ^ static_cast<char>(1 + rng() % 255));
        write_bytes(path("flip.ckpt"), bytes);
        std::string message;
        const auto status = load_status(target, path("flip.ckpt"), &message);
        if (status == P2GAN_STATUS_OK) {
            EXPECT_TRUE(same_tensors(saved, all_tensors(target))) << "flip at " << at;
        } else {
            EXPECT_NE(status, P2GAN_STATUS_INTERNAL_ERROR) << "flip at " << at << ": " << message;
        }
        if (at >= 16) {
            EXPECT_NE(status, P2GAN_STATUS_OK) << "flip at " << at << " went unnoticed";
        }
    }
}

TEST_F(CheckpointTest, TruncationsAreRefused) {
    Model model(tiny_params(), testing::cpu_runtime());
    save_checkpoint(model, path("good.ckpt"));
    const auto good = read_bytes(path("good.ckpt"));
    std::mt19937_64 rng(7);
    for (int i = 0; i < 20; ++i) {
        const size_t length = rng() % good.size();
        write_bytes(path("cut.ckpt"), good.substr(0, length));
        std::string message;
        const auto status = load_status(model, path("cut.ckpt"), &message);
        EXPECT_TRUE(status == P2GAN_STATUS_IO_ERROR || status == P2GAN_STATUS_CHECKPOINT_MISMATCH)
            << "length " << length << ": status " << status << " " << message;
    }
}

TEST_F(CheckpointTest, TheContainerChecksumsEveryKindOfFile) {
    constexpr TensorFileKind kind{{'P', '2', 'G', 'A', 'N', 'T', 'S', 'T'}, "test file"};
    write_tensor_file(path("t.bin"), kind, 2, {{"a", "alpha"}, {"b", std::string(100, 'x')}});
    {
        std::ifstream in;
        ASSERT_EQ(open_tensor_file(in, path("t.bin"), kind), 2u);
        const auto sections = read_tensor_file_sections(in, path("t.bin"), kind);
        EXPECT_EQ(sections, (TensorFileSections{{"a", "alpha"}, {"b", std::string(100, 'x')}}));
    }
    auto bytes = read_bytes(path("t.bin"));
    bytes[section_spans(bytes).at("b").first + 50] = 'y';
    write_bytes(path("t.bin"), bytes);
    std::ifstream in;
    open_tensor_file(in, path("t.bin"), kind);
    std::string message;
    EXPECT_EQ(status_of([&] { read_tensor_file_sections(in, path("t.bin"), kind); }, &message),
              P2GAN_STATUS_CHECKPOINT_MISMATCH);
    EXPECT_NE(message.find("test file " + path("t.bin") + " is damaged: checksum mismatch"), std::string::npos)
        << message;
}

}  // namespace
}  // namespace p2gan
