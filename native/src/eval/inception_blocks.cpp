#include "eval/inception_blocks.h"

namespace p2gan {

namespace F = torch::nn::functional;
using E2 = torch::ExpandingArray<2>;

InceptionConvImpl::InceptionConvImpl(int64_t in, int64_t out, torch::ExpandingArray<2> kernel,
                                     torch::ExpandingArray<2> stride, torch::ExpandingArray<2> padding)
    : conv(torch::nn::Conv2dOptions(in, out, kernel).stride(stride).padding(padding).bias(false)),
      bn(torch::nn::BatchNorm2dOptions(out).eps(0.001)) {
    register_module("conv", conv);
    register_module("bn", bn);
}

torch::Tensor InceptionConvImpl::forward(const torch::Tensor& x) { return torch::relu(bn(conv(x))); }

torch::Tensor pool_branch_input(const torch::Tensor& x, PoolBranch pool) {
    switch (pool) {
        case PoolBranch::Max:
            return F::max_pool2d(x, F::MaxPool2dFuncOptions(3).stride(1).padding(1));
        case PoolBranch::AvgExcludePad:
            return F::avg_pool2d(x, F::AvgPool2dFuncOptions(3).stride(1).padding(1).count_include_pad(false));
        case PoolBranch::AvgIncludePad:
            break;
    }
    return F::avg_pool2d(x, F::AvgPool2dFuncOptions(3).stride(1).padding(1).count_include_pad(true));
}

InceptionAImpl::InceptionAImpl(int64_t in, int64_t pool_features, PoolBranch pool_kind)
    : branch1x1(in, 64, 1),
      branch5x5_1(in, 48, 1),
      branch5x5_2(48, 64, 5, 1, 2),
      branch3x3dbl_1(in, 64, 1),
      branch3x3dbl_2(64, 96, 3, 1, 1),
      branch3x3dbl_3(96, 96, 3, 1, 1),
      branch_pool(in, pool_features, 1),
      pool(pool_kind) {
    register_module("branch1x1", branch1x1);
    register_module("branch5x5_1", branch5x5_1);
    register_module("branch5x5_2", branch5x5_2);
    register_module("branch3x3dbl_1", branch3x3dbl_1);
    register_module("branch3x3dbl_2", branch3x3dbl_2);
    register_module("branch3x3dbl_3", branch3x3dbl_3);
    register_module("branch_pool", branch_pool);
}

torch::Tensor InceptionAImpl::forward(const torch::Tensor& x) {
    return torch::cat({branch1x1(x), branch5x5_2(branch5x5_1(x)),
                       branch3x3dbl_3(branch3x3dbl_2(branch3x3dbl_1(x))), branch_pool(pool_branch_input(x, pool))},
                      1);
}

InceptionBImpl::InceptionBImpl(int64_t in)
    : branch3x3(in, 384, 3, 2),
      branch3x3dbl_1(in, 64, 1),
      branch3x3dbl_2(64, 96, 3, 1, 1),
      branch3x3dbl_3(96, 96, 3, 2) {
    register_module("branch3x3", branch3x3);
    register_module("branch3x3dbl_1", branch3x3dbl_1);
    register_module("branch3x3dbl_2", branch3x3dbl_2);
    register_module("branch3x3dbl_3", branch3x3dbl_3);
}

torch::Tensor InceptionBImpl::forward(const torch::Tensor& x) {
    return torch::cat({branch3x3(x), branch3x3dbl_3(branch3x3dbl_2(branch3x3dbl_1(x))),
                       F::max_pool2d(x, F::MaxPool2dFuncOptions(3).stride(2))},
                      1);
}

InceptionCImpl::InceptionCImpl(int64_t in, int64_t c7, PoolBranch pool_kind)
    : branch1x1(in, 192, 1),
      branch7x7_1(in, c7, 1),
      branch7x7_2(c7, c7, E2({1, 7}), 1, E2({0, 3})),
      branch7x7_3(c7, 192, E2({7, 1}), 1, E2({3, 0})),
      branch7x7dbl_1(in, c7, 1),
      branch7x7dbl_2(c7, c7, E2({7, 1}), 1, E2({3, 0})),
      branch7x7dbl_3(c7, c7, E2({1, 7}), 1, E2({0, 3})),
      branch7x7dbl_4(c7, c7, E2({7, 1}), 1, E2({3, 0})),
      branch7x7dbl_5(c7, 192, E2({1, 7}), 1, E2({0, 3})),
      branch_pool(in, 192, 1),
      pool(pool_kind) {
    register_module("branch1x1", branch1x1);
    register_module("branch7x7_1", branch7x7_1);
    register_module("branch7x7_2", branch7x7_2);
    register_module("branch7x7_3", branch7x7_3);
    register_module("branch7x7dbl_1", branch7x7dbl_1);
    register_module("branch7x7dbl_2", branch7x7dbl_2);
    register_module("branch7x7dbl_3", branch7x7dbl_3);
    register_module("branch7x7dbl_4", branch7x7dbl_4);
    register_module("branch7x7dbl_5", branch7x7dbl_5);
    register_module("branch_pool", branch_pool);
}

torch::Tensor InceptionCImpl::forward(const torch::Tensor& x) {
    auto b7 = branch7x7_3(branch7x7_2(branch7x7_1(x)));
    auto d7 = branch7x7dbl_5(branch7x7dbl_4(branch7x7dbl_3(branch7x7dbl_2(branch7x7dbl_1(x)))));
    return torch::cat({branch1x1(x), b7, d7, branch_pool(pool_branch_input(x, pool))}, 1);
}

InceptionDImpl::InceptionDImpl(int64_t in)
    : branch3x3_1(in, 192, 1),
      branch3x3_2(192, 320, 3, 2),
      branch7x7x3_1(in, 192, 1),
      branch7x7x3_2(192, 192, E2({1, 7}), 1, E2({0, 3})),
      branch7x7x3_3(192, 192, E2({7, 1}), 1, E2({3, 0})),
      branch7x7x3_4(192, 192, 3, 2) {
    register_module("branch3x3_1", branch3x3_1);
    register_module("branch3x3_2", branch3x3_2);
    register_module("branch7x7x3_1", branch7x7x3_1);
    register_module("branch7x7x3_2", branch7x7x3_2);
    register_module("branch7x7x3_3", branch7x7x3_3);
    register_module("branch7x7x3_4", branch7x7x3_4);
}

torch::Tensor InceptionDImpl::forward(const torch::Tensor& x) {
    return torch::cat({branch3x3_2(branch3x3_1(x)), branch7x7x3_4(branch7x7x3_3(branch7x7x3_2(branch7x7x3_1(x)))),
                       F::max_pool2d(x, F::MaxPool2dFuncOptions(3).stride(2))},
                      1);
}

InceptionEImpl::InceptionEImpl(int64_t in, PoolBranch pool_kind)
    : branch1x1(in, 320, 1),
      branch3x3_1(in, 384, 1),
      branch3x3_2a(384, 384, E2({1, 3}), 1, E2({0, 1})),
      branch3x3_2b(384, 384, E2({3, 1}), 1, E2({1, 0})),
      branch3x3dbl_1(in, 448, 1),
      branch3x3dbl_2(448, 384, 3, 1, 1),
      branch3x3dbl_3a(384, 384, E2({1, 3}), 1, E2({0, 1})),
      branch3x3dbl_3b(384, 384, E2({3, 1}), 1, E2({1, 0})),
      branch_pool(in, 192, 1),
      pool(pool_kind) {
    register_module("branch1x1", branch1x1);
    register_module("branch3x3_1", branch3x3_1);
    register_module("branch3x3_2a", branch3x3_2a);
    register_module("branch3x3_2b", branch3x3_2b);
    register_module("branch3x3dbl_1", branch3x3dbl_1);
    register_module("branch3x3dbl_2", branch3x3dbl_2);
    register_module("branch3x3dbl_3a", branch3x3dbl_3a);
    register_module("branch3x3dbl_3b", branch3x3dbl_3b);
    register_module("branch_pool", branch_pool);
}

torch::Tensor InceptionEImpl::forward(const torch::Tensor& x) {
    const auto b3 = branch3x3_1(x);
    const auto d3 = branch3x3dbl_2(branch3x3dbl_1(x));
    return torch::cat({branch1x1(x), branch3x3_2a(b3), branch3x3_2b(b3), branch3x3dbl_3a(d3), branch3x3dbl_3b(d3),
                       branch_pool(pool_branch_input(x, pool))},
                      1);
}

}  // namespace p2gan
