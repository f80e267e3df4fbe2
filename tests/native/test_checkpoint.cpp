// Checkpoints: bit-exact round trips, refusal of other architectures and bad files.
#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <vector>

#include "io/checkpoint.h"
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

}  // namespace
}  // namespace p2gan
