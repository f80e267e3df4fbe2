// The Fashion-MNIST classifier and the feature-network ABI as a host sees them: shapes,
// determinism under a seed, learning on a separable toy set, a bit-exact save/load
// round trip, and argument checks (NULLs, bad shapes, labels, non-finite input).
#include <gtest/gtest.h>

#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <string>
#include <vector>

#include "p2gan/p2gan.h"

namespace {

namespace fs = std::filesystem;

constexpr int64_t kBatch = 16;
constexpr int64_t kSide = 28;
constexpr size_t kImage = kSide * kSide;
constexpr int32_t kFeatures = 128;
constexpr int32_t kClasses = 10;

std::string last_error() { return p2gan_last_error(); }

// Class k lights up a horizontal band k of the image (bands are disjoint), so the
// classes are separable; a deterministic ripple keeps the images distinct.
void toy_batch(std::vector<float>& images, std::vector<int32_t>& labels) {
    images.assign(kBatch * kImage, -1.0f);
    labels.assign(kBatch, 0);
    for (int64_t i = 0; i < kBatch; ++i) {
        const int32_t label = static_cast<int32_t>(i % kClasses);
        labels[i] = label;
        for (int64_t y = 0; y < kSide; ++y) {
            for (int64_t x = 0; x < kSide; ++x) {
                const bool on = y >= label * 2 + 4 && y < label * 2 + 6;
                const float ripple = 0.05f * std::sin(0.7f * static_cast<float>(x + i));
                images[i * kImage + y * kSide + x] = (on ? 0.8f : -0.8f) + ripple;
            }
        }
    }
}

class Classifier : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_EQ(p2gan_classifier_create("cpu", 7, &cls_), P2GAN_STATUS_OK) << last_error();
        ASSERT_EQ(p2gan_classifier_feature_net(cls_, &net_), P2GAN_STATUS_OK) << last_error();
        toy_batch(images_, labels_);
        dir_ = fs::temp_directory_path() / ("p2gan_cls_" + std::to_string(::getpid()));
        fs::create_directories(dir_);
    }
    void TearDown() override {
        p2gan_feature_net_destroy(net_);
        p2gan_classifier_destroy(cls_);
        fs::remove_all(dir_);
    }
    void expect_error(p2gan_status status, p2gan_status expected, const std::string& fragment) {
        EXPECT_EQ(status, expected) << last_error();
        EXPECT_NE(last_error().find(fragment), std::string::npos) << "message: " << last_error();
    }
    std::string path(const char* name) const { return (dir_ / name).string(); }

    p2gan_status extract(p2gan_feature_net* net, std::vector<float>& features, std::vector<float>& logits,
                         const int64_t* shape = nullptr, const std::vector<float>* images = nullptr) {
        const auto& x = images == nullptr ? images_ : *images;
        const int64_t* s = shape == nullptr ? shape_ : shape;
        features.assign(s[0] * kFeatures, 0.0f);
        logits.assign(s[0] * kClasses, 0.0f);
        return p2gan_feature_net_extract(net, x.data(), x.size(), s, 4, P2GAN_RESIZE_PYTORCH_FID, features.data(),
                                         features.size(), logits.data(), logits.size());
    }
    // Features and logits of the classifier's current weights (through a fresh feature net).
    p2gan_status extract(p2gan_classifier* classifier, std::vector<float>& features, std::vector<float>& logits) {
        p2gan_feature_net* net = nullptr;
        const auto status = p2gan_classifier_feature_net(classifier, &net);
        if (status != P2GAN_STATUS_OK) return status;
        const auto result = extract(net, features, logits);
        p2gan_feature_net_destroy(net);
        return result;
    }
    float step(float lr = 1e-3f) {
        float loss = -1.0f;
        EXPECT_EQ(p2gan_classifier_train_step(cls_, images_.data(), images_.size(), shape_, 4, labels_.data(),
                                              labels_.size(), lr, &loss),
                  P2GAN_STATUS_OK)
            << last_error();
        return loss;
    }

    p2gan_classifier* cls_ = nullptr;
    p2gan_feature_net* net_ = nullptr;  // a copy of cls_ as created (untrained)
    int64_t shape_[4] = {kBatch, 1, kSide, kSide};
    std::vector<float> images_;
    std::vector<int32_t> labels_;
    fs::path dir_;
};

