// The FID Inception-v3 (features/inception.h) and its weight readers, with random weights
// the tests write themselves: the real pytorch-fid file is not available here, so these
// check structure, names, formats and refusals, not the published features.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include <torch/serialize.h>

#include "runtime/errors.h"
#include "eval/inception.h"
#include "io/pth_reader.h"
#include "io/sha256.h"
#include "legacy_pth_writer.h"
#include "test_files.h"
#include "runtime/log.h"
#include "io/safetensors.h"

namespace p2gan {
namespace {

namespace fs = std::filesystem;
using Shapes = std::vector<std::pair<std::string, std::vector<int64_t>>>;

using testing::read_bytes;
using testing::safetensors_bytes;
using testing::write_bytes;

fs::path temp_file(const std::string& name) {
    return fs::temp_directory_path() / ("p2gan_inception_" + std::to_string(::getpid()) + "_" + name);
}

// ---- pytorch-fid's state dict, written out independently of the implementation -------------
// (torchvision's Inception3 module order with pytorch-fid's FID blocks; every BasicConv2d
// contributes conv.weight, bn.weight, bn.bias, bn.running_mean, bn.running_var.)

void conv(Shapes& s, const std::string& name, int64_t in, int64_t out, int64_t kh, int64_t kw) {
    s.push_back({name + ".conv.weight", {out, in, kh, kw}});
    for (const char* b : {".bn.weight", ".bn.bias", ".bn.running_mean", ".bn.running_var"}) {
        s.push_back({name + b, {out}});
    }
}

void block_a(Shapes& s, const std::string& p, int64_t in, int64_t pool) {
    conv(s, p + ".branch1x1", in, 64, 1, 1);
    conv(s, p + ".branch5x5_1", in, 48, 1, 1);
    conv(s, p + ".branch5x5_2", 48, 64, 5, 5);
    conv(s, p + ".branch3x3dbl_1", in, 64, 1, 1);
    conv(s, p + ".branch3x3dbl_2", 64, 96, 3, 3);
    conv(s, p + ".branch3x3dbl_3", 96, 96, 3, 3);
    conv(s, p + ".branch_pool", in, pool, 1, 1);
}

void block_b(Shapes& s, const std::string& p, int64_t in) {
    conv(s, p + ".branch3x3", in, 384, 3, 3);
    conv(s, p + ".branch3x3dbl_1", in, 64, 1, 1);
    conv(s, p + ".branch3x3dbl_2", 64, 96, 3, 3);
    conv(s, p + ".branch3x3dbl_3", 96, 96, 3, 3);
}

void block_c(Shapes& s, const std::string& p, int64_t in, int64_t c7) {
    conv(s, p + ".branch1x1", in, 192, 1, 1);
    conv(s, p + ".branch7x7_1", in, c7, 1, 1);
    conv(s, p + ".branch7x7_2", c7, c7, 1, 7);
    conv(s, p + ".branch7x7_3", c7, 192, 7, 1);
    conv(s, p + ".branch7x7dbl_1", in, c7, 1, 1);
    conv(s, p + ".branch7x7dbl_2", c7, c7, 7, 1);
    conv(s, p + ".branch7x7dbl_3", c7, c7, 1, 7);
    conv(s, p + ".branch7x7dbl_4", c7, c7, 7, 1);
    conv(s, p + ".branch7x7dbl_5", c7, 192, 1, 7);
    conv(s, p + ".branch_pool", in, 192, 1, 1);
}

void block_d(Shapes& s, const std::string& p, int64_t in) {
    conv(s, p + ".branch3x3_1", in, 192, 1, 1);
    conv(s, p + ".branch3x3_2", 192, 320, 3, 3);
    conv(s, p + ".branch7x7x3_1", in, 192, 1, 1);
    conv(s, p + ".branch7x7x3_2", 192, 192, 1, 7);
    conv(s, p + ".branch7x7x3_3", 192, 192, 7, 1);
    conv(s, p + ".branch7x7x3_4", 192, 192, 3, 3);
}

void block_e(Shapes& s, const std::string& p, int64_t in) {
    conv(s, p + ".branch1x1", in, 320, 1, 1);
    conv(s, p + ".branch3x3_1", in, 384, 1, 1);
    conv(s, p + ".branch3x3_2a", 384, 384, 1, 3);
    conv(s, p + ".branch3x3_2b", 384, 384, 3, 1);
    conv(s, p + ".branch3x3dbl_1", in, 448, 1, 1);
    conv(s, p + ".branch3x3dbl_2", 448, 384, 3, 3);
    conv(s, p + ".branch3x3dbl_3a", 384, 384, 1, 3);
    conv(s, p + ".branch3x3dbl_3b", 384, 384, 3, 1);
    conv(s, p + ".branch_pool", in, 192, 1, 1);
}

Shapes pytorch_fid_state_dict_shapes() {
    Shapes s;
    conv(s, "Conv2d_1a_3x3", 3, 32, 3, 3);
    conv(s, "Conv2d_2a_3x3", 32, 32, 3, 3);
    conv(s, "Conv2d_2b_3x3", 32, 64, 3, 3);
    conv(s, "Conv2d_3b_1x1", 64, 80, 1, 1);
    conv(s, "Conv2d_4a_3x3", 80, 192, 3, 3);
    block_a(s, "Mixed_5b", 192, 32);
    block_a(s, "Mixed_5c", 256, 64);
    block_a(s, "Mixed_5d", 288, 64);
    block_b(s, "Mixed_6a", 288);
    block_c(s, "Mixed_6b", 768, 128);
    block_c(s, "Mixed_6c", 768, 160);
    block_c(s, "Mixed_6d", 768, 160);
    block_c(s, "Mixed_6e", 768, 192);
    block_d(s, "Mixed_7a", 768);
    block_e(s, "Mixed_7b", 1280);
    block_e(s, "Mixed_7c", 2048);
    s.push_back({"fc.weight", {1008, 2048}});
    s.push_back({"fc.bias", {1008}});
    return s;
}

// Random weights under pytorch-fid's names (He-scaled convolutions and BatchNorm statistics
// near identity, so activations stay finite through the 94 layers), plus the
// num_batches_tracked counters a torch >= 0.4.1 state dict carries.
NamedTensors random_state(uint64_t seed, bool with_batch_counters = true) {
    auto gen = at::make_generator<at::CPUGeneratorImpl>(seed);
    NamedTensors out;
    for (const auto& [name, shape] : pytorch_fid_state_dict_shapes()) {
        torch::Tensor t;
        const auto ends = [&](const std::string& suffix) {
            return name.size() >= suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0;
        };
        if (ends("conv.weight")) {
            const double fan_in = static_cast<double>(shape[1] * shape[2] * shape[3]);
            t = torch::randn(shape, gen, torch::kFloat32) * std::sqrt(2.0 / fan_in);
        } else if (ends("bn.weight") || ends("bn.running_var")) {
            t = torch::rand(shape, gen, torch::kFloat32) + 0.5;
        } else if (ends("bn.bias") || ends("bn.running_mean")) {
            t = torch::randn(shape, gen, torch::kFloat32) * 0.1;
        } else {  // fc
            t = torch::randn(shape, gen, torch::kFloat32) * 0.02;
        }
        out.emplace_back(name, t);
        if (with_batch_counters && ends("bn.running_var")) {
            out.emplace_back(name.substr(0, name.size() - std::string("running_var").size()) + "num_batches_tracked", torch::tensor(int64_t{0}));
        }
    }
    return out;
}

void write_zip_pth(const fs::path& path, const NamedTensors& tensors) {
    c10::Dict<std::string, torch::Tensor> dict;
    for (const auto& [name, t] : tensors) dict.insert(name, t);
    const auto bytes = torch::pickle_save(dict);
    write_bytes(path, std::string(bytes.begin(), bytes.end()));
}

// Images in [-1, 1] that depend only on seed.
torch::Tensor images(int64_t b, int64_t c, int64_t side, uint64_t seed) {
    auto gen = at::make_generator<at::CPUGeneratorImpl>(seed);
    return torch::rand({b, c, side, side}, gen, torch::kFloat32) * 2.0 - 1.0;
}

// Captures log messages for one test.
struct LogCapture {
    LogCapture() { log_set(&LogCapture::callback, this); }
    ~LogCapture() { log_set(nullptr, nullptr); }
    static void callback(int32_t level, const char* message, void* self) {
        auto* c = static_cast<LogCapture*>(self);
        c->messages.emplace_back(level, message);
    }
    std::vector<std::pair<int32_t, std::string>> messages;
};

// One weights file set shared by the tests of this file (writing 90 MB three times per
// test would dominate the runtime).
struct WeightFiles {
    NamedTensors state = random_state(11);
    fs::path safetensors = temp_file("weights.safetensors");
    fs::path zip = temp_file("weights_zip.pth");
    fs::path legacy = temp_file("weights_legacy.pth");
    WeightFiles() {
        write_safetensors(safetensors.string(), state, {{"format", "pt"}});
        write_zip_pth(zip, state);
        write_bytes(legacy, testing::legacy_pth_bytes(state));
    }
    ~WeightFiles() {
        std::error_code ec;
        for (const auto& p : {safetensors, zip, legacy}) fs::remove(p, ec);
    }
};

const WeightFiles& files() {
    static WeightFiles f;
    return f;
}

template <typename Body>
std::string refusal(p2gan_status expected, Body&& body) {
    try {
        body();
    } catch (const Error& e) {
        EXPECT_EQ(e.status(), expected) << e.what();
        return e.what();
    }
    ADD_FAILURE() << "no error was raised";
    return {};
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// ---- names and structure ----------------------------------------------------------------

TEST(Inception, TensorNamesAndShapesAreExactlyPytorchFids) {
    const auto expected = pytorch_fid_state_dict_shapes();
    const auto actual = expected_inception_tensors();
    ASSERT_EQ(expected.size(), 472u);  // 94 conv+BN units x 5, fc.weight, fc.bias
    ASSERT_EQ(actual.size(), expected.size());
    for (size_t i = 0; i < expected.size(); ++i) {
        EXPECT_EQ(actual[i].first, expected[i].first) << "at " << i;
        EXPECT_EQ(actual[i].second, expected[i].second) << expected[i].first;
    }
}

TEST(Inception, PoolBranchesFollowTheFidGraph) {
    // count_include_pad = false: a corner of a constant map stays the constant.
    const auto x = torch::ones({1, 1, 4, 4});
    EXPECT_FLOAT_EQ(pool_branch_input(x, PoolBranch::AvgExcludePad)[0][0][0][0].item<float>(), 1.0f);
    EXPECT_FLOAT_EQ(pool_branch_input(x, PoolBranch::AvgIncludePad)[0][0][0][0].item<float>(), 4.0f / 9.0f);
    const auto y = torch::arange(16, torch::kFloat32).view({1, 1, 4, 4});
    EXPECT_FLOAT_EQ(pool_branch_input(y, PoolBranch::Max)[0][0][0][0].item<float>(), 5.0f);
    InceptionFid net;
    EXPECT_EQ(net->Mixed_5b->pool, PoolBranch::AvgExcludePad);
    EXPECT_EQ(net->Mixed_6e->pool, PoolBranch::AvgExcludePad);
    EXPECT_EQ(net->Mixed_7b->pool, PoolBranch::AvgExcludePad);
    EXPECT_EQ(net->Mixed_7c->pool, PoolBranch::Max);
    EXPECT_DOUBLE_EQ(net->Conv2d_1a_3x3->bn->options.eps(), 0.001);
}

// ---- resizing -----------------------------------------------------------------------------

TEST(Inception, ResizeModes) {
    namespace F = torch::nn::functional;
    const auto x = images(2, 3, 32, 1);
    const auto bilinear = resize_to_inception(x, P2GAN_RESIZE_PYTORCH_FID);
    ASSERT_EQ(bilinear.sizes(), (std::vector<int64_t>{2, 3, 299, 299}));
    const auto reference = F::interpolate(
        x, F::InterpolateFuncOptions().size(std::vector<int64_t>{299, 299}).mode(torch::kBilinear).align_corners(false));
    EXPECT_TRUE(torch::equal(bilinear, reference));
    // pytorch-fid resizes in [0, 1] and then maps 2x - 1: the same up to rounding.
    const auto via_unit = F::interpolate((x + 1) / 2, F::InterpolateFuncOptions()
                                                          .size(std::vector<int64_t>{299, 299})
                                                          .mode(torch::kBilinear)
                                                          .align_corners(false)) * 2 - 1;
    EXPECT_TRUE(torch::allclose(bilinear, via_unit, 0, 1e-5));

    const auto aa = resize_to_inception(x, P2GAN_RESIZE_ANTIALIASED);
    ASSERT_EQ(aa.sizes(), bilinear.sizes());
    EXPECT_FALSE(torch::allclose(aa, bilinear, 0, 1e-3));
    // Downscaling: the antialiased filter averages a fine checkerboard, plain bilinear aliases.
    auto checker = (torch::arange(598).remainder(2).view({1, 1, 1, 598}) +
                    torch::arange(598).remainder(2).view({1, 1, 598, 1})).remainder(2).to(torch::kFloat32) * 2 - 1;
    checker = checker.expand({1, 3, 598, 598}).contiguous();
    const auto smooth = resize_to_inception(checker, P2GAN_RESIZE_ANTIALIASED);
    EXPECT_LT(smooth.abs().max().item<float>(), 0.2f);
    // Grey is replicated; 299x299 passes unchanged.
    const auto grey = images(1, 1, 32, 2);
    EXPECT_TRUE(torch::equal(resize_to_inception(grey, P2GAN_RESIZE_PYTORCH_FID),
                             resize_to_inception(grey.expand({1, 3, 32, 32}).contiguous(), P2GAN_RESIZE_PYTORCH_FID)));
    const auto exact = images(1, 3, 299, 3);
    EXPECT_TRUE(torch::equal(resize_to_inception(exact, P2GAN_RESIZE_PYTORCH_FID), exact));
    refusal(P2GAN_STATUS_INVALID_ARGUMENT, [&] { resize_to_inception(x, 7); });
}

// clean-fid's "clean" mode: 8-bit levels, PIL bicubic, clip to [0, 255], (v - 128) / 128.
TEST(Inception, CleanModeQuantisesResizesAndClips) {
    namespace F = torch::nn::functional;
    // Sharp vertical stripes of black and white, 16 -> 299: bicubic overshoots at every edge.
    auto stripes = (torch::arange(16).floor_divide(2).remainder(2).to(torch::kFloat32) * 2 - 1).view({1, 1, 1, 16});
    stripes = stripes.expand({1, 3, 16, 16}).contiguous();
    const auto levels = ((stripes + 1) * 127.5).round().clamp(0, 255);
    const auto raw = F::interpolate(levels, F::InterpolateFuncOptions()
                                                .size(std::vector<int64_t>{299, 299})
                                                .mode(torch::kBicubic)
                                                .align_corners(false)
                                                .antialias(true));
    ASSERT_GT(raw.max().item<float>(), 255.5f);  // the overshoot the clip removes
    ASSERT_LT(raw.min().item<float>(), -0.5f);
    const auto clean = resize_to_inception(stripes, P2GAN_RESIZE_ANTIALIASED);
    ASSERT_EQ(clean.sizes(), (std::vector<int64_t>{1, 3, 299, 299}));
    EXPECT_FLOAT_EQ(clean.max().item<float>(), 127.0f / 128.0f);
    EXPECT_FLOAT_EQ(clean.min().item<float>(), -1.0f);
    EXPECT_TRUE(torch::allclose(clean, (raw.clamp(0, 255) - 128) / 128, 0, 1e-6));

    // Quantisation: less than half a level apart is the same image; a full level is not.
    const auto x = images(2, 3, 32, 7).clamp(-0.98, 0.98);
    const auto base = ((x + 1) * 127.5).round() / 127.5 - 1;  // on 8-bit levels
    const auto nudged = base + 0.4f / 127.5f;
    EXPECT_TRUE(torch::equal(resize_to_inception(base, P2GAN_RESIZE_ANTIALIASED),
                             resize_to_inception(nudged, P2GAN_RESIZE_ANTIALIASED)));
    EXPECT_FALSE(torch::allclose(resize_to_inception(base, P2GAN_RESIZE_PYTORCH_FID),
                                 resize_to_inception(nudged, P2GAN_RESIZE_PYTORCH_FID), 0, 1e-4));
    EXPECT_FALSE(torch::equal(resize_to_inception(base, P2GAN_RESIZE_ANTIALIASED),
                              resize_to_inception(base + 1.0f / 127.5f, P2GAN_RESIZE_ANTIALIASED)));

    // 299x299 is not resized, only quantised and normalised; out-of-range values are clipped.
    auto exact = images(1, 3, 299, 3);
    exact.index_put_({0, 0, 0, 0}, 1.5f);
    exact.index_put_({0, 0, 0, 1}, -1.5f);
    const auto same = resize_to_inception(exact, P2GAN_RESIZE_ANTIALIASED);
    EXPECT_TRUE(torch::equal(same, (((exact + 1) * 127.5).round().clamp(0, 255) - 128) / 128));
    EXPECT_FLOAT_EQ(same[0][0][0][0].item<float>(), 127.0f / 128.0f);
    EXPECT_FLOAT_EQ(same[0][0][0][1].item<float>(), -1.0f);
}

// ---- the network with random weights ---------------------------------------------------------

TEST(Inception, FeaturesAndLogitsHaveTheirShapesAndAreDeterministic) {
    LogCapture log;
    auto net = load_inception(files().safetensors.string(), torch::kCPU);
    EXPECT_EQ(net->kind(), P2GAN_FEATURE_NET_INCEPTION_FID);
    EXPECT_EQ(net->feature_dim(), 2048);
    EXPECT_EQ(net->logit_dim(), 1008);
    const auto x = images(2, 3, 32, 5);
    const auto a = net->extract(x, P2GAN_RESIZE_PYTORCH_FID);
    ASSERT_EQ(a.features.sizes(), (std::vector<int64_t>{2, 2048}));
    ASSERT_EQ(a.logits.sizes(), (std::vector<int64_t>{2, 1008}));
    EXPECT_TRUE(torch::isfinite(a.features).all().item<bool>());
    EXPECT_TRUE(torch::isfinite(a.logits).all().item<bool>());
    EXPECT_GE(a.features.min().item<float>(), 0.0f);  // average of ReLU outputs
    EXPECT_GT(a.features.max().item<float>(), 0.0f);
    EXPECT_FALSE(torch::equal(a.features[0], a.features[1]));
    // Logits are pool3 x fc.weight^T, without fc.bias (the original Inception Score).
    EXPECT_TRUE(torch::allclose(a.logits, torch::matmul(a.features, net->network()->fc->weight.t()), 1e-5, 1e-5));
    // Deterministic, and a batch gives what its images give alone.
    const auto b = net->extract(x.slice(0, 1, 2), P2GAN_RESIZE_PYTORCH_FID);
    EXPECT_TRUE(torch::allclose(b.features, a.features.slice(0, 1, 2), 1e-5, 1e-5));
    const auto c = net->extract(x.slice(0, 1, 2), P2GAN_RESIZE_PYTORCH_FID);
    EXPECT_TRUE(torch::equal(b.features, c.features));
    EXPECT_TRUE(torch::equal(b.logits, c.logits));
}

TEST(Inception, GreyImagesEqualTheirReplicatedRgb) {
    auto net = load_inception(files().safetensors.string(), torch::kCPU);
    const auto grey = images(1, 1, 16, 6);
    const auto a = net->extract(grey, P2GAN_RESIZE_ANTIALIASED);
    const auto b = net->extract(grey.expand({1, 3, 16, 16}).contiguous(), P2GAN_RESIZE_ANTIALIASED);
    EXPECT_TRUE(torch::equal(a.features, b.features));
}

// ---- the weight files -------------------------------------------------------------------

void expect_same_weights(InceptionFeatureNet& a, InceptionFeatureNet& b) {
    const auto pa = a.network()->named_parameters();
    const auto pb = b.network()->named_parameters();
    ASSERT_EQ(pa.size(), pb.size());
    for (const auto& p : pa) EXPECT_TRUE(torch::equal(p.value(), pb[p.key()])) << p.key();
    const auto ba = a.network()->named_buffers();
    const auto bb = b.network()->named_buffers();
    for (const auto& p : ba) EXPECT_TRUE(torch::equal(p.value(), bb[p.key()])) << p.key();
}

TEST(Inception, ZipLegacyAndSafetensorsLoadIdentically) {
    LogCapture log;  // the expected SHA-256 mismatch warnings
    const auto& f = files();
    auto from_safetensors = load_inception(f.safetensors.string(), torch::kCPU);
    auto from_zip = load_inception(f.zip.string(), torch::kCPU);
    auto from_legacy = load_inception(f.legacy.string(), torch::kCPU);
    EXPECT_EQ(from_safetensors->weights_info().format, "safetensors");
    EXPECT_EQ(from_zip->weights_info().format, "pth (zip)");
    EXPECT_EQ(from_legacy->weights_info().format, "pth (legacy)");
    expect_same_weights(*from_safetensors, *from_zip);
    expect_same_weights(*from_safetensors, *from_legacy);
    // The weights equal what was written.
    const auto params = from_legacy->network()->named_parameters();
    for (const auto& [name, tensor] : f.state) {
        if (name == "fc.weight" || name == "Mixed_7c.branch_pool.conv.weight") {
            EXPECT_TRUE(torch::equal(params[name], tensor)) << name;
        }
    }
    const auto x = images(1, 3, 32, 9);
    const auto a = from_zip->extract(x, P2GAN_RESIZE_PYTORCH_FID);
    const auto b = from_legacy->extract(x, P2GAN_RESIZE_PYTORCH_FID);
    EXPECT_TRUE(torch::equal(a.features, b.features));
    EXPECT_TRUE(torch::equal(a.logits, b.logits));
}

TEST(Inception, PthReaderReadsSharedStoragesAndBothFormatsAlike) {
    NamedTensors small = {{"a", torch::arange(6, torch::kFloat32).view({2, 3})},
                          {"b", torch::tensor({7.5f, -1.0f})},
                          {"c", torch::tensor(int64_t{42})},
                          {"d", torch::arange(4, torch::kFloat64)}};
    const auto legacy = read_pth_state_dict_bytes(testing::legacy_pth_bytes(small, /*share_storage_pairs=*/true), "t");
    const auto zip_path = temp_file("small.pth");
    write_zip_pth(zip_path, small);
    const auto zip = read_pth_state_dict(zip_path.string());
    fs::remove(zip_path);
    EXPECT_EQ(legacy.format, PthFormat::Legacy);
    EXPECT_EQ(zip.format, PthFormat::Zip);
    for (const auto* read : {&legacy, &zip}) {
        ASSERT_EQ(read->tensors.size(), small.size());
        for (size_t i = 0; i < small.size(); ++i) {
            EXPECT_EQ(read->tensors[i].first, small[i].first);
            EXPECT_EQ(read->tensors[i].second.scalar_type(), small[i].second.scalar_type());
            EXPECT_TRUE(torch::equal(read->tensors[i].second, small[i].second)) << small[i].first;
        }
    }
}

TEST(Inception, Sha256IsReportedAndAMismatchIsAWarningNotAnError) {
    Sha256 empty;
    EXPECT_EQ(empty.hex_digest(), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    Sha256 abc;
    abc.update("abc", 3);
    EXPECT_EQ(abc.hex_digest(), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    Sha256 long_input;  // spans several blocks, fed in odd pieces
    const std::string million(1000000, 'a');
    for (size_t i = 0; i < million.size(); i += 999) long_input.update(million.data() + i, std::min<size_t>(999, million.size() - i));
    EXPECT_EQ(long_input.hex_digest(), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");

    LogCapture log;
    auto net = load_inception(files().legacy.string(), torch::kCPU);
    const auto& info = net->weights_info();
    EXPECT_EQ(info.sha256, sha256_file_hex(files().legacy.string()));
    EXPECT_FALSE(info.matches_published);
    bool warned = false;
    for (const auto& [level, message] : log.messages) {
        if (level == P2GAN_LOG_WARNING && contains(message, "SHA-256 is " + info.sha256) &&
            contains(message, "expected prefix 6726825d") && contains(message, "MISMATCH")) {
            warned = true;
        }
    }
    EXPECT_TRUE(warned);
}

TEST(Inception, WrongTruncatedAndMissingFilesAreRefusedClearly) {
    LogCapture log;
    const auto& f = files();
    // Missing.
    auto m = refusal(P2GAN_STATUS_IO_ERROR, [&] { load_inception(temp_file("absent.pth").string(), torch::kCPU); });
    EXPECT_TRUE(contains(m, "cannot open")) << m;
    // Not a .pth at all.
    const auto garbage = temp_file("garbage.pth");
    write_bytes(garbage, "this is not a weights file");
    m = refusal(P2GAN_STATUS_IO_ERROR, [&] { load_inception(garbage.string(), torch::kCPU); });
    EXPECT_TRUE(contains(m, "neither a zip archive")) << m;
    // Truncated legacy file: cut inside the storage records, and inside the pickle.
    const auto legacy_bytes = read_bytes(f.legacy);
    const auto cut = temp_file("cut.pth");
    write_bytes(cut, legacy_bytes.substr(0, legacy_bytes.size() / 2));
    m = refusal(P2GAN_STATUS_IO_ERROR, [&] { load_inception(cut.string(), torch::kCPU); });
    EXPECT_TRUE(contains(m, "truncated")) << m;
    write_bytes(cut, legacy_bytes.substr(0, 2000));
    m = refusal(P2GAN_STATUS_IO_ERROR, [&] { load_inception(cut.string(), torch::kCPU); });
    EXPECT_TRUE(contains(m, "truncated")) << m;
    // Truncated zip.
    const auto zip_bytes = read_bytes(f.zip);
    write_bytes(cut, zip_bytes.substr(0, zip_bytes.size() - 100));
    m = refusal(P2GAN_STATUS_IO_ERROR, [&] { load_inception(cut.string(), torch::kCPU); });
    EXPECT_TRUE(contains(m, "zip")) << m;
    // Truncated safetensors.
    const auto st_bytes = read_bytes(f.safetensors);
    const auto cut_st = temp_file("cut.safetensors");
    write_bytes(cut_st, st_bytes.substr(0, st_bytes.size() / 3));
    m = refusal(P2GAN_STATUS_IO_ERROR, [&] { load_inception(cut_st.string(), torch::kCPU); });
    EXPECT_TRUE(contains(m, "safetensors")) << m;
    // Wrong contents: a missing tensor, a wrong shape, an extra name (small files: the
    // check runs before anything is computed).
    auto state = random_state(3, /*with_batch_counters=*/false);
    auto missing = state;
    missing.erase(missing.begin() + 10);
    write_safetensors(cut_st.string(), missing, {});
    m = refusal(P2GAN_STATUS_IO_ERROR, [&] { load_inception(cut_st.string(), torch::kCPU); });
    EXPECT_TRUE(contains(m, "does not hold pytorch-fid's Inception-v3 weights") && contains(m, "missing") &&
                contains(m, state[10].first))
        << m;
    auto reshaped = state;
    reshaped.back().second = torch::zeros({1000});
    write_bytes(cut, testing::legacy_pth_bytes(reshaped));
    m = refusal(P2GAN_STATUS_IO_ERROR, [&] { load_inception(cut.string(), torch::kCPU); });
    EXPECT_TRUE(contains(m, "\"fc.bias\" has shape [1000], expected [1008]")) << m;
    auto extra = state;
    extra.emplace_back("AuxLogits.fc.weight", torch::zeros({1000, 768}));
    write_zip_pth(cut, extra);
    m = refusal(P2GAN_STATUS_IO_ERROR, [&] { load_inception(cut.string(), torch::kCPU); });
    EXPECT_TRUE(contains(m, "unexpected tensor \"AuxLogits.fc.weight\"")) << m;
    // A pickle that calls something other than the state-dict globals is refused unrun.
    testing::PickleWriter evil;
    evil.proto();
    evil.global("os", "system");
    evil.str("echo owned");
    evil.op('\x85');
    evil.op('R');
    evil.stop();
    m = refusal(P2GAN_STATUS_IO_ERROR, [&] { read_pth_state_dict_bytes(evil.bytes, "evil.pth"); });
    EXPECT_TRUE(contains(m, "os.system")) << m;
    std::error_code ec;
    for (const auto& p : {garbage, cut, cut_st}) fs::remove(p, ec);
}

// ---- hostile nesting: refused, never a stack overflow ----------------------------------

// The first three pickles of a legacy torch.save file (magic, protocol 1001, sys info {}),
// after which the object pickle follows.
std::string legacy_prefix() {
    std::string b("\x80\x02\x8a\x0a", 4);
    const unsigned char magic[] = {0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19};
    b.append(reinterpret_cast<const char*>(magic), sizeof magic);
    b += '.';
    b += std::string("\x80\x02M\xe9\x03.", 6);  // BININT2 1001
    b += "\x80\x02}.";
    return b;
}

TEST(PthReader, DeeplyNestedListsAreRefusedNamingTheDepth) {
    // [[[[...]]]] nested 100000 deep: EMPTY_LIST x 100000, APPEND x 99999.
    constexpr int kLevels = 100000;
    std::string bytes = legacy_prefix() + "\x80\x02";
    bytes += std::string(kLevels, ']');
    bytes += std::string(kLevels - 1, 'a');
    bytes += '.';
    auto m = refusal(P2GAN_STATUS_IO_ERROR, [&] { read_pth_state_dict_bytes(bytes, "nested.pth"); });
    EXPECT_TRUE(contains(m, "nested.pth") && contains(m, "nested 1001 levels deep") && contains(m, "1000")) << m;
    // The same as nested tuples (MARK ... TUPLE and TUPLE1).
    std::string tuples = legacy_prefix() + "\x80\x02" + std::string(kLevels, '(') + ")" + std::string(kLevels, 't') + ".";
    m = refusal(P2GAN_STATUS_IO_ERROR, [&] { read_pth_state_dict_bytes(tuples, "tuples.pth"); });
    EXPECT_TRUE(contains(m, "tuples.pth") && contains(m, "levels deep")) << m;
    std::string tuple1 = legacy_prefix() + "\x80\x02)" + std::string(kLevels, '\x85') + ".";
    m = refusal(P2GAN_STATUS_IO_ERROR, [&] { read_pth_state_dict_bytes(tuple1, "tuple1.pth"); });
    EXPECT_TRUE(contains(m, "tuple1.pth") && contains(m, "levels deep")) << m;
    // And through the file reader, as p2gan_inception_load reads it.
    const auto path = temp_file("nested.pth");
    write_bytes(path, bytes);
    m = refusal(P2GAN_STATUS_IO_ERROR, [&] { load_inception(path.string(), torch::kCPU); });
    EXPECT_TRUE(contains(m, path.string()) && contains(m, "levels deep")) << m;
    std::error_code ec;
    fs::remove(path, ec);
}

TEST(PthReader, NestingBuiltThroughTheMemoIsTornDownWithoutRecursion) {
    // Each new list is appended to the previous one fetched back from the memo, then the
    // previous one is dropped (BUILD pops it): the depth seen at each APPEND stays 1, but
    // the chain is 300000 lists deep, and destroying it recursively would overflow the stack.
    constexpr int kLevels = 300000;
    std::string bytes = legacy_prefix() + "\x80\x02" + "]q\x01";
    for (int i = 0; i < kLevels; ++i) bytes += "h\x01]q\x01" "ab";
    bytes += '.';
    bytes += "\x80\x02].";  // the (empty) storage key list
    const auto m = refusal(P2GAN_STATUS_IO_ERROR, [&] { read_pth_state_dict_bytes(bytes, "memo.pth"); });
    EXPECT_TRUE(contains(m, "memo.pth") && contains(m, "is a list, not a dict")) << m;
}

// ---- crafted shapes and strides: a status naming the problem, never a crash or a bomb ----

TEST(PthReader, CraftedViewsAreRefusedNamingTheProblem) {
    const std::vector<std::pair<std::string, torch::Tensor>> state = {{"w", torch::zeros({4})}};
    auto refused = [&](const testing::DeclaredView& view) {
        const auto bytes = testing::legacy_pth_bytes(state, false, {{"w", view}});
        return refusal(P2GAN_STATUS_IO_ERROR, [&] { read_pth_state_dict_bytes(bytes, "crafted.pth"); });
    };
    constexpr int64_t kHuge = int64_t{1} << 40;
    auto m = refused({{kHuge, kHuge}, {kHuge, 1}, 0});  // the last index overflows int64
    EXPECT_TRUE(contains(m, "crafted.pth") && contains(m, "overflow")) << m;
    m = refused({{int64_t{1} << 30}, {0}, 0});  // 4 GB of float claimed over a 4-element storage
    EXPECT_TRUE(contains(m, "1073741824 elements over a storage of 4") && contains(m, "zero or overlapping stride")) << m;
    m = refused({{-3}, {1}, 0});
    EXPECT_TRUE(contains(m, "negative or overflowing size [-3]")) << m;
    m = refused({{2}, {-1}, 1});
    EXPECT_TRUE(contains(m, "negative stride")) << m;
    m = refused({{2}, {1}, -1});
    EXPECT_TRUE(contains(m, "negative storage offset")) << m;
    m = refused({{5}, {1}, 0});
    EXPECT_TRUE(contains(m, "reaches past the end of its storage (4 elements)")) << m;
    m = refused({{kHuge, kHuge, kHuge, 0}, {1, 1, 1, 1}, 0});  // empty, yet its sizes overflow
    EXPECT_TRUE(contains(m, "negative or overflowing size")) << m;
    // The declared view of a well-formed file still loads.
    const auto ok = read_pth_state_dict_bytes(testing::legacy_pth_bytes(state, false, {{"w", {{2, 2}, {2, 1}, 0}}}), "ok.pth");
    EXPECT_EQ(ok.tensors.at(0).second.sizes().vec(), (std::vector<int64_t>{2, 2}));
}

TEST(Safetensors, CraftedShapesAndMetadataAreRefusedNamingTheProblem) {
    const auto path = temp_file("crafted.safetensors");
    auto refused = [&](const std::string& header, size_t data_bytes) {
        write_bytes(path, safetensors_bytes(header, data_bytes));
        return refusal(P2GAN_STATUS_IO_ERROR, [&] { read_safetensors(path.string()); });
    };
    auto m = refused(R"({"w":{"dtype":"F32","shape":[-1,4],"data_offsets":[0,16]}})", 16);
    EXPECT_TRUE(contains(m, "tensor w has a negative or overflowing shape [-1, 4]")) << m;
    m = refused(R"({"w":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,16]}})", 16);
    EXPECT_TRUE(contains(m, "negative or overflowing shape")) << m;
    m = refused(R"({"w":{"dtype":"F32","shape":[1073741824],"data_offsets":[0,16]}})", 16);  // 4 GB claimed by 16 bytes
    EXPECT_TRUE(contains(m, "holds 16 bytes, its shape [1073741824] needs more")) << m;
    m = refused(R"({"w":{"dtype":"F32","shape":[3],"data_offsets":[0,16]}})", 16);
    EXPECT_TRUE(contains(m, "holds 16 bytes, its shape needs 12")) << m;
    m = refused(R"({"__metadata__":{"a":1},"w":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}})", 16);
    EXPECT_TRUE(contains(m, "__metadata__")) << m;
    std::map<std::string, std::string> metadata;
    write_bytes(path, safetensors_bytes(R"({"__metadata__":{"a":"1"},"w":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}})", 16));
    EXPECT_EQ(read_safetensors(path.string(), &metadata).at(0).second.numel(), 4);
    EXPECT_EQ(metadata.at("a"), "1");
    std::error_code ec;
    fs::remove(path, ec);
}

}  // namespace
}  // namespace p2gan
