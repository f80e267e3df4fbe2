// The C ABI as a host sees it: only p2gan.h and the shared library. Every entry point
// must reject bad arguments with a status and a message, never crash.
#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <map>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <future>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "abi_test_support.h"
#include "p2gan/p2gan.h"

namespace {

namespace fs = std::filesystem;
using p2gan::abi_testing::last_error;

p2gan_model_params tiny() { return p2gan::abi_testing::tiny_params(2); }

constexpr int64_t kBatch = 2;
constexpr size_t kImage = 32 * 32;

class Api : public ::testing::Test {
protected:
    void SetUp() override {
        const auto p = tiny();
        ASSERT_EQ(p2gan_model_create(&p, nullptr, &model_), P2GAN_STATUS_OK) << last_error();
        images_.assign(kBatch * kImage, 0.25f);
        noise_.assign(kBatch * 8, 0.5f);
        codes_.assign(kBatch * 8, -0.5f);
        out_.assign(kBatch * kImage, 0.0f);
        dir_ = fs::temp_directory_path() / ("p2gan_api_" + std::to_string(::getpid()));
        fs::create_directories(dir_);
    }
    void TearDown() override {
        p2gan_model_destroy(model_);
        fs::remove_all(dir_);
    }
    // Checks the status and that a message naming `fragment` was left.
    void expect_error(p2gan_status status, p2gan_status expected, const std::string& fragment) {
        EXPECT_EQ(status, expected) << last_error();
        EXPECT_NE(last_error().find(fragment), std::string::npos) << "message: " << last_error();
    }
    std::string path(const char* name) const { return (dir_ / name).string(); }

