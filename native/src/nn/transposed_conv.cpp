#include "nn/transposed_conv.h"

#include <optional>

namespace p2gan {
namespace {

using torch::autograd::AutogradContext;
using torch::autograd::tensor_list;

constexpr std::array<int64_t, 2> kNoOutputPadding{0, 0};
constexpr std::array<int64_t, 2> kNoDilation{1, 1};

// The ordinary convolution y = conv2d(input, weight) whose input gradient is our output.
struct Geometry {
    std::array<int64_t, 2> stride, padding;
};

torch::Tensor input_gradient(const torch::Tensor& grad_output, const torch::Tensor& weight,
                             at::IntArrayRef input_shape, const Geometry& g) {
    // convolution_backward reads only the shape (and layout) of `input` for this output.
    const auto input_like = at::empty(input_shape, grad_output.options().memory_format(
                                                       grad_output.suggest_memory_format()));
    return std::get<0>(at::convolution_backward(grad_output, input_like, weight, c10::nullopt, g.stride,
                                                g.padding, kNoDilation, /*transposed=*/false,
                                                kNoOutputPadding, /*groups=*/1, {true, false, false}));
}

torch::Tensor weight_gradient(const torch::Tensor& input, const torch::Tensor& grad_output,
                              const torch::Tensor& weight, const Geometry& g) {
    return std::get<1>(at::convolution_backward(grad_output, input, weight, c10::nullopt, g.stride,
                                                g.padding, kNoDilation, /*transposed=*/false,
                                                kNoOutputPadding, /*groups=*/1, {false, true, false}));
}

class TransposedConvByGradient : public torch::autograd::Function<TransposedConvByGradient> {
public:
    static torch::Tensor forward(AutogradContext* ctx, const torch::Tensor& x, const torch::Tensor& weight,
                                 int64_t stride, int64_t padding) {
        const Geometry g{{stride, stride}, {padding, padding}};
        const auto side = [&](int64_t in, int64_t k) { return (in - 1) * stride - 2 * padding + k; };
        const std::array<int64_t, 4> out_shape{x.size(0), weight.size(1), side(x.size(2), weight.size(2)),
                                               side(x.size(3), weight.size(3))};
        ctx->save_for_backward({x, weight});
        ctx->saved_data["stride"] = stride;
        ctx->saved_data["padding"] = padding;
        // The transposed convolution's input plays the ordinary convolution's grad_output.
        return input_gradient(x, weight, out_shape, g);
    }

    static tensor_list backward(AutogradContext* ctx, tensor_list grad_outputs) {
        const auto saved = ctx->get_saved_variables();
        const auto& x = saved[0];
        const auto& weight = saved[1];
        const auto stride = ctx->saved_data["stride"].toInt();
        const auto padding = ctx->saved_data["padding"].toInt();
        const Geometry g{{stride, stride}, {padding, padding}};
        const auto grad = grad_outputs[0].contiguous(grad_outputs[0].suggest_memory_format());
        torch::Tensor grad_x, grad_weight;
        if (ctx->needs_input_grad(0)) grad_x = at::conv2d(grad, weight, {}, g.stride, g.padding);
        if (ctx->needs_input_grad(1)) grad_weight = weight_gradient(grad, x, weight, g);
        return {grad_x, grad_weight, torch::Tensor(), torch::Tensor()};
    }
};

}  // namespace

torch::Tensor transposed_conv2d(const torch::Tensor& x, const torch::Tensor& weight, int64_t stride,
                                int64_t padding, bool fast) {
    if (fast && x.device().is_cpu() && x.scalar_type() == torch::kFloat32) {
        return TransposedConvByGradient::apply(x, weight, stride, padding);
    }
    return at::conv_transpose2d(x, weight, {}, {stride, stride}, {padding, padding});
}

}  // namespace p2gan
