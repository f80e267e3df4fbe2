// The autocast scope: a no-op unless CUDA + bf16, and it always leaves the thread's
// autocast settings as it found them. Switching autocast on is thread-local state only,
// so the CUDA case is checked here without a GPU (no kernel runs).
#include <gtest/gtest.h>

#include "p2gan/p2gan.h"
#include "runtime/precision.h"

namespace p2gan {
namespace {

void expect_same(const AutocastState& a, const AutocastState& b) {
    EXPECT_EQ(a.cuda_enabled, b.cuda_enabled);
    EXPECT_EQ(a.cuda_dtype, b.cuda_dtype);
    EXPECT_EQ(a.cpu_enabled, b.cpu_enabled);
    EXPECT_EQ(a.cache_enabled, b.cache_enabled);
}

TEST(Precision, CpuScopeIsANoOpForEveryPrecision) {
    const auto before = autocast_state();
    for (const int32_t precision : {P2GAN_PRECISION_FLOAT32, P2GAN_PRECISION_BFLOAT16_AUTOCAST}) {
        {
            AutocastScope scope(torch::Device(torch::kCPU), precision);
            EXPECT_FALSE(scope.active());
            expect_same(autocast_state(), before);
            // Ops run exactly as outside the scope.
            const auto a = torch::ones({4, 4});
            EXPECT_EQ(torch::mm(a, a).scalar_type(), torch::kFloat32);
        }
        expect_same(autocast_state(), before);
    }
}

TEST(Precision, Float32OnCudaIsANoOp) {
    const auto before = autocast_state();
    {
        AutocastScope scope(torch::Device(torch::kCUDA), P2GAN_PRECISION_FLOAT32);
        EXPECT_FALSE(scope.active());
        expect_same(autocast_state(), before);
    }
    expect_same(autocast_state(), before);
}

TEST(Precision, Bf16OnCudaEnablesAutocastAndRestoresIt) {
    const auto before = autocast_state();
    ASSERT_FALSE(before.cuda_enabled);
    {
        AutocastScope outer(torch::Device(torch::kCUDA), P2GAN_PRECISION_BFLOAT16_AUTOCAST);
        EXPECT_TRUE(outer.active());
        EXPECT_TRUE(autocast_state().cuda_enabled);
        EXPECT_EQ(autocast_state().cuda_dtype, torch::kBFloat16);
        EXPECT_EQ(autocast_state().cpu_enabled, before.cpu_enabled);
        {
            AutocastScope inner(torch::Device(torch::kCUDA), P2GAN_PRECISION_BFLOAT16_AUTOCAST);
            EXPECT_TRUE(autocast_state().cuda_enabled);
        }
        // Closing a nested scope leaves the outer one in force.
        EXPECT_TRUE(autocast_state().cuda_enabled);
        EXPECT_EQ(autocast_state().cuda_dtype, torch::kBFloat16);
    }
    expect_same(autocast_state(), before);
}

TEST(Precision, CpuTensorsAreNotCastInsideACudaScope) {
    AutocastScope scope(torch::Device(torch::kCUDA), P2GAN_PRECISION_BFLOAT16_AUTOCAST);
    const auto a = torch::ones({4, 4});
    EXPECT_EQ(torch::mm(a, a).scalar_type(), torch::kFloat32);
}

}  // namespace
}  // namespace p2gan
