// p2gan_inception_load: the FID Inception-v3 (features/inception.h) behind the
// p2gan_feature_net handle; extraction, info and destroy are the shared feature-net
// exports (c_api_features.cpp).
#include <memory>
#include <string>

#include "abi/buffers.h"
#include "abi/guard.h"
#include "runtime/errors.h"
#include "abi/handles.h"
#include "eval/feature_net.h"
#include "eval/inception.h"
#include "p2gan/p2gan.h"

extern "C" {

p2gan_status p2gan_inception_load(const char* weights_path, const char* device, p2gan_feature_net** out_net) {
    return p2gan::abi::guarded(__func__, [&] {
        p2gan::require_non_null(out_net, "out_net");
        *out_net = nullptr;
        p2gan::require_non_null(weights_path, "weights_path");
        if (*weights_path == '\0') p2gan::fail_invalid("weights_path is empty");
        const auto parsed = p2gan::parse_feature_device(device);
        auto net = p2gan::load_inception(weights_path, parsed);
        auto sha256 = net->weights_info().sha256;  // hashed once, while loading
        *out_net = new p2gan_feature_net(std::move(net), std::move(sha256));
    });
}

}  // extern "C"
