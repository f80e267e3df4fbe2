// The C ABI of the feature networks: argument checks, then a call into
// features/feature_net.h implementations, inside the shared guard.
#include <cstring>
#include <memory>
#include <string>

#include <torch/torch.h>

#include "abi/buffers.h"
#include "abi/guard.h"
#include "runtime/errors.h"
#include "abi/handles.h"
#include "eval/feature_net.h"
#include "io/sha256.h"
#include "eval/fmnist_classifier.h"
#include "p2gan/p2gan.h"

namespace {

p2gan::FeatureNet& net_of(p2gan_feature_net* net) {
    p2gan::require_non_null(net, "net");
    return *net->net;
}

p2gan::FmnistClassifier& classifier_of(p2gan_classifier* classifier) {
    p2gan::require_non_null(classifier, "classifier");
    return *classifier->classifier;
}

std::string path_arg(const char* path) {
    p2gan::require_non_null(path, "path");
    if (*path == '\0') p2gan::fail_invalid("path is empty");
    return path;
}

torch::Tensor label_vector(const int32_t* labels, size_t count, int64_t batch, int64_t classes) {
    p2gan::require_non_null(labels, "labels");
    if (count != static_cast<size_t>(batch)) {
        p2gan::fail_invalid("labels holds " + std::to_string(count) + " values, the batch has " + std::to_string(batch) +
                            " images");
    }
    for (size_t i = 0; i < count; ++i) {
        if (labels[i] < 0 || labels[i] >= classes) {
            p2gan::fail_invalid("labels[" + std::to_string(i) + "] is " + std::to_string(labels[i]) + ", must be in 0.." +
                                std::to_string(classes - 1));
        }
    }
    return torch::from_blob(const_cast<int32_t*>(labels), {batch}, torch::kInt32).to(torch::kInt64);
}

void require_output_or_null(const float* out, size_t count, size_t expected, const char* name) {
    if (out != nullptr) p2gan::require_output(out, count, expected, name);
}

}  // namespace

