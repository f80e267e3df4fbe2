// The opaque handles of the C ABI: each owns one core object. Shared by the export files
// that take them.
#pragma once

#include <memory>
#include <string>
#include <utility>

#include "dist/process_group.h"
#include "eval/feature_net.h"
#include "eval/fmnist_classifier.h"
#include "p2gan/p2gan.h"
#include "train/model.h"

struct p2gan_model {
    p2gan_model(const p2gan_model_params& params, const p2gan_runtime_params& runtime) : model(params, runtime) {}
    p2gan::Model model;
};

struct p2gan_feature_net {
    explicit p2gan_feature_net(std::unique_ptr<p2gan::FeatureNet> network, std::string source = {})
        : net(std::move(network)), source_sha256(std::move(source)) {}
    std::unique_ptr<p2gan::FeatureNet> net;
    std::string source_sha256;  // of the file it was loaded from; "" when none
};

struct p2gan_classifier {
    explicit p2gan_classifier(std::unique_ptr<p2gan::FmnistClassifier> c) : classifier(std::move(c)) {}
    std::unique_ptr<p2gan::FmnistClassifier> classifier;
};

struct p2gan_process_group {
    explicit p2gan_process_group(std::shared_ptr<p2gan::ProcessGroup> g) : group(std::move(g)) {}
    std::shared_ptr<p2gan::ProcessGroup> group;  // shared with the models attached to it
};
