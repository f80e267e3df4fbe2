#include "nn/spectral_norm.h"

namespace p2gan {
namespace {

constexpr double kNormalizeEps = 1e-12;  // torch.nn.utils.spectral_norm's default

torch::Tensor normalized(const torch::Tensor& x) {
    return torch::nn::functional::normalize(
        x, torch::nn::functional::NormalizeFuncOptions().dim(0).eps(kNormalizeEps));
}

// u and v start as normalised draws from N(0, I); the model re-initialises them from its
// seeded generator (init.cpp), so these placeholders only fix the shapes.
void register_sn_buffers(torch::nn::Module& m, const torch::Tensor& weight_orig,
                         torch::Tensor& u, torch::Tensor& v) {
    const auto rows = weight_orig.size(0);
    const auto cols = weight_orig.numel() / rows;
    u = m.register_buffer("weight_u", normalized(torch::randn({rows})));
    v = m.register_buffer("weight_v", normalized(torch::randn({cols})));
}

}  // namespace

void power_iterate(const torch::Tensor& weight_orig, torch::Tensor& u, torch::Tensor& v, int iterations) {
    torch::NoGradGuard no_grad;
    const auto w = weight_orig.reshape({weight_orig.size(0), -1});
    for (int i = 0; i < iterations; ++i) {
        v.copy_(normalized(torch::mv(w.t(), u)));
        u.copy_(normalized(torch::mv(w, v)));
    }
}

torch::Tensor spectral_normalized(const torch::Tensor& weight_orig, torch::Tensor& u,
                                  torch::Tensor& v, bool iterate) {
    if (iterate) power_iterate(weight_orig, u, v, 1);
    const auto w = weight_orig.reshape({weight_orig.size(0), -1});
    // u and v are constants for autograd, as in PyTorch (clones keep later in-place
    // updates from invalidating this graph).
    const auto u_c = u.clone();
    const auto v_c = v.clone();
    const auto sigma = torch::dot(u_c, torch::mv(w, v_c));
    return weight_orig / sigma;
}

SNConv2dImpl::SNConv2dImpl(int64_t in_channels, int64_t out_channels, int64_t kernel,
                           int64_t stride, int64_t padding)
    : stride_(stride), padding_(padding) {
    weight_orig = register_parameter("weight_orig",
                                     torch::empty({out_channels, in_channels, kernel, kernel}));
    bias = register_parameter("bias", torch::zeros({out_channels}));
    register_sn_buffers(*this, weight_orig, weight_u, weight_v);
}

torch::Tensor SNConv2dImpl::normalized_weight() {
    return spectral_normalized(weight_orig, weight_u, weight_v, is_training());
}

torch::Tensor SNConv2dImpl::forward(const torch::Tensor& x) {
    return torch::conv2d(x, normalized_weight(), bias, {stride_, stride_}, {padding_, padding_});
}

SNLinearImpl::SNLinearImpl(int64_t in_features, int64_t out_features) {
    weight_orig = register_parameter("weight_orig", torch::empty({out_features, in_features}));
    bias = register_parameter("bias", torch::zeros({out_features}));
    register_sn_buffers(*this, weight_orig, weight_u, weight_v);
}

torch::Tensor SNLinearImpl::normalized_weight() {
    return spectral_normalized(weight_orig, weight_u, weight_v, is_training());
}

torch::Tensor SNLinearImpl::forward(const torch::Tensor& x) {
    return torch::nn::functional::linear(x, normalized_weight(), bias);
}

}  // namespace p2gan