TEST_F(Classifier, InfoAndShapes) {
    int32_t kind = -1, feature_dim = -1, logit_dim = -1;
    ASSERT_EQ(p2gan_feature_net_info(net_, &kind, &feature_dim, &logit_dim), P2GAN_STATUS_OK) << last_error();
    EXPECT_EQ(kind, P2GAN_FEATURE_NET_FASHION_MNIST_CLASSIFIER);
    EXPECT_EQ(feature_dim, kFeatures);
    EXPECT_EQ(logit_dim, kClasses);

    std::vector<float> features, logits;
    ASSERT_EQ(extract(net_, features, logits), P2GAN_STATUS_OK) << last_error();
    for (float f : features) {
        ASSERT_TRUE(std::isfinite(f));
        ASSERT_GE(f, 0.0f) << "features are taken after the ReLU";
    }

    // Either output alone.
    ASSERT_EQ(p2gan_feature_net_extract(net_, images_.data(), images_.size(), shape_, 4, 0, features.data(),
                                        features.size(), nullptr, 0),
              P2GAN_STATUS_OK)
        << last_error();
    ASSERT_EQ(p2gan_feature_net_extract(net_, images_.data(), images_.size(), shape_, 4, 0, nullptr, 0, logits.data(),
                                        logits.size()),
              P2GAN_STATUS_OK)
        << last_error();
}

TEST_F(Classifier, OtherSizesAndRgbAreAccepted) {
    // 32x32 grey is resized to 28x28; a 3-channel image of equal planes is the same grey.
    const int64_t grey_shape[4] = {2, 1, 32, 32};
    std::vector<float> grey(2 * 32 * 32);
    for (size_t i = 0; i < grey.size(); ++i) grey[i] = std::sin(0.01f * static_cast<float>(i));
    std::vector<float> rgb;
    for (int b = 0; b < 2; ++b) {
        for (int c = 0; c < 3; ++c) rgb.insert(rgb.end(), grey.begin() + b * 1024, grey.begin() + (b + 1) * 1024);
    }
    const int64_t rgb_shape[4] = {2, 3, 32, 32};
    std::vector<float> f1, l1, f2, l2;
    ASSERT_EQ(extract(net_, f1, l1, grey_shape, &grey), P2GAN_STATUS_OK) << last_error();
    ASSERT_EQ(extract(net_, f2, l2, rgb_shape, &rgb), P2GAN_STATUS_OK) << last_error();
    for (size_t i = 0; i < f1.size(); ++i) ASSERT_NEAR(f1[i], f2[i], 1e-4f);
}

TEST_F(Classifier, SameSeedSameNetworkAndSameTraining) {
    p2gan_classifier* twin = nullptr;
    p2gan_classifier* other = nullptr;
    ASSERT_EQ(p2gan_classifier_create(nullptr, 7, &twin), P2GAN_STATUS_OK) << last_error();
    ASSERT_EQ(p2gan_classifier_create("cpu", 8, &other), P2GAN_STATUS_OK) << last_error();
    float loss_a = 0, loss_b = 0;
    for (int i = 0; i < 3; ++i) {
        loss_a = step();
        ASSERT_EQ(p2gan_classifier_train_step(twin, images_.data(), images_.size(), shape_, 4, labels_.data(),
                                              labels_.size(), 1e-3f, &loss_b),
                  P2GAN_STATUS_OK);
        EXPECT_EQ(loss_a, loss_b);
    }
    std::vector<float> fa, la, fb, lb, fo, lo;
    ASSERT_EQ(extract(cls_, fa, la), P2GAN_STATUS_OK);
    ASSERT_EQ(extract(twin, fb, lb), P2GAN_STATUS_OK);
    ASSERT_EQ(extract(other, fo, lo), P2GAN_STATUS_OK);
    EXPECT_EQ(fa, fb);
    EXPECT_EQ(la, lb);
    EXPECT_NE(la, lo);
    p2gan_classifier_destroy(twin);
    p2gan_classifier_destroy(other);
}

