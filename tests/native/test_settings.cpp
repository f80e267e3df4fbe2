// The settings table (config/settings.h): the documented defaults, validation messages
// that name the C field, the checkpoint text form (round trip, missing keys, unknown keys,
// legacy runtime keys) and the architecture comparison.
#include <gtest/gtest.h>

#include <cstring>
#include <functional>
#include <limits>
#include <sstream>
#include <string>

#include "config/settings.h"
#include "runtime/errors.h"

namespace p2gan {
namespace {

std::string model_error(const std::function<void(p2gan_model_params&)>& change) {
    auto p = default_model_params();
    change(p);
    try {
        validate_model_params(p);
    } catch (const Error& e) {
        EXPECT_EQ(e.status(), P2GAN_STATUS_INVALID_ARGUMENT);
        return e.what();
    }
    return "";
}

// Status and message of model_params_from_text(text, "test header", legacy).
std::pair<p2gan_status, std::string> from_text_error(const std::string& text, bool legacy) {
    try {
        model_params_from_text(text, "test header", legacy);
    } catch (const Error& e) {
        return {e.status(), e.what()};
    }
    return {P2GAN_STATUS_OK, ""};
}

// Every line of `text` but those whose key is in `drop`.
std::string without_keys(const std::string& text, std::initializer_list<const char*> drop) {
    std::istringstream lines(text);
    std::string out;
    for (std::string line; std::getline(lines, line);) {
        bool skip = false;
        for (const char* key : drop) skip = skip || line.rfind(std::string(key) + "=", 0) == 0;
        if (!skip) out += line + "\n";
    }
    return out;
}

TEST(Settings, DefaultsAreTheDocumentedHeaderDefaults) {
    const auto p = default_model_params();
    EXPECT_EQ(p.struct_size, sizeof(p2gan_model_params));
    EXPECT_EQ(p.resolution, 32);
    EXPECT_EQ(p.channels, 3);
    EXPECT_EQ(p.base_channels, 64);
    EXPECT_EQ(p.noise_dim, 128);
    EXPECT_EQ(p.posterior_dim, 128);
    EXPECT_EQ(p.adain_mode, P2GAN_ADAIN_STATISTICS);
    EXPECT_EQ(p.distance_estimator, P2GAN_DISTANCE_CLOSED_FORM);
    EXPECT_EQ(p.mu_a, -1.0f);
    EXPECT_EQ(p.sigma_a, 0.5f);
    EXPECT_EQ(p.mu_b, 1.0f);
    EXPECT_EQ(p.sigma_b, 1.5f);
    EXPECT_EQ(p.lambda_z, 10.0f);
    EXPECT_EQ(p.lr_d, 2e-4f);
    EXPECT_EQ(p.lr_g, 2e-4f);
    EXPECT_EQ(p.beta1, 0.0f);
    EXPECT_EQ(p.beta2, 0.999f);
    EXPECT_EQ(p.n_dis, 1);
    EXPECT_EQ(p.pretrain_steps, 0);
    EXPECT_EQ(p.ema_decay, 0.0f);
    EXPECT_EQ(p.seed, 0u);
    EXPECT_NO_THROW(validate_model_params(p));

    const auto r = default_runtime_params();
    EXPECT_EQ(r.struct_size, sizeof(p2gan_runtime_params));
    EXPECT_EQ(r.intra_op_threads, 0);
    EXPECT_EQ(r.precision, P2GAN_PRECISION_FLOAT32);
    EXPECT_EQ(r.memory_format, P2GAN_MEMORY_FORMAT_CONTIGUOUS);
    EXPECT_EQ(r.kernels, P2GAN_KERNELS_FAST);
    EXPECT_STREQ(r.device, "cpu");
    EXPECT_NO_THROW(validate_runtime_params(r));
}

TEST(Settings, ValidationNamesTheCFieldTheRangeAndTheValue) {
    EXPECT_NE(model_error([](auto& p) { p.lambda_z = -1; }).find("lambda_z must be in [0, inf), got -1"),
              std::string::npos)
        << model_error([](auto& p) { p.lambda_z = -1; });
    EXPECT_NE(model_error([](auto& p) { p.resolution = 17; }).find("resolution must be one of 32, 64, 128, got 17"),
              std::string::npos)
        << model_error([](auto& p) { p.resolution = 17; });
    EXPECT_NE(model_error([](auto& p) { p.sigma_a = 0; }).find("sigma_a"), std::string::npos);
    EXPECT_NE(model_error([](auto& p) { p.n_dis = 0; }).find("n_dis"), std::string::npos);
    EXPECT_NE(model_error([](auto& p) { p.beta1 = 1; }).find("beta1"), std::string::npos);
    EXPECT_NE(model_error([](auto& p) { p.adain_mode = 2; }).find("adain_mode"), std::string::npos);
    EXPECT_NE(model_error([](auto& p) { p.mu_b = std::numeric_limits<float>::quiet_NaN(); }).find("mu_b"),
              std::string::npos);
    EXPECT_NE(model_error([](auto& p) { p.struct_size = 12; }).find("struct_size"), std::string::npos);
    EXPECT_EQ(model_error([](auto&) {}), "");
}

// Every field takes a value other than its default, and comes back exactly.
TEST(Settings, TextFormRoundTripsEveryField) {
    auto p = default_model_params();
    p.resolution = 64;
    p.channels = 1;
    p.base_channels = 24;
    p.noise_dim = 77;
    p.posterior_dim = 33;
    p.adain_mode = P2GAN_ADAIN_AFFINE;
    p.distance_estimator = P2GAN_DISTANCE_SAMPLED;
    p.mu_a = -0.3f;
    p.sigma_a = 0.123456789f;
    p.mu_b = 2.75f;
    p.sigma_b = 1.0f / 3.0f;
    p.lambda_z = 0.1f;
    p.lr_d = 3.3e-5f;
    p.lr_g = 1.7e-4f;
    p.beta1 = 0.5f;
    p.beta2 = 0.9f;
    p.n_dis = 5;
    p.pretrain_steps = 1234;
    p.ema_decay = 0.9999f;
    p.seed = 18446744073709551557ull;  // above 2^63: no signed or double detour
    p.posterior_promotion = 0;
    p.method = P2GAN_METHOD_HINGE;
    ASSERT_NO_THROW(validate_model_params(p));

    const auto text = model_params_to_text(p);
    // Every line differs from the defaults' text, so every field is in the text form.
    std::istringstream ours(text), defaults(model_params_to_text(default_model_params()));
    int lines = 0;
    for (std::string a, b; std::getline(ours, a) && std::getline(defaults, b); ++lines) {
        EXPECT_NE(a, b) << "field left at its default or not written: " << a;
    }
    EXPECT_EQ(lines, 22);  // the 22 fields of p2gan_model_params after struct_size

    const auto back = model_params_from_text(text, "round trip");
    EXPECT_EQ(std::memcmp(&back, &p, sizeof p), 0) << text;
    EXPECT_EQ(back.lambda_z, 0.1f);
    EXPECT_EQ(back.mu_a, -0.3f);
    EXPECT_EQ(back.sigma_a, 0.123456789f);
    EXPECT_EQ(back.mu_b, 2.75f);
    EXPECT_EQ(back.sigma_b, 1.0f / 3.0f);
    EXPECT_EQ(back.seed, 18446744073709551557ull);
    EXPECT_EQ(back.pretrain_steps, 1234);
    EXPECT_EQ(back.adain_mode, P2GAN_ADAIN_AFFINE);
    EXPECT_EQ(back.distance_estimator, P2GAN_DISTANCE_SAMPLED);
}

TEST(Settings, MissingKeysTakeTheirDefaults) {
    auto p = default_model_params();
    p.lambda_z = 2.5f;
    p.base_channels = 8;
    p.pretrain_steps = 4;
    const auto text = without_keys(model_params_to_text(p), {"pretrain_steps", "ema_decay", "mu_a"});
    ASSERT_EQ(text.find("pretrain_steps="), std::string::npos);
    const auto back = model_params_from_text(text, "older header");
    EXPECT_EQ(back.pretrain_steps, 0);  // the default, not 4
    EXPECT_EQ(back.ema_decay, 0.0f);
    EXPECT_EQ(back.mu_a, -1.0f);
    EXPECT_EQ(back.lambda_z, 2.5f);  // present keys still read
    EXPECT_EQ(back.base_channels, 8);
    const auto empty = model_params_from_text("", "empty header");
    EXPECT_EQ(empty.resolution, 32);
    EXPECT_EQ(empty.lambda_z, 10.0f);
}

TEST(Settings, UnknownKeysAreACheckpointMismatchNamingThem) {
    const auto text = model_params_to_text(default_model_params()) + "warp_factor=9\nflux=1\n";
    const auto [status, message] = from_text_error(text, /*legacy=*/false);
    EXPECT_EQ(status, P2GAN_STATUS_CHECKPOINT_MISMATCH);
    EXPECT_NE(message.find("warp_factor"), std::string::npos) << message;
    EXPECT_NE(message.find("flux"), std::string::npos) << message;
    EXPECT_NE(message.find("test header"), std::string::npos) << message;
    // Legacy mode accepts runtime keys only, not unknown ones.
    const auto [legacy_status, legacy_message] = from_text_error(text, /*legacy=*/true);
    EXPECT_EQ(legacy_status, P2GAN_STATUS_CHECKPOINT_MISMATCH);
    EXPECT_NE(legacy_message.find("warp_factor"), std::string::npos) << legacy_message;
    // A value that does not parse is a mismatch too, naming the key.
    const auto [bad_status, bad_message] = from_text_error("n_dis=two\n", false);
    EXPECT_EQ(bad_status, P2GAN_STATUS_CHECKPOINT_MISMATCH);
    EXPECT_NE(bad_message.find("n_dis"), std::string::npos) << bad_message;
}

TEST(Settings, LegacyRuntimeKeysAreAcceptedOnlyWithTheFlag) {
    // What a format-1 checkpoint of ABI 1/2 stored with the model.
    const std::string runtime_keys =
        "intra_op_threads=4\ndevice=cuda:1\nprecision=1\nmemory_format=1\nkernels=1\n";
    auto p = default_model_params();
    p.noise_dim = 16;
    const auto text = model_params_to_text(p) + runtime_keys;
    const auto [status, message] = from_text_error(text, /*legacy=*/false);
    EXPECT_EQ(status, P2GAN_STATUS_CHECKPOINT_MISMATCH);
    for (const char* key : {"intra_op_threads", "device", "precision", "memory_format", "kernels"}) {
        EXPECT_NE(message.find(key), std::string::npos) << key << ": " << message;
    }
    p2gan_model_params back{};
    ASSERT_NO_THROW(back = model_params_from_text(text, "legacy header", /*accept_legacy_runtime_keys=*/true));
    EXPECT_EQ(std::memcmp(&back, &p, sizeof p), 0);
    EXPECT_EQ(back.noise_dim, 16);
}

TEST(Settings, ArchitectureMismatchesNameEveryArchitectureField) {
    const auto a = default_model_params();
    EXPECT_TRUE(architecture_mismatches(a, a).empty());
    auto b = a;
    b.lambda_z = 1;  // not architecture
    b.lr_d = 1e-3f;
    b.seed = 5;
    b.n_dis = 3;
    EXPECT_TRUE(architecture_mismatches(a, b).empty());
    b.resolution = 64;
    b.channels = 1;
    b.base_channels = 8;
    b.noise_dim = 4;
    b.posterior_dim = 5;
    b.adain_mode = P2GAN_ADAIN_AFFINE;
    b.ema_decay = 0.5f;
    const auto m = architecture_mismatches(a, b);
    ASSERT_EQ(m.size(), 7u);
    std::string all;
    for (const auto& s : m) all += s + "; ";
    for (const char* f : {"resolution (checkpoint 32, model 64)", "channels (checkpoint 3, model 1)",
                          "base_channels (checkpoint 64, model 8)", "noise_dim", "posterior_dim", "adain_mode",
                          "ema_decay"}) {
        EXPECT_NE(all.find(f), std::string::npos) << f << " in " << all;
    }
    // EMA is compared on/off only.
    auto c = a, d = a;
    c.ema_decay = 0.9f;
    d.ema_decay = 0.99f;
    EXPECT_TRUE(architecture_mismatches(c, d).empty());
}

}  // namespace
}  // namespace p2gan
