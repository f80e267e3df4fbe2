// The feature networks behind the p2gan_feature_net handle: one small interface that the
// Fashion-MNIST classifier (fmnist_classifier.h) and the FID Inception-v3 (inception*.h)
// implement, so the C ABI (c_api_features.cpp) treats them alike.
//
// Contract for an implementation:
//   - extract() receives a batch already checked by feature_image_batch(): a CPU float32
//     tensor [B, C, H, W], C in {1, 3}, H == W >= 8, finite, values in [-1, 1].
//   - It runs in evaluation mode without gradients, does its own channel conversion and
//     resizing (resize_mode is P2GAN_RESIZE_*; a network that does not resize ignores it,
//     an unknown value is refused by the ABI layer before extract is called), may split
//     the batch internally, and returns features [B, feature_dim()] and logits
//     [B, logit_dim()] as float32 tensors on any device (the ABI layer copies them out).
//   - A handle is used by one thread at a time; nothing here locks.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <utility>

#include <torch/torch.h>

#include "p2gan/p2gan.h"

namespace p2gan {

struct FeatureOutput {
    torch::Tensor features;  // [B, feature_dim]
    torch::Tensor logits;    // [B, logit_dim]
};

class FeatureNet {
public:
    virtual ~FeatureNet() = default;
    virtual int32_t kind() const = 0;  // P2GAN_FEATURE_NET_*
    virtual int64_t feature_dim() const = 0;
    virtual int64_t logit_dim() const = 0;
    virtual FeatureOutput extract(const torch::Tensor& images, int32_t resize_mode) = 0;

    FeatureNet() = default;
    FeatureNet(const FeatureNet&) = delete;
    FeatureNet& operator=(const FeatureNet&) = delete;
};

// An image batch for a feature network, copied: rank 4 [B, C, H, W], B in [1, 2^20],
// C in {1, 3}, H == W in [8, 4096], count == B*C*H*W, finite, within [-1, 1].
torch::Tensor feature_image_batch(const float* data, size_t count, const int64_t* shape, size_t rank,
                                  const char* name);

// The device a feature network runs on: NULL or "" means "cpu"; otherwise "cpu" or
// "cuda[:N]" (P2GAN_STATUS_DEVICE_ERROR when CUDA is not available).
torch::Device parse_feature_device(const char* device);

// Converts [B, 3, H, W] to [B, 1, H, W] with ITU-R BT.601 luma weights (0.299, 0.587,
// 0.114); a 1-channel batch is returned unchanged.
torch::Tensor to_grey_bt601(const torch::Tensor& images);

}  // namespace p2gan
