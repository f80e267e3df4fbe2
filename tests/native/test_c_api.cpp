// The C ABI as a host sees it: only p2gan.h and the shared library. Every entry point
// must reject bad arguments with a status and a message, never crash.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <limits>
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
        ASSERT_EQ(p2gan_model_create(&p, &model_), P2GAN_STATUS_OK) << last_error();
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
    EXPECT_STREQ(p.device, "cpu");
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
        {[](p2gan_model_params& p) { p.intra_op_threads = -2; }, "intra_op_threads"},
        {[](p2gan_model_params& p) { p.struct_size = 12; }, "struct_size"},
        {[](p2gan_model_params& p) { std::strcpy(p.device, "tpu"); }, "device"},
        {[](p2gan_model_params& p) { std::memset(p.device, 'x', sizeof(p.device)); }, "device"},
    };
    for (const auto& c : cases) {
        auto p = tiny();
        c.change(p);
        p2gan_model* model = reinterpret_cast<p2gan_model*>(0x1);
        EXPECT_EQ(p2gan_model_create(&p, &model), P2GAN_STATUS_INVALID_ARGUMENT) << c.field;
        EXPECT_EQ(model, nullptr) << c.field;
        EXPECT_NE(last_error().find(c.field), std::string::npos) << c.field << ": " << last_error();
    }
    auto p = tiny();
    EXPECT_EQ(p2gan_model_create(nullptr, nullptr), P2GAN_STATUS_INVALID_ARGUMENT);
    EXPECT_EQ(p2gan_model_create(&p, nullptr), P2GAN_STATUS_INVALID_ARGUMENT);
}

TEST(Library, CudaDeviceWithoutCudaIsADeviceError) {
    int32_t available = 0;
    ASSERT_EQ(p2gan_cuda_is_available(&available), P2GAN_STATUS_OK);
    if (available) GTEST_SKIP() << "CUDA is available here";
    auto p = tiny();
    std::strcpy(p.device, "cuda");
    p2gan_model* model = nullptr;
    EXPECT_EQ(p2gan_model_create(&p, &model), P2GAN_STATUS_DEVICE_ERROR);
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
    ASSERT_EQ(p2gan_model_create(&p, &model), P2GAN_STATUS_OK);
    p2gan_model_destroy(model);
    ASSERT_EQ(p2gan_log_set(nullptr, nullptr), P2GAN_STATUS_OK);
    ASSERT_FALSE(seen.empty());
    EXPECT_NE(seen[0].find("model created"), std::string::npos);
}

TEST_F(Api, NullModelIsRefusedEverywhere) {
    p2gan_model_params params;
    int64_t step;
    p2gan_step_metrics metrics;
    p2gan_losses losses;
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
    p2gan_losses losses;
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
    p2gan_model_params params;
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
    p2gan_step_metrics m;
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
    ASSERT_EQ(p2gan_model_create(&p, &model), P2GAN_STATUS_OK);
    EXPECT_EQ(p2gan_model_set_ema_decay(model, 0.5f), P2GAN_STATUS_OK);
    p2gan_model_params read{};
    ASSERT_EQ(p2gan_model_get_params(model, &read), P2GAN_STATUS_OK);
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
    ASSERT_EQ(p2gan_model_create(&p, &other), P2GAN_STATUS_OK);
    expect_error(p2gan_model_restore(other, path("small.ckpt").c_str()), P2GAN_STATUS_CHECKPOINT_MISMATCH,
                 "posterior_dim (checkpoint 8, model 16)");
    p2gan_model_destroy(other);
    expect_error(p2gan_model_load(path("small.ckpt").c_str(), "gpu0", &loaded), P2GAN_STATUS_INVALID_ARGUMENT,
                 "device");
    p2gan_model_params read{};
    ASSERT_EQ(p2gan_checkpoint_read_params(path("small.ckpt").c_str(), &read), P2GAN_STATUS_OK);
    EXPECT_EQ(read.posterior_dim, 8);
    expect_error(p2gan_model_export_safetensors(model_, path("no/dir/x.safetensors").c_str()), P2GAN_STATUS_IO_ERROR,
                 "cannot write");
}

}  // namespace
