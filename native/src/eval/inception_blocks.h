// The building blocks of the FID Inception-v3 (inception.h), named exactly as in
// pytorch-fid's state dict (torchvision's Inception3 module names) so that a weights
// file maps onto named_parameters()/named_buffers() one to one.
//
// Differences of the FID network (the TensorFlow 2015-12-05 graph) from torchvision's
// Inception-v3, which pytorch-fid patches in (FIDInceptionA/C/E_1/E_2):
//   - the 3x3 average pool of the pool branch in InceptionA (Mixed_5b..5d), InceptionC
//     (Mixed_6b..6e) and the first InceptionE (Mixed_7b) does not count the zero padding
//     (TensorFlow's AVG pool, count_include_pad = false); torchvision counts it;
//   - the pool branch of the last InceptionE (Mixed_7c) uses a 3x3 MAX pool (stride 1,
//     padding 1) instead of the average pool;
//   - 1008 output classes (1000 ImageNet classes + 8 unused), no auxiliary classifier.
#pragma once

#include <cstdint>
#include <string>

#include <torch/torch.h>

namespace p2gan {

// conv (no bias) -> BatchNorm (eps 0.001) -> ReLU. Names: conv.weight, bn.{weight, bias,
// running_mean, running_var, num_batches_tracked}.
struct InceptionConvImpl : torch::nn::Module {
    InceptionConvImpl(int64_t in, int64_t out, torch::ExpandingArray<2> kernel, torch::ExpandingArray<2> stride = 1,
                      torch::ExpandingArray<2> padding = 0);
    torch::Tensor forward(const torch::Tensor& x);
    torch::nn::Conv2d conv;
    torch::nn::BatchNorm2d bn;
};
TORCH_MODULE(InceptionConv);

// How the pool branch of an InceptionA/C/E block pools before its 1x1 conv.
enum class PoolBranch {
    AvgIncludePad,  // torchvision
    AvgExcludePad,  // FID: TensorFlow's average pool
    Max             // FID: Mixed_7c
};

// 35x35 block (Mixed_5b..5d): 64 + 64 + 96 + pool_features channels out.
struct InceptionAImpl : torch::nn::Module {
    InceptionAImpl(int64_t in, int64_t pool_features, PoolBranch pool);
    torch::Tensor forward(const torch::Tensor& x);
    InceptionConv branch1x1, branch5x5_1, branch5x5_2, branch3x3dbl_1, branch3x3dbl_2, branch3x3dbl_3, branch_pool;
    PoolBranch pool;
};
TORCH_MODULE(InceptionA);

// 35 -> 17 reduction (Mixed_6a): 384 + 96 + in channels out.
struct InceptionBImpl : torch::nn::Module {
    explicit InceptionBImpl(int64_t in);
    torch::Tensor forward(const torch::Tensor& x);
    InceptionConv branch3x3, branch3x3dbl_1, branch3x3dbl_2, branch3x3dbl_3;
};
TORCH_MODULE(InceptionB);

// 17x17 block with factorised 7x7 convolutions (Mixed_6b..6e): 768 channels out.
struct InceptionCImpl : torch::nn::Module {
    InceptionCImpl(int64_t in, int64_t channels_7x7, PoolBranch pool);
    torch::Tensor forward(const torch::Tensor& x);
    InceptionConv branch1x1, branch7x7_1, branch7x7_2, branch7x7_3, branch7x7dbl_1, branch7x7dbl_2, branch7x7dbl_3,
        branch7x7dbl_4, branch7x7dbl_5, branch_pool;
    PoolBranch pool;
};
TORCH_MODULE(InceptionC);

// 17 -> 8 reduction (Mixed_7a): 320 + 192 + in channels out.
struct InceptionDImpl : torch::nn::Module {
    explicit InceptionDImpl(int64_t in);
    torch::Tensor forward(const torch::Tensor& x);
    InceptionConv branch3x3_1, branch3x3_2, branch7x7x3_1, branch7x7x3_2, branch7x7x3_3, branch7x7x3_4;
};
TORCH_MODULE(InceptionD);

// 8x8 block with split 1x3/3x1 outputs (Mixed_7b, 7c): 320 + 768 + 768 + 192 = 2048 out.
struct InceptionEImpl : torch::nn::Module {
    InceptionEImpl(int64_t in, PoolBranch pool);
    torch::Tensor forward(const torch::Tensor& x);
    InceptionConv branch1x1, branch3x3_1, branch3x3_2a, branch3x3_2b, branch3x3dbl_1, branch3x3dbl_2,
        branch3x3dbl_3a, branch3x3dbl_3b, branch_pool;
    PoolBranch pool;
};
TORCH_MODULE(InceptionE);

// The 3x3, stride 1, padding 1 pooling of a pool branch.
torch::Tensor pool_branch_input(const torch::Tensor& x, PoolBranch pool);

}  // namespace p2gan