TEST_F(Classifier, FeatureNetHoldsACopyOfTheWeights) {
    // net_ was taken before any training: training the classifier must not change it,
    // while a feature net taken afterwards sees the new weights.
    std::vector<float> before_f, before_l, after_f, after_l, copy_f, copy_l;
    ASSERT_EQ(extract(net_, before_f, before_l), P2GAN_STATUS_OK) << last_error();
    for (int i = 0; i < 3; ++i) step(3e-3f);
    ASSERT_EQ(extract(net_, after_f, after_l), P2GAN_STATUS_OK) << last_error();
    EXPECT_EQ(before_l, after_l);
    EXPECT_EQ(before_f, after_f);
    ASSERT_EQ(extract(cls_, copy_f, copy_l), P2GAN_STATUS_OK) << last_error();
    EXPECT_NE(copy_l, before_l);
}

TEST_F(Classifier, AFewStepsReduceTheLossOnASeparableSet) {
    const float first = step(3e-3f);
    float last = first;
    for (int i = 0; i < 30; ++i) last = step(3e-3f);
    EXPECT_LT(last, 0.5f * first) << "first " << first << ", last " << last;

    std::vector<float> features, logits;
    ASSERT_EQ(extract(cls_, features, logits), P2GAN_STATUS_OK);
    int correct = 0;
    for (int64_t i = 0; i < kBatch; ++i) {
        int best = 0;
        for (int c = 1; c < kClasses; ++c) {
            if (logits[i * kClasses + c] > logits[i * kClasses + best]) best = c;
        }
        correct += best == labels_[i] ? 1 : 0;
    }
    EXPECT_EQ(correct, kBatch);
}

TEST_F(Classifier, SaveLoadRoundTripIsBitExact) {
    for (int i = 0; i < 3; ++i) step();
    const auto file = path("cls.bin");
    ASSERT_EQ(p2gan_classifier_save(cls_, file.c_str()), P2GAN_STATUS_OK) << last_error();
    EXPECT_FALSE(fs::exists(file + ".tmp"));
    p2gan_classifier* loaded = nullptr;
    ASSERT_EQ(p2gan_classifier_load(file.c_str(), "cpu", &loaded), P2GAN_STATUS_OK) << last_error();

    std::vector<float> fa, la, fb, lb, fc, lc;
    ASSERT_EQ(extract(cls_, fa, la), P2GAN_STATUS_OK);
    ASSERT_EQ(extract(loaded, fb, lb), P2GAN_STATUS_OK);
    EXPECT_EQ(fa, fb);
    EXPECT_EQ(la, lb);
    // The same file opened as a feature network computes the same features.
    p2gan_feature_net* as_net = nullptr;
    ASSERT_EQ(p2gan_feature_net_load_classifier(file.c_str(), "cpu", &as_net), P2GAN_STATUS_OK) << last_error();
    int32_t kind = -1, feature_dim = -1, logit_dim = -1;
    ASSERT_EQ(p2gan_feature_net_info(as_net, &kind, &feature_dim, &logit_dim), P2GAN_STATUS_OK) << last_error();
    EXPECT_EQ(kind, P2GAN_FEATURE_NET_FASHION_MNIST_CLASSIFIER);
    ASSERT_EQ(extract(as_net, fc, lc), P2GAN_STATUS_OK) << last_error();
    EXPECT_EQ(fa, fc);
    EXPECT_EQ(la, lc);
    p2gan_feature_net_destroy(as_net);

    // The optimizer state travels too: the next step is identical.
    float loss_a = 0, loss_b = 0;
    ASSERT_EQ(p2gan_classifier_train_step(cls_, images_.data(), images_.size(), shape_, 4, labels_.data(),
                                          labels_.size(), 1e-3f, &loss_a),
              P2GAN_STATUS_OK);
    ASSERT_EQ(p2gan_classifier_train_step(loaded, images_.data(), images_.size(), shape_, 4, labels_.data(),
                                          labels_.size(), 1e-3f, &loss_b),
              P2GAN_STATUS_OK);
    EXPECT_EQ(loss_a, loss_b);
    ASSERT_EQ(extract(cls_, fa, la), P2GAN_STATUS_OK);
    ASSERT_EQ(extract(loaded, fb, lb), P2GAN_STATUS_OK);
    EXPECT_EQ(la, lb);
    p2gan_classifier_destroy(loaded);
}

