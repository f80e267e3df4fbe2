#include "eval/inception.h"

#include <cctype>
#include <map>
#include <set>

#include "runtime/errors.h"
#include "io/pth_reader.h"
#include "io/sha256.h"
#include "runtime/log.h"

namespace p2gan {

namespace F = torch::nn::functional;

InceptionFidImpl::InceptionFidImpl()
    : Conv2d_1a_3x3(3, 32, 3, 2),
      Conv2d_2a_3x3(32, 32, 3),
      Conv2d_2b_3x3(32, 64, 3, 1, 1),
      Conv2d_3b_1x1(64, 80, 1),
      Conv2d_4a_3x3(80, 192, 3),
      Mixed_5b(192, 32, PoolBranch::AvgExcludePad),
      Mixed_5c(256, 64, PoolBranch::AvgExcludePad),
      Mixed_5d(288, 64, PoolBranch::AvgExcludePad),
      Mixed_6a(288),
      Mixed_6b(768, 128, PoolBranch::AvgExcludePad),
      Mixed_6c(768, 160, PoolBranch::AvgExcludePad),
      Mixed_6d(768, 160, PoolBranch::AvgExcludePad),
      Mixed_6e(768, 192, PoolBranch::AvgExcludePad),
      Mixed_7a(768),
      Mixed_7b(1280, PoolBranch::AvgExcludePad),
      Mixed_7c(2048, PoolBranch::Max),
      fc(kInceptionFeatures, kInceptionClasses) {
    register_module("Conv2d_1a_3x3", Conv2d_1a_3x3);
    register_module("Conv2d_2a_3x3", Conv2d_2a_3x3);
    register_module("Conv2d_2b_3x3", Conv2d_2b_3x3);
    register_module("Conv2d_3b_1x1", Conv2d_3b_1x1);
    register_module("Conv2d_4a_3x3", Conv2d_4a_3x3);
    register_module("Mixed_5b", Mixed_5b);
    register_module("Mixed_5c", Mixed_5c);
    register_module("Mixed_5d", Mixed_5d);
    register_module("Mixed_6a", Mixed_6a);
    register_module("Mixed_6b", Mixed_6b);
    register_module("Mixed_6c", Mixed_6c);
    register_module("Mixed_6d", Mixed_6d);
    register_module("Mixed_6e", Mixed_6e);
    register_module("Mixed_7a", Mixed_7a);
    register_module("Mixed_7b", Mixed_7b);
    register_module("Mixed_7c", Mixed_7c);
    register_module("fc", fc);
}

torch::Tensor InceptionFidImpl::features(const torch::Tensor& input) {
    const auto pool = F::MaxPool2dFuncOptions(3).stride(2);
    auto x = Conv2d_2b_3x3(Conv2d_2a_3x3(Conv2d_1a_3x3(input)));
    x = F::max_pool2d(x, pool);                                  // 64 x 73 x 73
    x = F::max_pool2d(Conv2d_4a_3x3(Conv2d_3b_1x1(x)), pool);    // 192 x 35 x 35
    x = Mixed_5d(Mixed_5c(Mixed_5b(x)));                          // 288 x 35 x 35
    x = Mixed_6e(Mixed_6d(Mixed_6c(Mixed_6b(Mixed_6a(x)))));      // 768 x 17 x 17
    x = Mixed_7c(Mixed_7b(Mixed_7a(x)));                          // 2048 x 8 x 8
    return x.mean({2, 3});                                        // adaptive average pool to 1x1
}

torch::Tensor InceptionFidImpl::logits(const torch::Tensor& features) {
    return torch::matmul(features, fc->weight.t());
}

std::vector<std::pair<std::string, std::vector<int64_t>>> expected_inception_tensors() {
    InceptionFid net;
    std::vector<std::pair<std::string, std::vector<int64_t>>> out;
    // named_parameters/named_buffers list in registration order; merge them per module
    // so the order is pytorch-fid's (weight, bias, running_mean, running_var per BN).
    for (const auto& item : net->named_modules("", /*include_self=*/false)) {
        const auto& prefix = item.key();
        for (const auto& p : item.value()->named_parameters(/*recurse=*/false)) {
            out.emplace_back(prefix + "." + p.key(), p.value().sizes().vec());
        }
        for (const auto& b : item.value()->named_buffers(/*recurse=*/false)) {
            if (b.key() == "num_batches_tracked") continue;
            out.emplace_back(prefix + "." + b.key(), b.value().sizes().vec());
        }
    }
    return out;
}

namespace {

std::string shape_text(c10::IntArrayRef shape) {
    std::string s = "[";
    for (size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
    return s + "]";
}

bool ends_with(const std::string& s, const std::string& suffix) {
    return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string lower(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

}  // namespace

void load_inception_weights(InceptionFid& net, const NamedTensors& tensors, const std::string& source) {
    std::map<std::string, torch::Tensor> targets;
    for (const auto& p : net->named_parameters()) targets.emplace(p.key(), p.value());
    for (const auto& b : net->named_buffers()) {
        if (!ends_with(b.key(), ".num_batches_tracked")) targets.emplace(b.key(), b.value());
    }
    const std::string what = source + " does not hold pytorch-fid's Inception-v3 weights: ";
    std::set<std::string> seen;
    torch::NoGradGuard no_grad;
    for (const auto& [name, tensor] : tensors) {
        if (ends_with(name, ".num_batches_tracked")) continue;
        const auto it = targets.find(name);
        if (it == targets.end()) fail(P2GAN_STATUS_IO_ERROR, what + "unexpected tensor \"" + name + "\"");
        if (!seen.insert(name).second) fail(P2GAN_STATUS_IO_ERROR, what + "tensor \"" + name + "\" appears twice");
        if (tensor.sizes() != it->second.sizes()) {
            fail(P2GAN_STATUS_IO_ERROR, what + "tensor \"" + name + "\" has shape " + shape_text(tensor.sizes()) +
                                            ", expected " + shape_text(it->second.sizes()));
        }
        if (!tensor.is_floating_point()) {
            fail(P2GAN_STATUS_IO_ERROR, what + "tensor \"" + name + "\" is not floating point");
        }
        it->second.copy_(tensor.to(torch::kFloat32));
    }
    if (seen.size() != targets.size()) {
        std::vector<std::string> missing;
        for (const auto& [name, t] : targets) {
            if (!seen.count(name)) missing.push_back(name);
        }
        fail(P2GAN_STATUS_IO_ERROR, what + std::to_string(missing.size()) + " of " + std::to_string(targets.size()) +
                                        " tensors are missing, the first \"" + missing.front() + "\"");
    }
}

torch::Tensor resize_to_inception(const torch::Tensor& images, int32_t resize_mode) {
    auto x = images.size(1) == 1 ? images.expand({-1, 3, -1, -1}) : images;
    const bool resize = x.size(2) != kInceptionSide || x.size(3) != kInceptionSide;
    const std::vector<int64_t> size = {kInceptionSide, kInceptionSide};
    switch (resize_mode) {
        case P2GAN_RESIZE_PYTORCH_FID:
            if (!resize) return x.contiguous();
            return F::interpolate(x, F::InterpolateFuncOptions().size(size).mode(torch::kBilinear).align_corners(false));
        case P2GAN_RESIZE_ANTIALIASED: {
            // clean-fid's "clean" mode on [0, 255] pixel values: 8-bit levels (what its folder
            // path reads from PNG files), PIL's bicubic on float images, clip to [0, 255] (since
            // clean-fid 0.1.21), then the (v - 128) / 128 of its Inception wrapper.
            auto v = ((x + 1) * 127.5).round().clamp(0, 255);
            if (resize) {
                v = F::interpolate(
                        v, F::InterpolateFuncOptions().size(size).mode(torch::kBicubic).align_corners(false).antialias(true))
                        .clamp(0, 255);
            }
            return ((v - 128) / 128).contiguous();
        }
        default:
            fail_invalid("resize_mode must be P2GAN_RESIZE_PYTORCH_FID (0) or P2GAN_RESIZE_ANTIALIASED (1), got " +
                         std::to_string(resize_mode));
    }
}

InceptionFeatureNet::InceptionFeatureNet(InceptionFid net, torch::Device device, InceptionWeightsInfo info)
    : net_(std::move(net)), device_(device), info_(std::move(info)) {
    net_->to(device_);
    net_->eval();
}

FeatureOutput InceptionFeatureNet::extract(const torch::Tensor& images, int32_t resize_mode) {
    torch::NoGradGuard no_grad;
    net_->eval();
    // Chunks bound the memory of the 299x299 activations (~30 MB per image in float32).
    constexpr int64_t kChunk = 32;
    std::vector<torch::Tensor> features, logits;
    for (int64_t begin = 0; begin < images.size(0); begin += kChunk) {
        const auto chunk = images.slice(0, begin, std::min(begin + kChunk, images.size(0)));
        const auto x = resize_to_inception(chunk.to(device_, torch::kFloat32), resize_mode);
        auto f = net_->features(x);
        logits.push_back(net_->logits(f));
        features.push_back(std::move(f));
    }
    return {torch::cat(features), torch::cat(logits)};
}

std::unique_ptr<InceptionFeatureNet> load_inception(const std::string& path, const torch::Device& device) {
    InceptionWeightsInfo info;
    info.path = path;
    info.sha256 = sha256_file_hex(path);  // also refuses a missing/unreadable file
    const bool safetensors = ends_with(lower(path), ".safetensors");
    NamedTensors tensors;
    if (safetensors) {
        tensors = read_safetensors(path);
        info.format = "safetensors";
    } else {
        auto state = read_pth_state_dict(path);
        tensors = std::move(state.tensors);
        info.format = state.format == PthFormat::Zip ? "pth (zip)" : "pth (legacy)";
    }
    info.matches_published = info.sha256.rfind(kInceptionPublishedSha256Prefix, 0) == 0;
    InceptionFid net;
    load_inception_weights(net, tensors, path);
    const std::string sha_line = "weights file SHA-256 is " + info.sha256 + ", expected prefix " +
                                 kInceptionPublishedSha256Prefix + " (pytorch-fid's published file)";
    if (info.matches_published) {
        log_message(P2GAN_LOG_INFORMATION, "Inception-v3 loaded from " + path + " [" + info.format + "]: " + sha_line);
    } else if (safetensors) {
        log_message(P2GAN_LOG_INFORMATION, "Inception-v3 loaded from " + path + " [safetensors]: " + sha_line +
                                        "; a converted file cannot match it, so check that it was converted from "
                                        "that file if FIDs are to be compared with published ones");
    } else {
        log_message(P2GAN_LOG_WARNING, "Inception-v3 loaded from " + path + " [" + info.format + "]: " + sha_line +
                                           " -- MISMATCH: these are not pytorch-fid's weights, so FID/IS values "
                                           "are not comparable with published numbers");
    }
    return std::make_unique<InceptionFeatureNet>(std::move(net), device, std::move(info));
}

}  // namespace p2gan