extern "C" {

p2gan_status p2gan_classifier_create(const char* device, uint64_t seed, p2gan_classifier** out_classifier) {
    return p2gan::abi::guarded(__func__, [&] {
        p2gan::require_non_null(out_classifier, "out_classifier");
        *out_classifier = nullptr;
        const auto dev = p2gan::parse_feature_device(device);
        *out_classifier = new p2gan_classifier(std::make_unique<p2gan::FmnistClassifier>(dev.str(), seed));
    });
}

p2gan_status p2gan_classifier_load(const char* path, const char* device, p2gan_classifier** out_classifier) {
    return p2gan::abi::guarded(__func__, [&] {
        p2gan::require_non_null(out_classifier, "out_classifier");
        *out_classifier = nullptr;
        const auto file = path_arg(path);
        const auto dev = p2gan::parse_feature_device(device);
        *out_classifier = new p2gan_classifier(p2gan::FmnistClassifier::load(file, dev.str()));
    });
}

void p2gan_classifier_destroy(p2gan_classifier* classifier) {
    try {
        delete classifier;
    } catch (...) {
        // Nowhere to report to; the memory is gone either way.
    }
}

p2gan_status p2gan_classifier_train_step(p2gan_classifier* classifier, const float* images, size_t images_count,
                                         const int64_t* shape, size_t rank, const int32_t* labels,
                                         size_t labels_count, float learning_rate, float* out_loss) {
    return p2gan::abi::guarded(__func__, [&] {
        auto& c = classifier_of(classifier);
        p2gan::require_non_null(out_loss, "out_loss");
        const auto batch = p2gan::feature_image_batch(images, images_count, shape, rank, "images");
        if (batch.size(1) != 1) p2gan::fail_invalid("training images must have 1 channel [B, 1, H, W]");
        const auto y = label_vector(labels, labels_count, batch.size(0), p2gan::FmnistClassifier::kClasses);
        *out_loss = static_cast<float>(c.train_step(batch, y, learning_rate));
    });
}

p2gan_status p2gan_classifier_save(p2gan_classifier* classifier, const char* path) {
    return p2gan::abi::guarded(__func__, [&] { classifier_of(classifier).save(path_arg(path)); });
}

p2gan_status p2gan_classifier_feature_net(const p2gan_classifier* classifier, p2gan_feature_net** out_net) {
    return p2gan::abi::guarded(__func__, [&] {
        p2gan::require_non_null(out_net, "out_net");
        *out_net = nullptr;
        p2gan::require_non_null(classifier, "classifier");
        *out_net = new p2gan_feature_net(classifier->classifier->feature_net());
    });
}

p2gan_status p2gan_feature_net_load_classifier(const char* path, const char* device, p2gan_feature_net** out_net) {
    return p2gan::abi::guarded(__func__, [&] {
        p2gan::require_non_null(out_net, "out_net");
        *out_net = nullptr;
        const auto file = path_arg(path);
        const auto dev = p2gan::parse_feature_device(device);
        *out_net = new p2gan_feature_net(p2gan::FmnistClassifier::load(file, dev.str())->feature_net(),
                                         p2gan::sha256_file_hex(file));
    });
}

p2gan_status p2gan_feature_net_source_sha256(const p2gan_feature_net* net, char* out, size_t capacity,
                                             size_t* out_length) {
    return p2gan::abi::guarded(__func__, [&] {
        p2gan::require_non_null(net, "net");
        p2gan::require_non_null(out_length, "out_length");
        const auto& text = net->source_sha256;
        *out_length = text.size();
        if (out == nullptr) return;
        if (capacity <= text.size()) {
            p2gan::fail_invalid("out has room for " + std::to_string(capacity) + " bytes, the hash needs " +
                                std::to_string(text.size() + 1) + " (with its NUL)");
        }
        std::memcpy(out, text.c_str(), text.size() + 1);
    });
}

void p2gan_feature_net_destroy(p2gan_feature_net* net) {
    try {
        delete net;
    } catch (...) {
        // Nowhere to report to; the memory is gone either way.
    }
}

p2gan_status p2gan_feature_net_info(const p2gan_feature_net* net, int32_t* out_kind, int32_t* out_feature_dim,
                                    int32_t* out_logit_dim) {
    return p2gan::abi::guarded(__func__, [&] {
        p2gan::require_non_null(net, "net");
        p2gan::require_non_null(out_kind, "out_kind");
        p2gan::require_non_null(out_feature_dim, "out_feature_dim");
        p2gan::require_non_null(out_logit_dim, "out_logit_dim");
        *out_kind = net->net->kind();
        *out_feature_dim = static_cast<int32_t>(net->net->feature_dim());
        *out_logit_dim = static_cast<int32_t>(net->net->logit_dim());
    });
}

p2gan_status p2gan_feature_net_extract(p2gan_feature_net* net, const float* images, size_t images_count,
                                       const int64_t* shape, size_t rank, int32_t resize_mode, float* out_features,
                                       size_t features_count, float* out_logits, size_t logits_count) {
    return p2gan::abi::guarded(__func__, [&] {
        auto& n = net_of(net);
        if (resize_mode != P2GAN_RESIZE_PYTORCH_FID && resize_mode != P2GAN_RESIZE_ANTIALIASED) {
            p2gan::fail_invalid("resize_mode must be P2GAN_RESIZE_PYTORCH_FID (0) or P2GAN_RESIZE_ANTIALIASED (1), got " +
                                std::to_string(resize_mode));
        }
        const auto batch = p2gan::feature_image_batch(images, images_count, shape, rank, "images");
        const auto b = static_cast<size_t>(batch.size(0));
        require_output_or_null(out_features, features_count, b * n.feature_dim(), "out_features");
        require_output_or_null(out_logits, logits_count, b * n.logit_dim(), "out_logits");
        if (out_features == nullptr && out_logits == nullptr) return;
        const auto out = n.extract(batch, resize_mode);
        if (out_features != nullptr) p2gan::copy_out(out.features, out_features);
        if (out_logits != nullptr) p2gan::copy_out(out.logits, out_logits);
    });
}

}  // extern "C"
