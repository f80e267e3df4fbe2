#include "eval/fmnist_classifier.h"

#include <ATen/CPUGeneratorImpl.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <sstream>
#include <vector>

#include "io/binary_io.h"
#include "io/tensor_file.h"
#include "runtime/errors.h"
#include "nn/init.h"

namespace p2gan {
namespace {

constexpr TensorFileKind kClassifierFile{{'P', '2', 'G', 'A', 'N', 'C', 'L', 'S'}, "classifier file"};
constexpr uint32_t kFormatVersion = 2;
// Evaluation runs in chunks of this many images to bound activation memory.
constexpr int64_t kExtractChunk = 1024;

}  // namespace

FmnistCnnImpl::FmnistCnnImpl()
    : conv1(torch::nn::Conv2dOptions(1, 32, 3).padding(1)),
      conv2(torch::nn::Conv2dOptions(32, 64, 3).padding(1)),
      bn1(torch::nn::BatchNorm2dOptions(32)),
      bn2(torch::nn::BatchNorm2dOptions(64)),
      fc1(torch::nn::LinearOptions(64 * 7 * 7, FmnistClassifier::kFeatureDim)),
      fc2(torch::nn::LinearOptions(FmnistClassifier::kFeatureDim, FmnistClassifier::kClasses)) {
    register_module("conv1", conv1);
    register_module("bn1", bn1);
    register_module("conv2", conv2);
    register_module("bn2", bn2);
    register_module("fc1", fc1);
    register_module("fc2", fc2);
}

FeatureOutput FmnistCnnImpl::forward(const torch::Tensor& x) {
    auto h = torch::max_pool2d(torch::relu(bn1(conv1(x))), 2);
    h = torch::max_pool2d(torch::relu(bn2(conv2(h))), 2);
    const auto features = torch::relu(fc1(h.flatten(1)));
    return {features, fc2(features)};
}

FmnistClassifier::FmnistClassifier(const std::string& device, uint64_t seed)
    : device_(torch::Device(device)), rng_(at::make_generator<at::CPUGeneratorImpl>(seed)) {
    net_ = FmnistCnn();
    initialize_weights(*net_, rng_);
    {
        // initialize_weights draws every "weight"; BatchNorm keeps PyTorch's gamma 1, beta 0.
        torch::NoGradGuard no_grad;
        for (auto* bn : {&net_->bn1, &net_->bn2}) {
            (*bn)->weight.fill_(1.0);
            (*bn)->bias.zero_();
        }
    }
    net_->to(device_);
    opt_ = std::make_unique<torch::optim::Adam>(net_->parameters(),
                                                torch::optim::AdamOptions(1e-3).betas({0.9, 0.999}).eps(1e-8));
}

namespace {

// Grey, 28x28, on the network's device: what the CNN reads.
torch::Tensor prepare(const torch::Tensor& images, const torch::Device& device) {
    auto x = to_grey_bt601(images.to(device, torch::kFloat32));
    if (x.size(2) != FmnistClassifier::kSide || x.size(3) != FmnistClassifier::kSide) {
        x = torch::nn::functional::interpolate(
            x, torch::nn::functional::InterpolateFuncOptions()
                   .size(std::vector<int64_t>{FmnistClassifier::kSide, FmnistClassifier::kSide})
                   .mode(torch::kBilinear)
                   .align_corners(false));
    }
    return x;
}

}  // namespace

FmnistFeatureNet::FmnistFeatureNet(FmnistCnn net, torch::Device device) : net_(std::move(net)), device_(device) {
    net_->eval();
    for (auto& p : net_->parameters()) p.set_requires_grad(false);
}

int64_t FmnistFeatureNet::feature_dim() const { return FmnistClassifier::kFeatureDim; }
int64_t FmnistFeatureNet::logit_dim() const { return FmnistClassifier::kClasses; }

FeatureOutput FmnistFeatureNet::extract(const torch::Tensor& images, int32_t /*resize_mode*/) {
    torch::NoGradGuard no_grad;
    std::vector<torch::Tensor> features, logits;
    for (int64_t start = 0; start < images.size(0); start += kExtractChunk) {
        const auto out =
            net_->forward(prepare(images.narrow(0, start, std::min(kExtractChunk, images.size(0) - start)), device_));
        features.push_back(out.features);
        logits.push_back(out.logits);
    }
    return {torch::cat(features), torch::cat(logits)};
}

std::unique_ptr<FeatureNet> FmnistClassifier::feature_net() const {
    // A fresh network with a deep copy of every parameter and buffer (FmnistCnnImpl is a
    // plain Module, not a Cloneable, so Module::clone would throw).
    FmnistCnn copy;
    copy->to(device_);
    torch::NoGradGuard no_grad;
    auto parameters = copy->named_parameters();
    for (const auto& item : net_->named_parameters()) parameters[item.key()].copy_(item.value());
    auto buffers = copy->named_buffers();
    for (const auto& item : net_->named_buffers()) buffers[item.key()].copy_(item.value());
    return std::make_unique<FmnistFeatureNet>(copy, device_);
}

double FmnistClassifier::train_step(const torch::Tensor& images, const torch::Tensor& labels, double learning_rate) {
    if (!(std::isfinite(learning_rate) && learning_rate > 0.0)) {
        fail_invalid("learning_rate must be finite and > 0, got " + std::to_string(learning_rate));
    }
    for (auto& group : opt_->param_groups()) {
        static_cast<torch::optim::AdamOptions&>(group.options()).lr(learning_rate);
    }
    net_->train();
    opt_->zero_grad();
    const auto out = net_->forward(prepare(images, device_));
    const auto loss = torch::nn::functional::cross_entropy(out.logits, labels.to(device_, torch::kInt64));
    const double value = loss.item<double>();
    if (!std::isfinite(value)) {
        fail(P2GAN_STATUS_NON_FINITE_LOSS, "classifier loss is not finite; this update was skipped");
    }
    loss.backward();
    opt_->step();
    ++step_;
    return value;
}

void FmnistClassifier::save(const std::string& path) {
    torch::serialize::OutputArchive archive, module, optimizer;
    net_->save(module);
    opt_->save(optimizer);
    archive.write("net", module);
    archive.write("opt", optimizer);
    archive.write("step", torch::tensor(step_, torch::kInt64));
    archive.write("rng_state", rng_.get_state());
    std::ostringstream body;
    archive.save_to(body);
    write_tensor_file(path, kClassifierFile, kFormatVersion, {{"archive", body.str()}});
}

std::unique_ptr<FmnistClassifier> FmnistClassifier::load(const std::string& path, const std::string& device) {
    std::ifstream in;
    const auto version = open_tensor_file(in, path, kClassifierFile);
    std::string archive_bytes;
    if (version == 1) {
        const auto size = take_le<uint64_t>(in, kClassifierFile.name, path, "archive size");
        archive_bytes = read_sized_block(in, path, kClassifierFile, size, "archive");
    } else if (version == kFormatVersion) {
        auto sections = read_tensor_file_sections(in, path, kClassifierFile);
        if (sections.find("archive") == sections.end()) {
            fail(P2GAN_STATUS_CHECKPOINT_MISMATCH, "classifier file " + path + " lacks its archive section");
        }
        archive_bytes = std::move(sections["archive"]);
    } else {
        fail_unknown_format(path, kClassifierFile, version, kFormatVersion);
    }

    auto created = std::make_unique<FmnistClassifier>(device, 0);
    torch::serialize::InputArchive archive, module, optimizer;
    std::istringstream body(archive_bytes);
    archive.load_from(body, created->device_);
    archive.read("net", module);
    archive.read("opt", optimizer);
    created->net_->load(module);
    created->opt_->load(optimizer);
    torch::Tensor step, rng_state;
    archive.read("step", step);
    archive.read("rng_state", rng_state);
    created->step_ = step.item<int64_t>();
    created->rng_.set_state(rng_state.cpu());
    return created;
}

}  // namespace p2gan