TEST_F(Classifier, FileErrorsCarryTheirStatus) {
    p2gan_classifier* loaded = reinterpret_cast<p2gan_classifier*>(0x1);
    expect_error(p2gan_classifier_load(path("missing.bin").c_str(), "cpu", &loaded), P2GAN_STATUS_IO_ERROR,
                 "cannot open");
    EXPECT_EQ(loaded, nullptr);
    {
        std::ofstream junk(path("junk.bin"), std::ios::binary);
        junk << "not a classifier at all";
    }
    expect_error(p2gan_classifier_load(path("junk.bin").c_str(), "cpu", &loaded), P2GAN_STATUS_CHECKPOINT_MISMATCH,
                 "bad magic");
    expect_error(p2gan_classifier_load(nullptr, "cpu", &loaded), P2GAN_STATUS_INVALID_ARGUMENT, "path");
    expect_error(p2gan_classifier_load("", "cpu", &loaded), P2GAN_STATUS_INVALID_ARGUMENT, "path is empty");
    expect_error(p2gan_classifier_load(path("junk.bin").c_str(), "cpu", nullptr), P2GAN_STATUS_INVALID_ARGUMENT,
                 "out_classifier");
    expect_error(p2gan_classifier_save(cls_, nullptr), P2GAN_STATUS_INVALID_ARGUMENT, "path");
    p2gan_feature_net* as_net = reinterpret_cast<p2gan_feature_net*>(0x1);
    expect_error(p2gan_feature_net_load_classifier(path("missing.bin").c_str(), "cpu", &as_net), P2GAN_STATUS_IO_ERROR,
                 "cannot open");
    EXPECT_EQ(as_net, nullptr);
    expect_error(p2gan_feature_net_load_classifier(path("junk.bin").c_str(), "cpu", &as_net),
                 P2GAN_STATUS_CHECKPOINT_MISMATCH, "bad magic");
    expect_error(p2gan_feature_net_load_classifier(nullptr, "cpu", &as_net), P2GAN_STATUS_INVALID_ARGUMENT, "path");
    expect_error(p2gan_feature_net_load_classifier(path("junk.bin").c_str(), "cpu", nullptr),
                 P2GAN_STATUS_INVALID_ARGUMENT, "out_net");
}