    p2gan_model* model_ = nullptr;
    int64_t shape_[4] = {kBatch, 1, 32, 32};
    std::vector<float> images_, noise_, codes_, out_;
    fs::path dir_;
};

TEST(Library, AbiVersionIsThreeThree) {
    // 3.1 appended posterior_promotion to p2gan_model_params; 3.2 added p2gan_feature_net_source_sha256;
    // 3.3 added the process group, method, sync_batch_norm and the timings' communication and host syncs.
    EXPECT_EQ(p2gan_abi_version(), (3u << 16) | 3u);
    EXPECT_EQ(p2gan_abi_version() >> 16, 3u);
    EXPECT_EQ(p2gan_abi_version() & 0xffffu, 3u);
    EXPECT_EQ(P2GAN_ABI_VERSION_MAJOR, 3);
    EXPECT_EQ(P2GAN_ABI_VERSION_MINOR, 3);
}

TEST(Library, DefaultsAreTheDocumentedHeaderDefaults) {
    const auto p = p2gan_model_default_params();
    ASSERT_EQ(p.struct_size, sizeof(p2gan_model_params)) << last_error();
    EXPECT_EQ(p.resolution, 32);
    EXPECT_EQ(p.channels, 3);
    EXPECT_EQ(p.base_channels, 64);
    EXPECT_EQ(p.noise_dim, 128);
    EXPECT_EQ(p.posterior_dim, 128);
    EXPECT_EQ(p.adain_mode, P2GAN_ADAIN_STATISTICS);
    EXPECT_EQ(p.distance_estimator, P2GAN_DISTANCE_CLOSED_FORM);
    EXPECT_EQ(p.lambda_z, 10.0f);
    EXPECT_EQ(p.lr_d, 2e-4f);
    EXPECT_EQ(p.lr_g, 2e-4f);
    EXPECT_EQ(p.beta1, 0.0f);
    EXPECT_EQ(p.beta2, 0.999f);
    EXPECT_EQ(p.mu_a, -1.0f);
    EXPECT_EQ(p.sigma_a, 0.5f);
    EXPECT_EQ(p.mu_b, 1.0f);
    EXPECT_EQ(p.sigma_b, 1.5f);
    EXPECT_EQ(p.n_dis, 1);
    EXPECT_EQ(p.pretrain_steps, 0);
    EXPECT_EQ(p.ema_decay, 0.0f);
    EXPECT_EQ(p.seed, 0u);
    const auto r = p2gan_runtime_default_params();
    ASSERT_EQ(r.struct_size, sizeof(p2gan_runtime_params)) << last_error();
    EXPECT_STREQ(r.device, "cpu");
    EXPECT_EQ(r.intra_op_threads, 0);
    EXPECT_EQ(r.precision, P2GAN_PRECISION_FLOAT32);
    EXPECT_EQ(r.memory_format, P2GAN_MEMORY_FORMAT_CONTIGUOUS);
    EXPECT_EQ(r.kernels, P2GAN_KERNELS_FAST);
}

TEST(Library, VersionsAndDefaults) {
    EXPECT_EQ(p2gan_abi_version(), static_cast<uint32_t>(P2GAN_ABI_VERSION));
    EXPECT_NE(std::string(p2gan_version_string()).find("LibTorch"), std::string::npos);
    const auto p = p2gan_model_default_params();
    EXPECT_EQ(p.struct_size, sizeof(p2gan_model_params));
    EXPECT_EQ(p.resolution, 32);
    EXPECT_EQ(p.base_channels, 64);
    EXPECT_EQ(p.noise_dim, 128);
    EXPECT_FLOAT_EQ(p.beta1, 0.0f);
    EXPECT_FLOAT_EQ(p.beta2, 0.999f);
    EXPECT_FLOAT_EQ(p.lambda_z, 10.0f);
    const auto r = p2gan_runtime_default_params();
    EXPECT_EQ(r.struct_size, sizeof(p2gan_runtime_params));
    EXPECT_STREQ(r.device, "cpu");
    int32_t available = -1;
    EXPECT_EQ(p2gan_cuda_is_available(&available), P2GAN_STATUS_OK);
    EXPECT_TRUE(available == 0 || available == 1);
    EXPECT_EQ(p2gan_cuda_is_available(nullptr), P2GAN_STATUS_INVALID_ARGUMENT);
    p2gan_model_destroy(nullptr);  // accepted
}

TEST(Library, InvalidParamsAreRefusedNamingTheField) {
    struct Case {
        void (*change)(p2gan_model_params&);
        const char* field;
    };
    const Case cases[] = {
        {[](p2gan_model_params& p) { p.resolution = 33; }, "resolution"},
        {[](p2gan_model_params& p) { p.channels = 2; }, "channels"},
        {[](p2gan_model_params& p) { p.base_channels = 0; }, "base_channels"},
        {[](p2gan_model_params& p) { p.noise_dim = -1; }, "noise_dim"},
        {[](p2gan_model_params& p) { p.posterior_dim = 0; }, "posterior_dim"},
        {[](p2gan_model_params& p) { p.adain_mode = 7; }, "adain_mode"},
        {[](p2gan_model_params& p) { p.distance_estimator = 3; }, "distance_estimator"},
        {[](p2gan_model_params& p) { p.sigma_a = 0.0f; }, "sigma_a"},
        {[](p2gan_model_params& p) { p.sigma_b = std::nanf(""); }, "sigma_b"},
        {[](p2gan_model_params& p) { p.mu_a = INFINITY; }, "mu_a"},
        {[](p2gan_model_params& p) { p.lambda_z = -1.0f; }, "lambda_z"},
        {[](p2gan_model_params& p) { p.lr_d = 0.0f; }, "lr_d"},
        {[](p2gan_model_params& p) { p.beta2 = 1.0f; }, "beta2"},
        {[](p2gan_model_params& p) { p.n_dis = 0; }, "n_dis"},
        {[](p2gan_model_params& p) { p.pretrain_steps = -1; }, "pretrain_steps"},
        {[](p2gan_model_params& p) { p.ema_decay = 1.0f; }, "ema_decay"},
        {[](p2gan_model_params& p) { p.struct_size = 12; }, "struct_size"},
    };
    for (const auto& c : cases) {
        auto p = tiny();
        c.change(p);
        p2gan_model* model = reinterpret_cast<p2gan_model*>(0x1);
        EXPECT_EQ(p2gan_model_create(&p, nullptr, &model), P2GAN_STATUS_INVALID_ARGUMENT) << c.field;
        EXPECT_EQ(model, nullptr) << c.field;
        EXPECT_NE(last_error().find(c.field), std::string::npos) << c.field << ": " << last_error();
    }
    auto p = tiny();
    p2gan_model* model = nullptr;
    EXPECT_EQ(p2gan_model_create(nullptr, nullptr, &model), P2GAN_STATUS_INVALID_ARGUMENT);
    EXPECT_NE(last_error().find("params"), std::string::npos) << last_error();
    EXPECT_EQ(p2gan_model_create(&p, nullptr, nullptr), P2GAN_STATUS_INVALID_ARGUMENT);
    EXPECT_NE(last_error().find("out_model"), std::string::npos) << last_error();
}

TEST(Library, InvalidRuntimeIsRefusedNamingTheField) {
    struct Case {
        void (*change)(p2gan_runtime_params&);
        const char* field;
    };
    const Case cases[] = {
        {[](p2gan_runtime_params& r) { r.intra_op_threads = -2; }, "intra_op_threads"},
        {[](p2gan_runtime_params& r) { r.intra_op_threads = 1025; }, "intra_op_threads"},
        {[](p2gan_runtime_params& r) { r.precision = 5; }, "precision"},
        {[](p2gan_runtime_params& r) { r.memory_format = 2; }, "memory_format"},
        {[](p2gan_runtime_params& r) { r.kernels = -1; }, "kernels"},
        {[](p2gan_runtime_params& r) { r.struct_size = 12; }, "struct_size"},
        {[](p2gan_runtime_params& r) { std::strcpy(r.device, "tpu"); }, "device"},
        {[](p2gan_runtime_params& r) { std::memset(r.device, 'x', sizeof(r.device)); }, "device"},
    };
    const auto p = tiny();
    for (const auto& c : cases) {
        auto r = p2gan_runtime_default_params();
        c.change(r);
        p2gan_model* model = reinterpret_cast<p2gan_model*>(0x1);
        EXPECT_EQ(p2gan_model_create(&p, &r, &model), P2GAN_STATUS_INVALID_ARGUMENT) << c.field;
        EXPECT_EQ(model, nullptr) << c.field;
        EXPECT_NE(last_error().find(c.field), std::string::npos) << c.field << ": " << last_error();
    }
}

TEST(Library, RuntimeIsKeptApartFromTheModelParams) {
    const auto p = tiny();
    auto r = p2gan::abi_testing::runtime(1);
    r.kernels = P2GAN_KERNELS_REFERENCE;
    r.memory_format = P2GAN_MEMORY_FORMAT_CHANNELS_LAST;
    p2gan_model* model = nullptr;
    ASSERT_EQ(p2gan_model_create(&p, &r, &model), P2GAN_STATUS_OK) << last_error();
    p2gan_runtime_params read;
    std::memset(&read, 0, sizeof read);
    read.struct_size = sizeof read;
    ASSERT_EQ(p2gan_model_get_runtime(model, &read), P2GAN_STATUS_OK) << last_error();
    EXPECT_EQ(read.struct_size, sizeof read);
    EXPECT_EQ(read.intra_op_threads, 1);
    EXPECT_EQ(read.kernels, P2GAN_KERNELS_REFERENCE);
    EXPECT_EQ(read.memory_format, P2GAN_MEMORY_FORMAT_CHANNELS_LAST);
    EXPECT_EQ(read.precision, P2GAN_PRECISION_FLOAT32);
    EXPECT_STREQ(read.device, "cpu");
    EXPECT_EQ(p2gan_model_get_runtime(nullptr, &read), P2GAN_STATUS_INVALID_ARGUMENT);
    EXPECT_EQ(p2gan_model_get_runtime(model, nullptr), P2GAN_STATUS_INVALID_ARGUMENT);
    EXPECT_NE(last_error().find("out_runtime"), std::string::npos) << last_error();
    p2gan_model_destroy(model);

    // NULL runtime: the defaults.
    ASSERT_EQ(p2gan_model_create(&p, nullptr, &model), P2GAN_STATUS_OK) << last_error();
    ASSERT_EQ(p2gan_model_get_runtime(model, &read), P2GAN_STATUS_OK) << last_error();
    EXPECT_EQ(read.intra_op_threads, 0);
    EXPECT_EQ(read.kernels, P2GAN_KERNELS_FAST);
    EXPECT_EQ(read.memory_format, P2GAN_MEMORY_FORMAT_CONTIGUOUS);
    EXPECT_STREQ(read.device, "cpu");
    p2gan_model_destroy(model);
}

TEST(Library, CudaDeviceWithoutCudaIsADeviceError) {
    int32_t available = 0;
    ASSERT_EQ(p2gan_cuda_is_available(&available), P2GAN_STATUS_OK);
    if (available) GTEST_SKIP() << "CUDA is available here";
    const auto p = tiny();
    const auto r = p2gan::abi_testing::runtime(0, "cuda");
    p2gan_model* model = nullptr;
    EXPECT_EQ(p2gan_model_create(&p, &r, &model), P2GAN_STATUS_DEVICE_ERROR);
    EXPECT_NE(last_error().find("CUDA"), std::string::npos);
}

TEST(Library, LastErrorIsThreadLocal) {
    EXPECT_EQ(p2gan_cuda_is_available(nullptr), P2GAN_STATUS_INVALID_ARGUMENT);
    std::string other;
    std::thread([&] { other = p2gan_last_error(); }).join();
    EXPECT_EQ(other, "");
    EXPECT_NE(last_error(), "");
    int32_t available;
    EXPECT_EQ(p2gan_cuda_is_available(&available), P2GAN_STATUS_OK);
    EXPECT_EQ(last_error(), "");  // a successful call clears it
}

TEST(Library, LogCallbackReceivesMessages) {
    static std::vector<std::string> seen;
    seen.clear();
    ASSERT_EQ(p2gan_log_set([](int32_t, const char* m, void*) { seen.emplace_back(m); }, nullptr), P2GAN_STATUS_OK);
    const auto p = tiny();
    p2gan_model* model = nullptr;
    ASSERT_EQ(p2gan_model_create(&p, nullptr, &model), P2GAN_STATUS_OK);
    p2gan_model_destroy(model);
    ASSERT_EQ(p2gan_log_set(nullptr, nullptr), P2GAN_STATUS_OK);
    ASSERT_FALSE(seen.empty());
    EXPECT_NE(seen[0].find("model created"), std::string::npos);
}

// A callback may re-enter the library: it is called without the log lock held. Run on a
// thread with a deadline, so that a regression (a deadlock) fails instead of hanging.
TEST(Library, LogCallbackMayReenterTheLibrary) {
    struct Seen {
        std::atomic<int> calls{0};
        std::atomic<int> nested_creates{0};
        std::atomic<bool> inside{false};
    };
    static Seen seen;
    seen.calls = 0;
    seen.nested_creates = 0;
    seen.inside = false;
    static p2gan_log_callback callback = [](int32_t, const char*, void* user) {
        ++seen.calls;
        // Re-set the same callback, and create and destroy a model (which logs again,
        // re-entering this callback once more) from inside the callback.
        EXPECT_EQ(p2gan_log_set(callback, user), P2GAN_STATUS_OK);
        if (seen.inside.exchange(true)) return;  // only the outermost call nests
        const auto p = tiny();
        p2gan_model* inner = nullptr;
        if (p2gan_model_create(&p, nullptr, &inner) == P2GAN_STATUS_OK) ++seen.nested_creates;
        p2gan_model_destroy(inner);
        seen.inside = false;
    };
    auto done = std::async(std::launch::async, [] {
        if (p2gan_log_set(callback, &seen) != P2GAN_STATUS_OK) return false;
        const auto p = tiny();
        p2gan_model* model = nullptr;
        const bool created = p2gan_model_create(&p, nullptr, &model) == P2GAN_STATUS_OK;  // logs at INFO
        p2gan_model_destroy(model);
        return created;
    });
    if (done.wait_for(std::chrono::seconds(60)) != std::future_status::ready) {
        // The thread is stuck on the log lock: fail loudly rather than hang in ~future.
        ADD_FAILURE() << "a log callback that re-enters the library deadlocked";
        std::fflush(nullptr);
        std::_Exit(1);
    }
    EXPECT_TRUE(done.get()) << last_error();
    ASSERT_EQ(p2gan_log_set(nullptr, nullptr), P2GAN_STATUS_OK);
    EXPECT_GE(seen.calls.load(), 2);
    EXPECT_EQ(seen.nested_creates.load(), 1);
}

TEST_F(Api, NullModelIsRefusedEverywhere) {
    p2gan_model_params params{};
    params.struct_size = sizeof params;
    int64_t step;
    p2gan_step_metrics metrics{};
    metrics.struct_size = sizeof metrics;
    p2gan_losses losses{};
    losses.struct_size = sizeof losses;
    float mu[16], sigma[16];
    const auto* s = shape_;
    expect_error(p2gan_model_get_params(nullptr, &params), P2GAN_STATUS_INVALID_ARGUMENT, "model");
    expect_error(p2gan_model_get_step(nullptr, &step), P2GAN_STATUS_INVALID_ARGUMENT, "model");
    expect_error(p2gan_model_set_learning_rates(nullptr, 1e-4f, 1e-4f), P2GAN_STATUS_INVALID_ARGUMENT, "model");
    expect_error(p2gan_model_set_ema_decay(nullptr, 0.9f), P2GAN_STATUS_INVALID_ARGUMENT, "model");
    expect_error(p2gan_model_train_step(nullptr, images_.data(), images_.size(), s, 4, &metrics),
                 P2GAN_STATUS_INVALID_ARGUMENT, "model");
    expect_error(p2gan_model_generate(nullptr, 2, noise_.data(), 16, codes_.data(), 16, 0, out_.data(), out_.size()),
                 P2GAN_STATUS_INVALID_ARGUMENT, "model");
    expect_error(p2gan_model_sample(nullptr, 2, 0, nullptr, 0, nullptr, 0, 0, out_.data(), out_.size()),
                 P2GAN_STATUS_INVALID_ARGUMENT, "model");
    expect_error(p2gan_model_encode(nullptr, images_.data(), images_.size(), s, 4, mu, sigma, 16),
                 P2GAN_STATUS_INVALID_ARGUMENT, "model");
    expect_error(p2gan_model_interpolate(nullptr, noise_.data(), noise_.data(), 8, codes_.data(), codes_.data(), 8, 2,
                                         0, out_.data(), out_.size()),
                 P2GAN_STATUS_INVALID_ARGUMENT, "model");
    expect_error(p2gan_model_forward(nullptr, images_.data(), images_.size(), s, 4, noise_.data(), 16, codes_.data(),
                                     16, mu, sigma, mu, out_.data(), mu, sigma, 16, out_.size(), &losses),
                 P2GAN_STATUS_INVALID_ARGUMENT, "model");
    expect_error(p2gan_model_save(nullptr, path("x.ckpt").c_str(), nullptr), P2GAN_STATUS_INVALID_ARGUMENT, "model");
    expect_error(p2gan_model_restore(nullptr, path("x.ckpt").c_str()), P2GAN_STATUS_INVALID_ARGUMENT, "model");
    expect_error(p2gan_model_export_safetensors(nullptr, path("x.st").c_str()), P2GAN_STATUS_INVALID_ARGUMENT,
                 "model");
}

TEST_F(Api, NullOutputsAndPathsAreRefused) {
    const auto* s = shape_;
    float mu[16], sigma[16];
    p2gan_losses losses{};
    losses.struct_size = sizeof losses;
    expect_error(p2gan_model_get_params(model_, nullptr), P2GAN_STATUS_INVALID_ARGUMENT, "out_params");
    expect_error(p2gan_model_get_step(model_, nullptr), P2GAN_STATUS_INVALID_ARGUMENT, "out_step");
    expect_error(p2gan_model_train_step(model_, images_.data(), images_.size(), s, 4, nullptr),
                 P2GAN_STATUS_INVALID_ARGUMENT, "out_metrics");
    expect_error(p2gan_model_generate(model_, 2, noise_.data(), 16, codes_.data(), 16, 0, nullptr, out_.size()),
                 P2GAN_STATUS_INVALID_ARGUMENT, "out_images");
    expect_error(p2gan_model_sample(model_, 2, 0, nullptr, 0, nullptr, 0, 0, nullptr, 0),
                 P2GAN_STATUS_INVALID_ARGUMENT, "out_images");
    expect_error(p2gan_model_encode(model_, images_.data(), images_.size(), s, 4, nullptr, sigma, 16),
                 P2GAN_STATUS_INVALID_ARGUMENT, "out_mu");
    expect_error(p2gan_model_encode(model_, images_.data(), images_.size(), s, 4, mu, nullptr, 16),
                 P2GAN_STATUS_INVALID_ARGUMENT, "out_sigma");
    expect_error(p2gan_model_forward(model_, images_.data(), images_.size(), s, 4, noise_.data(), 16, codes_.data(),
                                     16, mu, sigma, mu, out_.data(), mu, sigma, 16, out_.size(), nullptr),
                 P2GAN_STATUS_INVALID_ARGUMENT, "out_losses");
    expect_error(p2gan_model_forward(model_, images_.data(), images_.size(), s, 4, noise_.data(), 16, codes_.data(),
                                     16, mu, sigma, nullptr, out_.data(), mu, sigma, 16, out_.size(), &losses),
                 P2GAN_STATUS_INVALID_ARGUMENT, "out_codes");
    expect_error(p2gan_model_save(model_, nullptr, nullptr), P2GAN_STATUS_INVALID_ARGUMENT, "path");
    expect_error(p2gan_model_save(model_, "", nullptr), P2GAN_STATUS_INVALID_ARGUMENT, "path");
    expect_error(p2gan_model_restore(model_, nullptr), P2GAN_STATUS_INVALID_ARGUMENT, "path");
    expect_error(p2gan_model_export_safetensors(model_, nullptr), P2GAN_STATUS_INVALID_ARGUMENT, "path");
    p2gan_model* loaded = nullptr;
    expect_error(p2gan_model_load(nullptr, nullptr, &loaded), P2GAN_STATUS_INVALID_ARGUMENT, "path");
    expect_error(p2gan_model_load(path("x").c_str(), nullptr, nullptr), P2GAN_STATUS_INVALID_ARGUMENT, "out_model");
    p2gan_model_params params{};
    params.struct_size = sizeof params;
    size_t length = 0;
    expect_error(p2gan_checkpoint_read_host_state(nullptr, nullptr, 0, &length), P2GAN_STATUS_INVALID_ARGUMENT,
                 "path");
    expect_error(p2gan_checkpoint_read_host_state(path("x").c_str(), nullptr, 0, nullptr),
                 P2GAN_STATUS_INVALID_ARGUMENT, "out_length");
    expect_error(p2gan_checkpoint_read_params(nullptr, &params), P2GAN_STATUS_INVALID_ARGUMENT, "path");
    expect_error(p2gan_checkpoint_read_params(path("x").c_str(), nullptr), P2GAN_STATUS_INVALID_ARGUMENT,
                 "out_params");
}

TEST_F(Api, BadBatchesAreRefusedAndNotTrainedOn) {
    p2gan_step_metrics m{};
    m.struct_size = sizeof m;
    const int64_t wrong_channels[4] = {kBatch, 3, 32, 32};
    const int64_t wrong_size[4] = {kBatch, 1, 28, 28};
    const int64_t empty[4] = {0, 1, 32, 32};
    expect_error(p2gan_model_train_step(model_, nullptr, images_.size(), shape_, 4, &m),
                 P2GAN_STATUS_INVALID_ARGUMENT, "real is NULL");
    expect_error(p2gan_model_train_step(model_, images_.data(), images_.size(), nullptr, 4, &m),
                 P2GAN_STATUS_INVALID_ARGUMENT, "shape");
    expect_error(p2gan_model_train_step(model_, images_.data(), images_.size(), shape_, 3, &m),
                 P2GAN_STATUS_INVALID_ARGUMENT, "rank");
    expect_error(p2gan_model_train_step(model_, images_.data(), images_.size(), wrong_channels, 4, &m),
                 P2GAN_STATUS_INVALID_ARGUMENT, "expects [B, 1, 32, 32]");
    expect_error(p2gan_model_train_step(model_, images_.data(), images_.size(), wrong_size, 4, &m),
                 P2GAN_STATUS_INVALID_ARGUMENT, "expects");
    expect_error(p2gan_model_train_step(model_, images_.data(), 0, empty, 4, &m), P2GAN_STATUS_INVALID_ARGUMENT,
                 "batch size");
    expect_error(p2gan_model_train_step(model_, images_.data(), images_.size() - 1, shape_, 4, &m),
                 P2GAN_STATUS_INVALID_ARGUMENT, "needs 2048");
    images_[5] = 255.0f;
    expect_error(p2gan_model_train_step(model_, images_.data(), images_.size(), shape_, 4, &m),
                 P2GAN_STATUS_INVALID_ARGUMENT, "[-1, 1]");
    images_[5] = std::numeric_limits<float>::quiet_NaN();
    expect_error(p2gan_model_train_step(model_, images_.data(), images_.size(), shape_, 4, &m),
                 P2GAN_STATUS_NON_FINITE_INPUT, "element 5");
    images_[5] = -std::numeric_limits<float>::infinity();
    expect_error(p2gan_model_train_step(model_, images_.data(), images_.size(), shape_, 4, &m),
                 P2GAN_STATUS_NON_FINITE_INPUT, "non-finite");
    int64_t step = -1;
    ASSERT_EQ(p2gan_model_get_step(model_, &step), P2GAN_STATUS_OK);
    EXPECT_EQ(step, 0);
}

TEST_F(Api, BadGenerationInputsAreRefused) {
    expect_error(p2gan_model_generate(model_, 0, noise_.data(), 0, codes_.data(), 0, 0, out_.data(), 0),
                 P2GAN_STATUS_INVALID_ARGUMENT, "count");
    expect_error(p2gan_model_generate(model_, 2, noise_.data(), 15, codes_.data(), 16, 0, out_.data(), out_.size()),
                 P2GAN_STATUS_INVALID_ARGUMENT, "noise holds 15");
    expect_error(p2gan_model_generate(model_, 2, noise_.data(), 16, nullptr, 16, 0, out_.data(), out_.size()),
                 P2GAN_STATUS_INVALID_ARGUMENT, "codes");
    expect_error(p2gan_model_generate(model_, 2, noise_.data(), 16, codes_.data(), 16, 0, out_.data(), 7),
                 P2GAN_STATUS_INVALID_ARGUMENT, "out_images has room for 7");
    expect_error(p2gan_model_generate(model_, 2, noise_.data(), 16, codes_.data(), 16, 1, out_.data(), out_.size()),
                 P2GAN_STATUS_INVALID_ARGUMENT, "EMA");
    noise_[3] = std::numeric_limits<float>::infinity();
    expect_error(p2gan_model_generate(model_, 2, noise_.data(), 16, codes_.data(), 16, 0, out_.data(), out_.size()),
                 P2GAN_STATUS_NON_FINITE_INPUT, "noise");
    expect_error(p2gan_model_sample(model_, 3, 0, images_.data(), images_.size(), shape_, 4, 0, out_.data(),
                                    3 * kImage),
                 P2GAN_STATUS_INVALID_ARGUMENT, "count is 3");
    expect_error(p2gan_model_interpolate(model_, noise_.data(), noise_.data(), 8, codes_.data(), codes_.data(), 8, 1,
                                         0, out_.data(), kImage),
                 P2GAN_STATUS_INVALID_ARGUMENT, "steps");
    expect_error(p2gan_model_interpolate(model_, codes_.data(), nullptr, 8, codes_.data(), codes_.data(), 8, 2, 0,
                                         out_.data(), out_.size()),
                 P2GAN_STATUS_INVALID_ARGUMENT, "noise_b");
    expect_error(p2gan_model_set_learning_rates(model_, -1.0f, 1e-4f), P2GAN_STATUS_INVALID_ARGUMENT, "learning");
    expect_error(p2gan_model_set_ema_decay(model_, 0.9f), P2GAN_STATUS_INVALID_ARGUMENT, "no EMA");
    float mu[16], sigma[16];
    expect_error(p2gan_model_encode(model_, images_.data(), images_.size(), shape_, 4, mu, sigma, 15),
                 P2GAN_STATUS_INVALID_ARGUMENT, "out_mu");
}

TEST_F(Api, FullRoundTripThroughTheAbi) {
    p2gan_step_metrics m{};
    m.struct_size = sizeof m;
    for (int i = 0; i < 2; ++i) {
        ASSERT_EQ(p2gan_model_train_step(model_, images_.data(), images_.size(), shape_, 4, &m), P2GAN_STATUS_OK)
            << last_error();
    }
    EXPECT_EQ(m.step, 2);
    EXPECT_EQ(m.g_updated, 1);
    EXPECT_TRUE(std::isfinite(m.loss_d) && std::isfinite(m.loss_adv) && std::isfinite(m.loss_z));
    EXPECT_NEAR(m.loss_g, m.loss_adv + 10.0f * m.loss_z, 1e-4f);
    EXPECT_GT(m.real_sigma_mean, 0.0f);

    std::vector<float> a(kBatch * kImage), b(kBatch * kImage);
    ASSERT_EQ(p2gan_model_sample(model_, kBatch, 42, nullptr, 0, nullptr, 0, 0, a.data(), a.size()), P2GAN_STATUS_OK);
    ASSERT_EQ(p2gan_model_save(model_, path("m.ckpt").c_str(), "{\"epoch\": 3}"), P2GAN_STATUS_OK) << last_error();
    p2gan_model* loaded = nullptr;
    ASSERT_EQ(p2gan_model_load(path("m.ckpt").c_str(), nullptr, &loaded), P2GAN_STATUS_OK) << last_error();
    ASSERT_EQ(p2gan_model_sample(loaded, kBatch, 42, nullptr, 0, nullptr, 0, 0, b.data(), b.size()), P2GAN_STATUS_OK);
    EXPECT_EQ(a, b);
    size_t length = 0;
    ASSERT_EQ(p2gan_checkpoint_read_host_state(path("m.ckpt").c_str(), nullptr, 0, &length), P2GAN_STATUS_OK);
    ASSERT_EQ(length, std::strlen("{\"epoch\": 3}"));
    std::vector<char> state(length + 1);
    expect_error(p2gan_checkpoint_read_host_state(path("m.ckpt").c_str(), state.data(), length, &length),
                 P2GAN_STATUS_INVALID_ARGUMENT, "room for");
    ASSERT_EQ(p2gan_checkpoint_read_host_state(path("m.ckpt").c_str(), state.data(), state.size(), &length),
              P2GAN_STATUS_OK);
    EXPECT_STREQ(state.data(), "{\"epoch\": 3}");
    int64_t step = 0;
    ASSERT_EQ(p2gan_model_get_step(loaded, &step), P2GAN_STATUS_OK);
    EXPECT_EQ(step, 2);
    p2gan_model_destroy(loaded);

    // Forward: codes = mu + sigma * e', and the fakes equal generate() from those codes.
    std::vector<float> mu_r(16), s_r(16), z(16), fake(kBatch * kImage), mu_f(16), s_f(16), again(kBatch * kImage);
    p2gan_losses losses{};
    losses.struct_size = sizeof losses;
    ASSERT_EQ(p2gan_model_forward(model_, images_.data(), images_.size(), shape_, 4, noise_.data(), 16,
                                  codes_.data(), 16, mu_r.data(), s_r.data(), z.data(), fake.data(), mu_f.data(),
                                  s_f.data(), 16, fake.size(), &losses),
              P2GAN_STATUS_OK)
        << last_error();
    for (size_t i = 0; i < 16; ++i) EXPECT_NEAR(z[i], mu_r[i] + s_r[i] * codes_[i], 1e-6f);
    ASSERT_EQ(p2gan_model_generate(model_, kBatch, noise_.data(), 16, z.data(), 16, 0, again.data(), again.size()),
              P2GAN_STATUS_OK);
    EXPECT_EQ(fake, again);
    EXPECT_NEAR(losses.loss_g, losses.loss_adv + 10.0f * losses.loss_z, 1e-4f);

    ASSERT_EQ(p2gan_model_export_safetensors(model_, path("m.safetensors").c_str()), P2GAN_STATUS_OK);
    EXPECT_GT(fs::file_size(path("m.safetensors")), 1000u);
}

TEST(Library, EmaDecayCanBeScheduled) {
    auto p = tiny();
    p.ema_decay = 0.999f;
    p2gan_model* model = nullptr;
    ASSERT_EQ(p2gan_model_create(&p, nullptr, &model), P2GAN_STATUS_OK);
    EXPECT_EQ(p2gan_model_set_ema_decay(model, 0.5f), P2GAN_STATUS_OK);
    p2gan_model_params read{};
    read.struct_size = sizeof read;
    ASSERT_EQ(p2gan_model_get_params(model, &read), P2GAN_STATUS_OK) << last_error();
    EXPECT_FLOAT_EQ(read.ema_decay, 0.5f);
    EXPECT_EQ(p2gan_model_set_ema_decay(model, 0.0f), P2GAN_STATUS_INVALID_ARGUMENT);
    EXPECT_EQ(p2gan_model_set_ema_decay(model, 1.0f), P2GAN_STATUS_INVALID_ARGUMENT);
    EXPECT_EQ(p2gan_model_set_ema_decay(model, std::nanf("")), P2GAN_STATUS_INVALID_ARGUMENT);
    p2gan_model_destroy(model);
}

TEST_F(Api, CheckpointErrorsCarryTheirStatus) {
    p2gan_model* loaded = nullptr;
    expect_error(p2gan_model_load(path("missing.ckpt").c_str(), nullptr, &loaded), P2GAN_STATUS_IO_ERROR,
                 "missing.ckpt");
    EXPECT_EQ(loaded, nullptr);
    ASSERT_EQ(p2gan_model_save(model_, path("small.ckpt").c_str(), nullptr), P2GAN_STATUS_OK);
    auto p = tiny();
    p.posterior_dim = 16;
    p2gan_model* other = nullptr;
    ASSERT_EQ(p2gan_model_create(&p, nullptr, &other), P2GAN_STATUS_OK);
    expect_error(p2gan_model_restore(other, path("small.ckpt").c_str()), P2GAN_STATUS_CHECKPOINT_MISMATCH,
                 "posterior_dim (checkpoint 8, model 16)");
    p2gan_model_destroy(other);
    const auto gpu0 = p2gan::abi_testing::runtime(0, "gpu0");
    expect_error(p2gan_model_load(path("small.ckpt").c_str(), &gpu0, &loaded), P2GAN_STATUS_INVALID_ARGUMENT,
                 "device");
    EXPECT_EQ(loaded, nullptr);
    p2gan_model_params read{};
    read.struct_size = sizeof read;
    ASSERT_EQ(p2gan_checkpoint_read_params(path("small.ckpt").c_str(), &read), P2GAN_STATUS_OK);
    EXPECT_EQ(read.posterior_dim, 8);
    expect_error(p2gan_model_export_safetensors(model_, path("no/dir/x.safetensors").c_str()), P2GAN_STATUS_IO_ERROR,
                 "cannot write");
}

// Exports replace only a missing path or a regular file: a symbolic link, a directory, a
// device node or a FIFO at the output path is refused and left as it was.
TEST_F(Api, ExportRefusesToReplaceAnythingButARegularFile) {
    const auto target = dir_ / "target.txt";
    {
        std::ofstream out(target);
        out << "keep me";
    }
    const auto link = dir_ / "link.safetensors";
    fs::create_symlink(target, link);
    expect_error(p2gan_model_export_safetensors(model_, link.string().c_str()), P2GAN_STATUS_IO_ERROR,
                 link.string() + " is a symbolic link; refusing to replace it");
    EXPECT_TRUE(fs::is_symlink(link));
    EXPECT_EQ(fs::read_symlink(link), target);
    {
        std::ifstream in(target);
        std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        EXPECT_EQ(text, "keep me");
    }
    const auto folder = dir_ / "folder.safetensors";
    fs::create_directories(folder / "inside");
    expect_error(p2gan_model_export_safetensors(model_, folder.string().c_str()), P2GAN_STATUS_IO_ERROR,
                 folder.string() + " is a directory");
    EXPECT_TRUE(fs::is_directory(folder / "inside"));
    expect_error(p2gan_model_export_safetensors(model_, "/dev/null"), P2GAN_STATUS_IO_ERROR,
                 "/dev/null is a character device");
    EXPECT_TRUE(fs::is_character_file("/dev/null"));
    EXPECT_FALSE(fs::exists("/dev/null.tmp"));
    const auto fifo = dir_ / "fifo.safetensors";
    ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
    expect_error(p2gan_model_export_safetensors(model_, fifo.string().c_str()), P2GAN_STATUS_IO_ERROR,
                 fifo.string() + " is a FIFO");
    EXPECT_TRUE(fs::is_fifo(fifo));
    // A missing path and an existing regular file are written.
    const auto file = dir_ / "model.safetensors";
    ASSERT_EQ(p2gan_model_export_safetensors(model_, file.string().c_str()), P2GAN_STATUS_OK) << last_error();
    const auto size = fs::file_size(file);
    EXPECT_GT(size, 0u);
    ASSERT_EQ(p2gan_model_export_safetensors(model_, target.string().c_str()), P2GAN_STATUS_OK) << last_error();
    EXPECT_EQ(fs::file_size(target), size);
    EXPECT_FALSE(fs::is_symlink(target));
}

// ---- the struct_size rule// ---- the struct_size rule ----------------------------------------------------------

// A struct's bytes with room after it, filled with a sentinel, whose struct_size the
// caller chooses: shows what the library reads and writes.
template <typename Struct>
struct Guarded {
    static constexpr unsigned char kSentinel = 0xA5;
    alignas(Struct) unsigned char bytes[sizeof(Struct) + 32];
    explicit Guarded(uint32_t size) {
        std::memset(bytes, kSentinel, sizeof bytes);
        std::memcpy(bytes, &size, sizeof size);
    }
    Struct* get() { return reinterpret_cast<Struct*>(bytes); }
    uint32_t struct_size() const {
        uint32_t size;
        std::memcpy(&size, bytes, sizeof size);
        return size;
    }
    // The first byte at or after `offset` that is no longer the sentinel, or -1.
    long first_written_from(size_t offset) const {
        for (size_t i = offset; i < sizeof bytes; ++i) {
            if (bytes[i] != kSentinel) return static_cast<long>(i);
        }
        return -1;
    }
};

// Calls `write` on a struct whose struct_size is `size`: it must succeed, keep struct_size,
// write something, and leave every byte from `size` on untouched.
template <typename Struct>
void expect_written_only_up_to(uint32_t size, const std::function<p2gan_status(Struct*)>& write, const char* what) {
    Guarded<Struct> buffer(size);
    ASSERT_EQ(write(buffer.get()), P2GAN_STATUS_OK) << what << ": " << last_error();
    EXPECT_EQ(buffer.struct_size(), size) << what;
    EXPECT_EQ(buffer.first_written_from(size), -1) << what << ": written beyond struct_size " << size;
    EXPECT_NE(buffer.first_written_from(sizeof(uint32_t)), -1) << what << ": nothing written";
}

TEST(StructSize, FirstPublishedSizesAreTheV3Layouts) {
    // A minor may only grow a struct: 3.1 appended posterior_promotion (4 bytes), 3.3 method (4 more);
    // 3.3 appended sync_batch_norm to the runtime params and communication_ms, communication_bytes and
    // host_syncs (then 4 bytes of tail padding) to the timings.
    EXPECT_EQ(sizeof(p2gan_model_params), static_cast<size_t>(P2GAN_MODEL_PARAMS_SIZE_V3_0) + 8);
    EXPECT_EQ(offsetof(p2gan_model_params, posterior_promotion), static_cast<size_t>(P2GAN_MODEL_PARAMS_SIZE_V3_0));
    EXPECT_EQ(offsetof(p2gan_model_params, method), static_cast<size_t>(P2GAN_MODEL_PARAMS_SIZE_V3_0) + 4);
    EXPECT_EQ(sizeof(p2gan_runtime_params), static_cast<size_t>(P2GAN_RUNTIME_PARAMS_SIZE_V3_0) + 4);
    EXPECT_EQ(offsetof(p2gan_runtime_params, sync_batch_norm), static_cast<size_t>(P2GAN_RUNTIME_PARAMS_SIZE_V3_0));
    EXPECT_EQ(sizeof(p2gan_step_metrics), static_cast<size_t>(P2GAN_STEP_METRICS_SIZE_V3_0));
    EXPECT_EQ(sizeof(p2gan_step_timings), static_cast<size_t>(P2GAN_STEP_TIMINGS_SIZE_V3_0) + 24);
    EXPECT_EQ(offsetof(p2gan_step_timings, communication_ms), static_cast<size_t>(P2GAN_STEP_TIMINGS_SIZE_V3_0));
    EXPECT_EQ(sizeof(p2gan_losses), static_cast<size_t>(P2GAN_LOSSES_SIZE_V3_0));
    EXPECT_EQ(sizeof(p2gan_runtime_info), static_cast<size_t>(P2GAN_RUNTIME_INFO_SIZE_V3_0));
}

TEST(StructSize, ParamsInitFillsTheDefaultsForTheFirstPublishedSize) {
    p2gan_model_params p;
    std::memset(&p, 0xA5, sizeof p);
    p.struct_size = P2GAN_MODEL_PARAMS_SIZE_V3_0;
    ASSERT_EQ(p2gan_model_params_init(&p), P2GAN_STATUS_OK) << last_error();
    EXPECT_EQ(p.struct_size, static_cast<uint32_t>(P2GAN_MODEL_PARAMS_SIZE_V3_0));
    EXPECT_EQ(p.resolution, 32);
    EXPECT_EQ(p.channels, 3);
    EXPECT_EQ(p.base_channels, 64);
    EXPECT_EQ(p.noise_dim, 128);
    EXPECT_EQ(p.posterior_dim, 128);
    EXPECT_EQ(p.lambda_z, 10.0f);
    EXPECT_EQ(p.sigma_b, 1.5f);
    EXPECT_EQ(p.n_dis, 1);
    EXPECT_EQ(p.seed, 0u);
    p2gan_runtime_params r;
    std::memset(&r, 0xA5, sizeof r);
    r.struct_size = P2GAN_RUNTIME_PARAMS_SIZE_V3_0;
    ASSERT_EQ(p2gan_runtime_params_init(&r), P2GAN_STATUS_OK) << last_error();
    EXPECT_STREQ(r.device, "cpu");
    EXPECT_EQ(r.intra_op_threads, 0);
    EXPECT_EQ(r.kernels, P2GAN_KERNELS_FAST);

    // The params so filled create a model.
    p2gan_model* model = nullptr;
    p.channels = 1;
    p.base_channels = 4;
    p.noise_dim = p.posterior_dim = 8;
    ASSERT_EQ(p2gan_model_create(&p, &r, &model), P2GAN_STATUS_OK) << last_error();
    p2gan_model_destroy(model);
}

TEST(StructSize, SizesOutsideTheAcceptedRangeAreRefusedNamingStructSize) {
    for (const uint32_t size : {0u, 3u, static_cast<uint32_t>(sizeof(p2gan_model_params) + 8)}) {
        Guarded<p2gan_model_params> p(size);
        EXPECT_EQ(p2gan_model_params_init(p.get()), P2GAN_STATUS_INVALID_ARGUMENT) << size;
        EXPECT_NE(last_error().find("struct_size"), std::string::npos) << last_error();
        EXPECT_EQ(p.first_written_from(sizeof(uint32_t)), -1) << "nothing may be written on refusal";
    }
    for (const uint32_t size : {0u, 3u, static_cast<uint32_t>(sizeof(p2gan_runtime_params) + 8)}) {
        Guarded<p2gan_runtime_params> r(size);
        EXPECT_EQ(p2gan_runtime_params_init(r.get()), P2GAN_STATUS_INVALID_ARGUMENT) << size;
        EXPECT_NE(last_error().find("struct_size"), std::string::npos) << last_error();
        // As an input, too.
        auto p = tiny();
        auto runtime = p2gan_runtime_default_params();
        runtime.struct_size = size;
        p2gan_model* model = nullptr;
        EXPECT_EQ(p2gan_model_create(&p, &runtime, &model), P2GAN_STATUS_INVALID_ARGUMENT) << size;
        EXPECT_NE(last_error().find("struct_size"), std::string::npos) << last_error();
        EXPECT_EQ(model, nullptr);
    }
    for (const uint32_t size : {0u, 3u, static_cast<uint32_t>(sizeof(p2gan_model_params) + 8)}) {
        auto p = tiny();
        p.struct_size = size;
        p2gan_model* model = nullptr;
        EXPECT_EQ(p2gan_model_create(&p, nullptr, &model), P2GAN_STATUS_INVALID_ARGUMENT) << size;
        EXPECT_NE(last_error().find("struct_size"), std::string::npos) << last_error();
        EXPECT_EQ(model, nullptr);
    }
}

TEST_F(Api, StepMetricsStructSizeRule) {
    // The first published size works.
    p2gan_step_metrics m;
    std::memset(&m, 0, sizeof m);
    m.struct_size = P2GAN_STEP_METRICS_SIZE_V3_0;
    ASSERT_EQ(p2gan_model_train_step(model_, images_.data(), images_.size(), shape_, 4, &m), P2GAN_STATUS_OK)
        << last_error();
    EXPECT_EQ(m.step, 1);
    EXPECT_EQ(m.struct_size, static_cast<uint32_t>(P2GAN_STEP_METRICS_SIZE_V3_0));
    EXPECT_TRUE(std::isfinite(m.loss_d));

    // 0, 3 and larger than ours are refused naming struct_size, and nothing is trained.
    for (const uint32_t size : {0u, 3u, static_cast<uint32_t>(sizeof(p2gan_step_metrics) + 8)}) {
        Guarded<p2gan_step_metrics> bad(size);
        expect_error(p2gan_model_train_step(model_, images_.data(), images_.size(), shape_, 4, bad.get()),
                     P2GAN_STATUS_INVALID_ARGUMENT, "struct_size");
        EXPECT_EQ(bad.first_written_from(sizeof(uint32_t)), -1) << size;
        int64_t step = -1;
        ASSERT_EQ(p2gan_model_get_step(model_, &step), P2GAN_STATUS_OK);
        EXPECT_EQ(step, 1) << "a refused call must not train (struct_size " << size << ")";
    }

    // Written only up to the caller's size.
    expect_written_only_up_to<p2gan_step_metrics>(
        P2GAN_STEP_METRICS_SIZE_V3_0,
        [&](p2gan_step_metrics* out) {
            return p2gan_model_train_step(model_, images_.data(), images_.size(), shape_, 4, out);
        },
        "p2gan_model_train_step");
}

TEST_F(Api, OutputStructsAreWrittenOnlyUpToTheCallersSize) {
    expect_written_only_up_to<p2gan_model_params>(
        P2GAN_MODEL_PARAMS_SIZE_V3_0, [](p2gan_model_params* out) { return p2gan_model_params_init(out); },
        "p2gan_model_params_init");
    expect_written_only_up_to<p2gan_runtime_params>(
        P2GAN_RUNTIME_PARAMS_SIZE_V3_0, [](p2gan_runtime_params* out) { return p2gan_runtime_params_init(out); },
        "p2gan_runtime_params_init");
    expect_written_only_up_to<p2gan_model_params>(
        P2GAN_MODEL_PARAMS_SIZE_V3_0, [&](p2gan_model_params* out) { return p2gan_model_get_params(model_, out); },
        "p2gan_model_get_params");
    expect_written_only_up_to<p2gan_runtime_params>(
        P2GAN_RUNTIME_PARAMS_SIZE_V3_0,
        [&](p2gan_runtime_params* out) { return p2gan_model_get_runtime(model_, out); }, "p2gan_model_get_runtime");
    ASSERT_EQ(p2gan_model_save(model_, path("s.ckpt").c_str(), nullptr), P2GAN_STATUS_OK) << last_error();
    expect_written_only_up_to<p2gan_model_params>(
        P2GAN_MODEL_PARAMS_SIZE_V3_0,
        [&](p2gan_model_params* out) { return p2gan_checkpoint_read_params(path("s.ckpt").c_str(), out); },
        "p2gan_checkpoint_read_params");
    expect_written_only_up_to<p2gan_step_timings>(
        P2GAN_STEP_TIMINGS_SIZE_V3_0,
        [&](p2gan_step_timings* out) {
            p2gan_step_metrics m{};
            m.struct_size = sizeof m;
            const auto status = p2gan_model_train_step(model_, images_.data(), images_.size(), shape_, 4, &m);
            return status != P2GAN_STATUS_OK ? status : p2gan_model_last_step_timings(model_, out);
        },
        "p2gan_model_last_step_timings");
    expect_written_only_up_to<p2gan_runtime_info>(
        P2GAN_RUNTIME_INFO_SIZE_V3_0, [](p2gan_runtime_info* out) { return p2gan_runtime_info_get(out); },
        "p2gan_runtime_info_get");
    std::vector<float> mu(16), sigma(16), z(16), fake(kBatch * kImage), mu_f(16), sigma_f(16);
    expect_written_only_up_to<p2gan_losses>(
        P2GAN_LOSSES_SIZE_V3_0,
        [&](p2gan_losses* out) {
            return p2gan_model_forward(model_, images_.data(), images_.size(), shape_, 4, noise_.data(), 16,
                                       codes_.data(), 16, mu.data(), sigma.data(), z.data(), fake.data(), mu_f.data(),
                                       sigma_f.data(), 16, fake.size(), out);
        },
        "p2gan_model_forward");

    // What was written is right: the params read back equal the ones the model was made with.
    Guarded<p2gan_model_params> read(P2GAN_MODEL_PARAMS_SIZE_V3_0);
    ASSERT_EQ(p2gan_model_get_params(model_, read.get()), P2GAN_STATUS_OK) << last_error();
    const auto p = tiny();
    const auto skip = sizeof(uint32_t);  // struct_size: the caller's 88, not our sizeof
    EXPECT_EQ(std::memcmp(reinterpret_cast<const char*>(read.get()) + skip, reinterpret_cast<const char*>(&p) + skip,
                          P2GAN_MODEL_PARAMS_SIZE_V3_0 - skip),
              0);
}

// A 3.0 caller's params end before posterior_promotion: whatever lies beyond its size is not
// read, and the field takes its default.
TEST_F(Api, FieldsBeyondTheCallersSizeTakeTheirDefaults) {
    auto p = tiny();
    p.posterior_promotion = 0;  // beyond the 3.0 size: must be ignored
    p.struct_size = P2GAN_MODEL_PARAMS_SIZE_V3_0;
    p2gan_model* model = nullptr;
    ASSERT_EQ(p2gan_model_create(&p, nullptr, &model), P2GAN_STATUS_OK) << last_error();
    p2gan_model_params back{};
    back.struct_size = sizeof back;
    ASSERT_EQ(p2gan_model_get_params(model, &back), P2GAN_STATUS_OK) << last_error();
    EXPECT_EQ(back.posterior_promotion, 1);
    EXPECT_EQ(back.base_channels, p.base_channels);
    p2gan_model_destroy(model);

    p.struct_size = sizeof p;  // now the field is covered and honoured
    ASSERT_EQ(p2gan_model_create(&p, nullptr, &model), P2GAN_STATUS_OK) << last_error();
    ASSERT_EQ(p2gan_model_get_params(model, &back), P2GAN_STATUS_OK) << last_error();
    EXPECT_EQ(back.posterior_promotion, 0);
    p2gan_model_destroy(model);
}

TEST_F(Api, OutputStructSizesOutsideTheRangeAreRefused) {
    for (const uint32_t size : {0u, 3u, static_cast<uint32_t>(sizeof(p2gan_model_params) + 8)}) {
        Guarded<p2gan_model_params> out(size);
        expect_error(p2gan_model_get_params(model_, out.get()), P2GAN_STATUS_INVALID_ARGUMENT, "struct_size");
        EXPECT_EQ(out.first_written_from(sizeof(uint32_t)), -1);
    }
    for (const uint32_t size : {0u, 3u, static_cast<uint32_t>(sizeof(p2gan_runtime_params) + 8)}) {
        Guarded<p2gan_runtime_params> out(size);
        expect_error(p2gan_model_get_runtime(model_, out.get()), P2GAN_STATUS_INVALID_ARGUMENT, "struct_size");
        EXPECT_EQ(out.first_written_from(sizeof(uint32_t)), -1);
    }
    std::vector<float> mu(16), sigma(16), z(16), fake(kBatch * kImage), mu_f(16), sigma_f(16);
    for (const uint32_t size : {0u, 3u, static_cast<uint32_t>(sizeof(p2gan_losses) + 8)}) {
        Guarded<p2gan_losses> out(size);
        expect_error(p2gan_model_forward(model_, images_.data(), images_.size(), shape_, 4, noise_.data(), 16,
                                         codes_.data(), 16, mu.data(), sigma.data(), z.data(), fake.data(),
                                         mu_f.data(), sigma_f.data(), 16, fake.size(), out.get()),
                     P2GAN_STATUS_INVALID_ARGUMENT, "struct_size");
        EXPECT_EQ(out.first_written_from(sizeof(uint32_t)), -1);
    }
}

// ---- the G-update schedule ------------------------------------------------------------

TEST(Schedule, PretrainThreeNDisTwoUpdatesGOnTheDocumentedSteps) {
    auto p = tiny();
    p.pretrain_steps = 3;
    p.n_dis = 2;
    p2gan_model* model = nullptr;
    ASSERT_EQ(p2gan_model_create(&p, nullptr, &model), P2GAN_STATUS_OK) << last_error();
    std::vector<float> images(kBatch * kImage, 0.25f);
    const int64_t shape[4] = {kBatch, 1, 32, 32};
    std::vector<int> updated, expected;
    for (int64_t step = 0; step < 9; ++step) {
        // p2gan.h: G updates when step >= pretrain_steps and (step - pretrain_steps + 1) % n_dis == 0.
        expected.push_back(step >= p.pretrain_steps && (step - p.pretrain_steps + 1) % p.n_dis == 0 ? 1 : 0);
        p2gan_step_metrics m{};
        m.struct_size = sizeof m;
        ASSERT_EQ(p2gan_model_train_step(model, images.data(), images.size(), shape, 4, &m), P2GAN_STATUS_OK)
            << last_error();
        EXPECT_EQ(m.step, step + 1);
        updated.push_back(m.g_updated);
    }
    EXPECT_EQ(updated, expected);
    // Steps 0-2 pre-train; then G on every second step, the n_dis-th D step after pre-training.
    EXPECT_EQ(updated, (std::vector<int>{0, 0, 0, 0, 1, 0, 1, 0, 1}));
    p2gan_model_destroy(model);
}

// ---- checkpoint formats -----------------------------------------------------------------

TEST_F(Api, CheckpointOfAnUnknownFormatVersionIsRefusedNamingBothVersions) {
    {
        std::ofstream out(path("v99.ckpt"), std::ios::binary);
        const unsigned char version[4] = {99, 0, 0, 0};  // u32 99, little-endian
        const unsigned char zero[4] = {0, 0, 0, 0};
        out.write("P2GANCKP", 8);
        out.write(reinterpret_cast<const char*>(version), 4);
        out.write(reinterpret_cast<const char*>(zero), 4);
    }
    auto check = [&](p2gan_status status, const char* call) {
        EXPECT_EQ(status, P2GAN_STATUS_CHECKPOINT_MISMATCH) << call << ": " << last_error();
        EXPECT_NE(last_error().find("99"), std::string::npos) << call << ": " << last_error();
        EXPECT_NE(last_error().find("1 to 2"), std::string::npos) << call << ": " << last_error();
    };
    p2gan_model* loaded = reinterpret_cast<p2gan_model*>(0x1);
    check(p2gan_model_load(path("v99.ckpt").c_str(), nullptr, &loaded), "p2gan_model_load");
    EXPECT_EQ(loaded, nullptr);
    check(p2gan_model_restore(model_, path("v99.ckpt").c_str()), "p2gan_model_restore");
    p2gan_model_params params{};
    params.struct_size = sizeof params;
    check(p2gan_checkpoint_read_params(path("v99.ckpt").c_str(), &params), "p2gan_checkpoint_read_params");
    size_t length = 0;
    check(p2gan_checkpoint_read_host_state(path("v99.ckpt").c_str(), nullptr, 0, &length),
          "p2gan_checkpoint_read_host_state");
}

// ---- a checkpoint of the previous release ------------------------------------------------
//
// tests/native/data/legacy_abi2.ckpt was written by the previous release (ABI 2, checkpoint
// format 1, by data/make_legacy_abi2.cpp); legacy_abi2.expected holds what it must load as,
// one "key=value" per line ('#' lines are comments): some model params by their C field
// names, "step", "host_state", and every 97th value of two samples ("sample", "sample_ema").

#ifndef P2GAN_TEST_DATA_DIR
#define P2GAN_TEST_DATA_DIR "tests/native/data"
#endif

std::string trim(const std::string& text) {
    const auto begin = text.find_first_not_of(" \t\r\n");
    if (begin == std::string::npos) return "";
    const auto end = text.find_last_not_of(" \t\r\n");
    return text.substr(begin, end - begin + 1);
}

std::map<std::string, std::string> read_expected(const std::string& file) {
    std::map<std::string, std::string> values;
    std::ifstream in(file);
    for (std::string line; std::getline(in, line);) {
        const auto text = trim(line);
        if (text.empty() || text[0] == '#') continue;
        const auto eq = text.find('=');
        if (eq == std::string::npos) continue;
        values[trim(text.substr(0, eq))] = trim(text.substr(eq + 1));
    }
    return values;
}

std::vector<double> numbers(std::string text) {
    for (auto& c : text) {
        if (c == ',' || c == '[' || c == ']') c = ' ';
    }
    std::istringstream in(text);
    std::vector<double> out;
    for (double v; in >> v;) out.push_back(v);
    return out;
}

// The params fields and how to read them as numbers.
std::vector<std::pair<const char*, std::function<double(const p2gan_model_params&)>>> params_fields() {
    return {
        {"resolution", [](const p2gan_model_params& p) { return p.resolution; }},
        {"channels", [](const p2gan_model_params& p) { return p.channels; }},
        {"base_channels", [](const p2gan_model_params& p) { return p.base_channels; }},
        {"noise_dim", [](const p2gan_model_params& p) { return p.noise_dim; }},
        {"posterior_dim", [](const p2gan_model_params& p) { return p.posterior_dim; }},
        {"adain_mode", [](const p2gan_model_params& p) { return p.adain_mode; }},
        {"distance_estimator", [](const p2gan_model_params& p) { return p.distance_estimator; }},
        {"mu_a", [](const p2gan_model_params& p) { return p.mu_a; }},
        {"sigma_a", [](const p2gan_model_params& p) { return p.sigma_a; }},
        {"mu_b", [](const p2gan_model_params& p) { return p.mu_b; }},
        {"sigma_b", [](const p2gan_model_params& p) { return p.sigma_b; }},
        {"lambda_z", [](const p2gan_model_params& p) { return p.lambda_z; }},
        {"lr_d", [](const p2gan_model_params& p) { return p.lr_d; }},
        {"lr_g", [](const p2gan_model_params& p) { return p.lr_g; }},
        {"beta1", [](const p2gan_model_params& p) { return p.beta1; }},
        {"beta2", [](const p2gan_model_params& p) { return p.beta2; }},
        {"n_dis", [](const p2gan_model_params& p) { return p.n_dis; }},
        {"pretrain_steps", [](const p2gan_model_params& p) { return p.pretrain_steps; }},
        {"ema_decay", [](const p2gan_model_params& p) { return p.ema_decay; }},
        {"seed", [](const p2gan_model_params& p) { return static_cast<double>(p.seed); }},
    };
}

void expect_expected_params(p2gan_model* model, const std::map<std::string, std::string>& expected,
                            const char* which) {
    p2gan_model_params params{};
    params.struct_size = sizeof params;
    ASSERT_EQ(p2gan_model_get_params(model, &params), P2GAN_STATUS_OK) << last_error();
    int checked = 0;
    for (const auto& [key, get] : params_fields()) {
        const auto it = expected.find(key);
        if (it == expected.end()) continue;
        ++checked;
        const double want = std::stod(it->second);
        EXPECT_NEAR(get(params), want, 1e-6 * std::max(1.0, std::abs(want))) << which << ": " << key;
    }
    EXPECT_GE(checked, 5) << which << ": the .expected file names too few params";
}

TEST(Checkpoint, LoadsAFormat1CheckpointOfThePreviousRelease) {
    const std::string dir = P2GAN_TEST_DATA_DIR;
    const auto checkpoint = dir + "/legacy_abi2.ckpt";
    const auto expected_file = dir + "/legacy_abi2.expected";
    if (!fs::exists(checkpoint) || !fs::exists(expected_file)) {
        GTEST_SKIP() << checkpoint << " or " << expected_file << " is missing";
    }
    const auto expected = read_expected(expected_file);
    ASSERT_FALSE(expected.empty()) << expected_file;

    // It is format 1.
    {
        std::ifstream in(checkpoint, std::ios::binary);
        char magic[8] = {};
        unsigned char version[4] = {};
        in.read(magic, 8);
        in.read(reinterpret_cast<char*>(version), 4);
        ASSERT_EQ(std::string(magic, 8), "P2GANCKP");
        ASSERT_EQ(version[0] | version[1] << 8 | version[2] << 16 | version[3] << 24, 1);
    }

    p2gan_model* model = nullptr;
    ASSERT_EQ(p2gan_model_load(checkpoint.c_str(), nullptr, &model), P2GAN_STATUS_OK) << last_error();
    expect_expected_params(model, expected, "loaded");
    p2gan_model_params read{};
    read.struct_size = sizeof read;
    ASSERT_EQ(p2gan_checkpoint_read_params(checkpoint.c_str(), &read), P2GAN_STATUS_OK) << last_error();
    p2gan_model_params held{};
    held.struct_size = sizeof held;
    ASSERT_EQ(p2gan_model_get_params(model, &held), P2GAN_STATUS_OK) << last_error();
    EXPECT_EQ(std::memcmp(&read, &held, sizeof read), 0);
    // The runtime keys stored in format 1 do not carry over: the model runs on the defaults.
    p2gan_runtime_params runtime{};
    runtime.struct_size = sizeof runtime;
    ASSERT_EQ(p2gan_model_get_runtime(model, &runtime), P2GAN_STATUS_OK) << last_error();
    EXPECT_STREQ(runtime.device, "cpu");

    int64_t step = -1;
    ASSERT_EQ(p2gan_model_get_step(model, &step), P2GAN_STATUS_OK);
    if (expected.count("step")) {
        EXPECT_EQ(step, std::stoll(expected.at("step")));
    }

    // Host state.
    size_t length = 0;
    ASSERT_EQ(p2gan_checkpoint_read_host_state(checkpoint.c_str(), nullptr, 0, &length), P2GAN_STATUS_OK)
        << last_error();
    std::vector<char> state(length + 1);
    ASSERT_EQ(p2gan_checkpoint_read_host_state(checkpoint.c_str(), state.data(), state.size(), &length),
              P2GAN_STATUS_OK)
        << last_error();
    const std::string host_state(state.data());
    if (expected.count("host_state")) {
        EXPECT_EQ(host_state, expected.at("host_state"));
    }

    // The samples the previous release drew from this checkpoint (the .expected file's first
    // line): p2gan_model_sample(model, 2, 11, ...) with use_ema 0 ("sample") and 1
    // ("sample_ema"), every 97th value.
    ASSERT_TRUE(expected.count("sample") && expected.count("sample_ema")) << expected_file;
    constexpr uint64_t seed = 11;
    constexpr int64_t count = 2;
    constexpr size_t stride = 97;
    const size_t image = static_cast<size_t>(held.channels) * held.resolution * held.resolution;
    std::vector<float> sample(count * image);
    for (const int32_t use_ema : {0, 1}) {
        const auto want = numbers(expected.at(use_ema ? "sample_ema" : "sample"));
        ASSERT_EQ(want.size(), (sample.size() + stride - 1) / stride) << "use_ema " << use_ema;
        ASSERT_EQ(p2gan_model_sample(model, count, seed, nullptr, 0, nullptr, 0, use_ema, sample.data(),
                                     sample.size()),
                  P2GAN_STATUS_OK)
            << last_error();
        for (size_t i = 0; i < want.size(); ++i) {
            EXPECT_NEAR(sample[i * stride], want[i], 1e-5) << "use_ema " << use_ema << ", value " << i * stride;
        }
    }
    const int32_t use_ema = 1;

    // Resume: one more step trains.
    const auto dir_out = fs::temp_directory_path() / ("p2gan_legacy_" + std::to_string(::getpid()));
    fs::create_directories(dir_out);
    std::vector<float> images(4 * image, 0.25f);
    for (size_t i = 0; i < images.size(); ++i) images[i] = std::sin(0.01f * static_cast<float>(i));
    const int64_t shape[4] = {4, held.channels, held.resolution, held.resolution};
    p2gan_step_metrics m{};
    m.struct_size = sizeof m;
    ASSERT_EQ(p2gan_model_train_step(model, images.data(), images.size(), shape, 4, &m), P2GAN_STATUS_OK)
        << last_error();
    EXPECT_EQ(m.step, step + 1);
    EXPECT_TRUE(std::isfinite(m.loss_d) && std::isfinite(m.loss_g));

    // Saved again, it is format 2, and loads with the same params, step and host state.
    const auto again = (dir_out / "resaved.ckpt").string();
    ASSERT_EQ(p2gan_model_save(model, again.c_str(), host_state.c_str()), P2GAN_STATUS_OK) << last_error();
    {
        std::ifstream in(again, std::ios::binary);
        char magic[8] = {};
        unsigned char version[4] = {};
        in.read(magic, 8);
        in.read(reinterpret_cast<char*>(version), 4);
        EXPECT_EQ(std::string(magic, 8), "P2GANCKP");
        EXPECT_EQ(version[0] | version[1] << 8 | version[2] << 16 | version[3] << 24, 2);
    }
    p2gan_model* reloaded = nullptr;
    ASSERT_EQ(p2gan_model_load(again.c_str(), nullptr, &reloaded), P2GAN_STATUS_OK) << last_error();
    expect_expected_params(reloaded, expected, "reloaded");
    int64_t reloaded_step = -1;
    ASSERT_EQ(p2gan_model_get_step(reloaded, &reloaded_step), P2GAN_STATUS_OK);
    EXPECT_EQ(reloaded_step, step + 1);
    std::vector<float> a(sample.size()), b(sample.size());
    ASSERT_EQ(p2gan_model_sample(model, count, seed, nullptr, 0, nullptr, 0, use_ema, a.data(), a.size()),
              P2GAN_STATUS_OK);
    ASSERT_EQ(p2gan_model_sample(reloaded, count, seed, nullptr, 0, nullptr, 0, use_ema, b.data(), b.size()),
              P2GAN_STATUS_OK);
    EXPECT_EQ(a, b);
    ASSERT_EQ(p2gan_checkpoint_read_host_state(again.c_str(), nullptr, 0, &length), P2GAN_STATUS_OK);
    EXPECT_EQ(length, host_state.size());
    p2gan_model_destroy(reloaded);
    p2gan_model_destroy(model);
    fs::remove_all(dir_out);
}

// Format-1 checkpoints have no checksum: they still load, with a warning through the log.
TEST(Checkpoint, AFormat1CheckpointLoadsWithAWarningThatItIsUnverified) {
    const std::string checkpoint = std::string(P2GAN_TEST_DATA_DIR) + "/legacy_abi2.ckpt";
    if (!fs::exists(checkpoint)) GTEST_SKIP() << checkpoint << " is missing";
    static std::vector<std::pair<int32_t, std::string>> seen;
    seen.clear();
    ASSERT_EQ(p2gan_log_set([](int32_t level, const char* m, void*) { seen.emplace_back(level, m); }, nullptr),
              P2GAN_STATUS_OK);
    p2gan_model* model = nullptr;
    const auto status = p2gan_model_load(checkpoint.c_str(), nullptr, &model);
    ASSERT_EQ(p2gan_log_set(nullptr, nullptr), P2GAN_STATUS_OK);
    ASSERT_EQ(status, P2GAN_STATUS_OK) << last_error();
    p2gan_model_destroy(model);
    const auto warning = std::find_if(seen.begin(), seen.end(), [](const auto& entry) {
        return entry.second.find("has no checksum (format 1); it is loaded unverified") != std::string::npos;
    });
    ASSERT_NE(warning, seen.end());
    EXPECT_EQ(warning->first, P2GAN_LOG_WARNING);
}

// Sets an environment variable for a scope.
class ScopedEnv {
public:
    ScopedEnv(const char* name, const char* value) : name_(name) { ::setenv(name, value, 1); }
    ~ScopedEnv() { ::unsetenv(name_); }
    ScopedEnv(const ScopedEnv&) = delete;
    ScopedEnv& operator=(const ScopedEnv&) = delete;

private:
    const char* name_;
};

TEST(MemoryGuard, AModelFarBeyondTheMachinesMemoryIsRefusedBeforeAllocating) {
    if (!fs::exists("/proc/meminfo")) GTEST_SKIP() << "no /proc/meminfo: the available memory is unknown";
    ::unsetenv("P2GAN_MEMORY_LIMIT_MB");
    auto p = tiny();
    p.channels = 3;
    p.base_channels = 1024;
    p.resolution = 128;
    p.noise_dim = 128;
    p.posterior_dim = 128;
    const auto start = std::chrono::steady_clock::now();
    p2gan_model* model = nullptr;
    const auto status = p2gan_model_create(&p, nullptr, &model);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    EXPECT_EQ(status, P2GAN_STATUS_INVALID_ARGUMENT);
    EXPECT_EQ(model, nullptr);
    p2gan_model_destroy(model);
    const auto message = last_error();
    EXPECT_NE(message.find("this model needs about "), std::string::npos) << message;
    EXPECT_NE(message.find(" MiB (parameters and optimizer state "), std::string::npos) << message;
    EXPECT_NE(message.find(" MiB available"), std::string::npos) << message;
    EXPECT_LT(seconds, 0.5);
}

TEST(MemoryGuard, TheEnvironmentLimitRefusesEvenATinyModelAtCreateAndLoad) {
    const auto dir = fs::temp_directory_path() / ("p2gan_memory_guard_" + std::to_string(::getpid()));
    fs::create_directories(dir);
    const auto file = (dir / "tiny.ckpt").string();
    const auto p = tiny();
    p2gan_model* model = nullptr;
    ASSERT_EQ(p2gan_model_create(&p, nullptr, &model), P2GAN_STATUS_OK) << last_error();
    ASSERT_EQ(p2gan_model_save(model, file.c_str(), ""), P2GAN_STATUS_OK) << last_error();
    p2gan_model_destroy(model);
    {
        ScopedEnv limit("P2GAN_MEMORY_LIMIT_MB", "1");
        model = nullptr;
        EXPECT_EQ(p2gan_model_create(&p, nullptr, &model), P2GAN_STATUS_INVALID_ARGUMENT);
        EXPECT_EQ(model, nullptr);
        EXPECT_NE(last_error().find("more than the 1 MiB available"), std::string::npos) << last_error();
        EXPECT_NE(last_error().find("P2GAN_MEMORY_LIMIT_MB"), std::string::npos) << last_error();
        EXPECT_EQ(p2gan_model_load(file.c_str(), nullptr, &model), P2GAN_STATUS_INVALID_ARGUMENT);
        EXPECT_EQ(model, nullptr);
        EXPECT_NE(last_error().find("this model needs about "), std::string::npos) << last_error();
    }
    {
        ScopedEnv limit("P2GAN_MEMORY_LIMIT_MB", "100000");
        ASSERT_EQ(p2gan_model_load(file.c_str(), nullptr, &model), P2GAN_STATUS_OK) << last_error();
        p2gan_model_destroy(model);
    }
    ASSERT_EQ(p2gan_model_create(&p, nullptr, &model), P2GAN_STATUS_OK) << last_error();  // unset again
    p2gan_model_destroy(model);
    fs::remove_all(dir);
}

}  // namespace
