// The FID Inception-v3: the network of TensorFlow's 2015-12-05 Inception graph as ported
// by pytorch-fid (pt_inception-2015-12-05-6726825d.pth), returning the 2048-d pool3
// features (FID, KID, precision/recall) and 1008 logits (Inception Score).
//
// Input [B, C, H, W] in [-1, 1], C in {1, 3}: a grey batch is replicated to 3 channels
// (as pytorch-fid's PIL .convert("RGB") does), then resized to 299x299 (resize_to_inception).
// The network wants [-1, 1]: pytorch-fid maps its [0, 1] input with 2x - 1 AFTER its
// bilinear resize; a bilinear resize commutes with that affine map, so resizing our
// [-1, 1] images directly is the same computation (up to float rounding).
//
// Outputs: features = global average pool of Mixed_7c ([B, 2048], pytorch-fid's block 3);
// logits = features x fc.weight^T WITHOUT fc.bias ([B, 1008]): the original Inception
// Score code (improved-GAN, TF) multiplied pool3 by the softmax weights only, and
// torch-fidelity's "logits_unbiased" does the same; fc.bias is still required and checked.
//
// Weights: the tensor names of pytorch-fid's state dict (expected_inception_tensors()),
// from a .pth (zip or legacy torch.save format, pth_reader.h) or a .safetensors file.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <torch/torch.h>

#include "eval/feature_net.h"
#include "eval/inception_blocks.h"
#include "io/safetensors.h"

namespace p2gan {

constexpr int64_t kInceptionSide = 299;
constexpr int64_t kInceptionFeatures = 2048;
constexpr int64_t kInceptionClasses = 1008;
// The first eight hex digits of the SHA-256 of pytorch-fid's published weights file.
constexpr const char* kInceptionPublishedSha256Prefix = "6726825d";

struct InceptionFidImpl : torch::nn::Module {
    InceptionFidImpl();
    // x: [B, 3, H, W] in [-1, 1], already resized (299x299 for the reference features;
    // any side >= 75 runs). Returns pool3 features [B, 2048].
    torch::Tensor features(const torch::Tensor& x);
    // Unbiased logits (see above) of pool3 features: [B, 1008].
    torch::Tensor logits(const torch::Tensor& features);

    InceptionConv Conv2d_1a_3x3, Conv2d_2a_3x3, Conv2d_2b_3x3, Conv2d_3b_1x1, Conv2d_4a_3x3;
    InceptionA Mixed_5b, Mixed_5c, Mixed_5d;
    InceptionB Mixed_6a;
    InceptionC Mixed_6b, Mixed_6c, Mixed_6d, Mixed_6e;
    InceptionD Mixed_7a;
    InceptionE Mixed_7b, Mixed_7c;
    torch::nn::Linear fc;
};
TORCH_MODULE(InceptionFid);

// Name and shape of every tensor a weights file must hold, in pytorch-fid's state-dict
// order (BatchNorm's num_batches_tracked excluded: optional in a file, ignored).
std::vector<std::pair<std::string, std::vector<int64_t>>> expected_inception_tensors();

// Copies named tensors into the network: every expected name must be present once with
// its exact shape and a floating-point dtype; "*.num_batches_tracked" is accepted and
// ignored; any other name is refused. Throws p2gan::Error (IO_ERROR) naming `source`.
void load_inception_weights(InceptionFid& net, const NamedTensors& tensors, const std::string& source);

// [B, C, H, W] in [-1, 1] -> [B, 3, 299, 299]: grey replicated; P2GAN_RESIZE_PYTORCH_FID:
// bilinear, align_corners = false, no antialiasing (pytorch-fid 0.3.0's F.interpolate), a
// 299x299 input passed through unchanged; P2GAN_RESIZE_ANTIALIASED (clean-fid 0.1.35's
// "clean" mode): v = round((x + 1) * 127.5) clamped to [0, 255], antialiased bicubic (PIL's
// filter) unless already 299x299, clamped to [0, 255] again, returned as (v - 128) / 128.
torch::Tensor resize_to_inception(const torch::Tensor& images, int32_t resize_mode);

struct InceptionWeightsInfo {
    std::string path;
    std::string format;   // "pth (zip)", "pth (legacy)" or "safetensors"
    std::string sha256;   // hex of the whole file
    bool matches_published = false;  // sha256 starts with kInceptionPublishedSha256Prefix
};

class InceptionFeatureNet final : public FeatureNet {
public:
    InceptionFeatureNet(InceptionFid net, torch::Device device, InceptionWeightsInfo info);
    int32_t kind() const override { return P2GAN_FEATURE_NET_INCEPTION_FID; }
    int64_t feature_dim() const override { return kInceptionFeatures; }
    int64_t logit_dim() const override { return kInceptionClasses; }
    FeatureOutput extract(const torch::Tensor& images, int32_t resize_mode) override;

    const InceptionWeightsInfo& weights_info() const { return info_; }
    InceptionFid& network() { return net_; }

private:
    InceptionFid net_;
    torch::Device device_;
    InceptionWeightsInfo info_;
};

// Loads the network from `path`: a .safetensors file (by its extension) or a torch.save
// file (.pth or anything else). Computes the file's SHA-256; when a .pth does not start
// with 6726825d a warning is logged (p2gan::log_message) and matches_published is false:
// the features are then not comparable with published FIDs. Not an error.
std::unique_ptr<InceptionFeatureNet> load_inception(const std::string& path, const torch::Device& device);

}  // namespace p2gan