TEST_F(Classifier, NullsAreRefused) {
    float loss = 0;
    int32_t a = 0, b = 0, c = 0;
    std::vector<float> features(kBatch * kFeatures), logits(kBatch * kClasses);
    expect_error(p2gan_classifier_create("cpu", 1, nullptr), P2GAN_STATUS_INVALID_ARGUMENT, "out_classifier");
    expect_error(p2gan_classifier_train_step(nullptr, images_.data(), images_.size(), shape_, 4, labels_.data(),
                                             labels_.size(), 1e-3f, &loss),
                 P2GAN_STATUS_INVALID_ARGUMENT, "classifier");
    p2gan_feature_net* copy = reinterpret_cast<p2gan_feature_net*>(0x1);
    expect_error(p2gan_classifier_feature_net(nullptr, &copy), P2GAN_STATUS_INVALID_ARGUMENT, "classifier");
    EXPECT_EQ(copy, nullptr);
    expect_error(p2gan_classifier_feature_net(cls_, nullptr), P2GAN_STATUS_INVALID_ARGUMENT, "out_net");
    p2gan_classifier_destroy(nullptr);  // accepted
    expect_error(p2gan_classifier_train_step(cls_, nullptr, images_.size(), shape_, 4, labels_.data(), labels_.size(),
                                             1e-3f, &loss),
                 P2GAN_STATUS_INVALID_ARGUMENT, "images");
    expect_error(p2gan_classifier_train_step(cls_, images_.data(), images_.size(), nullptr, 4, labels_.data(),
                                             labels_.size(), 1e-3f, &loss),
                 P2GAN_STATUS_INVALID_ARGUMENT, "shape");
    expect_error(p2gan_classifier_train_step(cls_, images_.data(), images_.size(), shape_, 4, nullptr, labels_.size(),
                                             1e-3f, &loss),
                 P2GAN_STATUS_INVALID_ARGUMENT, "labels");
    expect_error(p2gan_classifier_train_step(cls_, images_.data(), images_.size(), shape_, 4, labels_.data(),
                                             labels_.size(), 1e-3f, nullptr),
                 P2GAN_STATUS_INVALID_ARGUMENT, "out_loss");
    expect_error(p2gan_classifier_save(nullptr, path("x").c_str()), P2GAN_STATUS_INVALID_ARGUMENT, "classifier");
    expect_error(p2gan_feature_net_info(nullptr, &a, &b, &c), P2GAN_STATUS_INVALID_ARGUMENT, "net");
    expect_error(p2gan_feature_net_info(net_, nullptr, &b, &c), P2GAN_STATUS_INVALID_ARGUMENT, "out_kind");
    expect_error(p2gan_feature_net_extract(nullptr, images_.data(), images_.size(), shape_, 4, 0, features.data(),
                                           features.size(), logits.data(), logits.size()),
                 P2GAN_STATUS_INVALID_ARGUMENT, "net");
    expect_error(p2gan_feature_net_extract(net_, nullptr, images_.size(), shape_, 4, 0, features.data(),
                                           features.size(), logits.data(), logits.size()),
                 P2GAN_STATUS_INVALID_ARGUMENT, "images");
    p2gan_feature_net_destroy(nullptr);  // accepted
}

