// The project's Fashion-MNIST classifier: a small CNN whose penultimate layer drives
// "FMNIST-FID", KID and precision/recall on Fashion-MNIST runs.
//
// Architecture (input [B, 1, 28, 28] in [-1, 1]):
//   conv 3x3, 1 -> 32, pad 1 | BatchNorm | ReLU | max-pool 2      -> [B, 32, 14, 14]
//   conv 3x3, 32 -> 64, pad 1 | BatchNorm | ReLU | max-pool 2     -> [B, 64, 7, 7]
//   flatten | linear 3136 -> 128 | ReLU                           -> features [B, 128]
//   linear 128 -> 10                                              -> logits [B, 10]
// The features are the 128 activations AFTER the ReLU (non-negative), the input of the
// last layer. Other inputs: 3 channels become grey with BT.601 weights; a side other than
// 28 is resized bilinearly (align_corners = false, no antialiasing) to 28x28.
// Training: Adam (betas 0.9, 0.999), cross-entropy, learning rate per step. Weights come
// from the seed (PyTorch's default U(-1/sqrt(fan_in), ...) rule, init.h; BatchNorm gamma 1,
// beta 0) through the network's own CPU generator, so a seed gives the same network on
// every device.
//
// File format: the tensor file format (io/tensor_file.h), kind "P2GANCLS", version 2, one
// section "archive" (LibTorch archive: module, Adam state, step, RNG state). Version 1
// files ("P2GANCLS" | u32 1 | u64 m | archive) are still read.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include <torch/torch.h>

#include "eval/feature_net.h"

namespace p2gan {

struct FmnistCnnImpl : torch::nn::Module {
    FmnistCnnImpl();
    // Returns {features after ReLU [B, 128], logits [B, 10]} for [B, 1, 28, 28].
    FeatureOutput forward(const torch::Tensor& x);

    torch::nn::Conv2d conv1, conv2;
    torch::nn::BatchNorm2d bn1, bn2;
    torch::nn::Linear fc1, fc2;
};
TORCH_MODULE(FmnistCnn);

// The trained network as a feature network (evaluation only).
class FmnistFeatureNet final : public FeatureNet {
public:
    FmnistFeatureNet(FmnistCnn net, torch::Device device);
    int32_t kind() const override { return P2GAN_FEATURE_NET_FASHION_MNIST_CLASSIFIER; }
    int64_t feature_dim() const override;
    int64_t logit_dim() const override;
    FeatureOutput extract(const torch::Tensor& images, int32_t resize_mode) override;

private:
    FmnistCnn net_;
    torch::Device device_;
};

// The trainable classifier behind the p2gan_classifier handle.
class FmnistClassifier final {
public:
    static constexpr int64_t kSide = 28;
    static constexpr int64_t kFeatureDim = 128;
    static constexpr int64_t kClasses = 10;
    // Names the architecture and recipe; part of the managed cache key.
    static constexpr const char* kArchitecture = "fmnist-cnn-v1";

    FmnistClassifier(const std::string& device, uint64_t seed);

    FmnistClassifier(const FmnistClassifier&) = delete;
    FmnistClassifier& operator=(const FmnistClassifier&) = delete;

    // A feature network with a copy of the current weights.
    std::unique_ptr<FeatureNet> feature_net() const;

    // One Adam step on images [B, C, H, W] (already checked) with labels [B] (int64, 0..9);
    // returns the batch's cross-entropy before the step.
    double train_step(const torch::Tensor& images, const torch::Tensor& labels, double learning_rate);
    int64_t step() const { return step_; }

    void save(const std::string& path);
    static std::unique_ptr<FmnistClassifier> load(const std::string& path, const std::string& device);

    FmnistCnn& network() { return net_; }

private:
    torch::Device device_;
    at::Generator rng_;
    FmnistCnn net_{nullptr};
    std::unique_ptr<torch::optim::Adam> opt_;
    int64_t step_ = 0;
};

}  // namespace p2gan