TEST_F(Classifier, BadShapesLabelsAndValuesAreRefused) {
    float loss = 0;
    std::vector<float> features(kBatch * kFeatures), logits(kBatch * kClasses);
    auto train = [&](const float* x, size_t n, const int64_t* s, size_t rank, const int32_t* y, size_t m, float lr) {
        return p2gan_classifier_train_step(cls_, x, n, s, rank, y, m, lr, &loss);
    };
    expect_error(train(images_.data(), images_.size(), shape_, 3, labels_.data(), labels_.size(), 1e-3f),
                 P2GAN_STATUS_INVALID_ARGUMENT, "rank 4");
    expect_error(train(images_.data(), images_.size() - 1, shape_, 4, labels_.data(), labels_.size(), 1e-3f),
                 P2GAN_STATUS_INVALID_ARGUMENT, "floats");
    const int64_t non_square[4] = {kBatch, 1, 28, 14};
    expect_error(train(images_.data(), kBatch * 28 * 14, non_square, 4, labels_.data(), labels_.size(), 1e-3f),
                 P2GAN_STATUS_INVALID_ARGUMENT, "square");
    const int64_t two_channels[4] = {kBatch / 2, 2, 28, 28};
    expect_error(train(images_.data(), images_.size(), two_channels, 4, labels_.data(), labels_.size(), 1e-3f),
                 P2GAN_STATUS_INVALID_ARGUMENT, "channels");
    expect_error(train(images_.data(), images_.size(), shape_, 4, labels_.data(), labels_.size() - 1, 1e-3f),
                 P2GAN_STATUS_INVALID_ARGUMENT, "labels");
    auto bad_labels = labels_;
    bad_labels[3] = 10;
    expect_error(train(images_.data(), images_.size(), shape_, 4, bad_labels.data(), bad_labels.size(), 1e-3f),
                 P2GAN_STATUS_INVALID_ARGUMENT, "labels[3]");
    bad_labels[3] = -1;
    expect_error(train(images_.data(), images_.size(), shape_, 4, bad_labels.data(), bad_labels.size(), 1e-3f),
                 P2GAN_STATUS_INVALID_ARGUMENT, "labels[3]");
    expect_error(train(images_.data(), images_.size(), shape_, 4, labels_.data(), labels_.size(), 0.0f),
                 P2GAN_STATUS_INVALID_ARGUMENT, "learning_rate");
    expect_error(train(images_.data(), images_.size(), shape_, 4, labels_.data(), labels_.size(),
                       std::numeric_limits<float>::quiet_NaN()),
                 P2GAN_STATUS_INVALID_ARGUMENT, "learning_rate");
    auto nan_images = images_;
    nan_images[5] = std::numeric_limits<float>::quiet_NaN();
    expect_error(train(nan_images.data(), nan_images.size(), shape_, 4, labels_.data(), labels_.size(), 1e-3f),
                 P2GAN_STATUS_NON_FINITE_INPUT, "non-finite");
    expect_error(p2gan_feature_net_extract(net_, nan_images.data(), nan_images.size(), shape_, 4, 0, features.data(),
                                           features.size(), logits.data(), logits.size()),
                 P2GAN_STATUS_NON_FINITE_INPUT, "non-finite");
    auto loud = images_;
    loud[0] = 3.0f;
    expect_error(train(loud.data(), loud.size(), shape_, 4, labels_.data(), labels_.size(), 1e-3f),
                 P2GAN_STATUS_INVALID_ARGUMENT, "[-1, 1]");
    // Outputs of the wrong size, an unknown resize mode.
    expect_error(p2gan_feature_net_extract(net_, images_.data(), images_.size(), shape_, 4, 0, features.data(),
                                           features.size() - 1, nullptr, 0),
                 P2GAN_STATUS_INVALID_ARGUMENT, "out_features");
    expect_error(p2gan_feature_net_extract(net_, images_.data(), images_.size(), shape_, 4, 7, features.data(),
                                           features.size(), nullptr, 0),
                 P2GAN_STATUS_INVALID_ARGUMENT, "resize_mode");

    // Nothing was trained on: the network still equals a fresh one from the same seed.
    p2gan_classifier* fresh = nullptr;
    ASSERT_EQ(p2gan_classifier_create("cpu", 7, &fresh), P2GAN_STATUS_OK);
    std::vector<float> fa, la, fb, lb;
    ASSERT_EQ(extract(cls_, fa, la), P2GAN_STATUS_OK);
    ASSERT_EQ(extract(fresh, fb, lb), P2GAN_STATUS_OK);
    EXPECT_EQ(la, lb);
    p2gan_classifier_destroy(fresh);
}

TEST(FeatureNets, InceptionLoadReportsAStatus) {
    p2gan_feature_net* net = reinterpret_cast<p2gan_feature_net*>(0x1);
    EXPECT_NE(p2gan_inception_load("/nonexistent/pt_inception.pth", "cpu", &net), P2GAN_STATUS_OK);
    EXPECT_EQ(net, nullptr);
    EXPECT_FALSE(std::string(p2gan_last_error()).empty());
}

}  // namespace
