// The benchmarking exports as a host sees them (p2gan.h "benchmarking"): argument errors
// give a status and a message naming the argument; the values are sane.
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "abi_test_support.h"
#include "p2gan/p2gan.h"

namespace {

using p2gan::abi_testing::last_error;

p2gan_model_params tiny() { return p2gan::abi_testing::tiny_params(5); }
// One LibTorch thread: the runtime-info test below checks that the model set it.
p2gan_runtime_params one_thread() { return p2gan::abi_testing::runtime(1); }

class BenchApi : public ::testing::Test {
protected:
    void SetUp() override {
        const auto p = tiny();
        const auto r = one_thread();
        ASSERT_EQ(p2gan_model_create(&p, &r, &model_), P2GAN_STATUS_OK) << last_error();
    }
    void TearDown() override { p2gan_model_destroy(model_); }
    void expect_invalid(p2gan_status status, const std::string& fragment) {
        EXPECT_EQ(status, P2GAN_STATUS_INVALID_ARGUMENT) << last_error();
        EXPECT_NE(last_error().find(fragment), std::string::npos) << "message: " << last_error();
    }
    void train_step() {
        std::vector<float> images(2 * 32 * 32, 0.25f);
        const int64_t shape[4] = {2, 1, 32, 32};
        p2gan_step_metrics m{};
        m.struct_size = sizeof m;
        ASSERT_EQ(p2gan_model_train_step(model_, images.data(), images.size(), shape, 4, &m), P2GAN_STATUS_OK)
            << last_error();
    }

    p2gan_model* model_ = nullptr;
};

TEST(BenchLibrary, RuntimeInfoDescribesThisProcess) {
    p2gan_runtime_info info;
    std::memset(&info, 0x7f, sizeof info);
    info.struct_size = sizeof info;
    ASSERT_EQ(p2gan_runtime_info_get(&info), P2GAN_STATUS_OK) << last_error();
    EXPECT_EQ(info.struct_size, sizeof info);
    EXPECT_GE(info.intra_op_threads, 1);
    EXPECT_GE(info.cores, 1);
    EXPECT_TRUE(info.blas_threads == -1 || info.blas_threads >= 1) << info.blas_threads;
    EXPECT_TRUE(info.mkldnn == 0 || info.mkldnn == 1);
    EXPECT_TRUE(info.cuda_available == 0 || info.cuda_available == 1);
    // NUL-terminated within their arrays, and the version is LibTorch's "major.minor.patch".
    ASSERT_LT(strnlen(info.libtorch_version, sizeof info.libtorch_version), sizeof info.libtorch_version);
    ASSERT_LT(strnlen(info.blas, sizeof info.blas), sizeof info.blas);
    EXPECT_NE(std::string(info.libtorch_version).find('.'), std::string::npos) << info.libtorch_version;
    EXPECT_NE(std::string(p2gan_version_string()).find(info.libtorch_version), std::string::npos);
    EXPECT_FALSE(std::string(info.blas).empty());
}

TEST(BenchLibrary, RuntimeInfoRefusesNullAndForeignStructSizes) {
    EXPECT_EQ(p2gan_runtime_info_get(nullptr), P2GAN_STATUS_INVALID_ARGUMENT);
    EXPECT_NE(last_error().find("out_info"), std::string::npos) << last_error();
    p2gan_runtime_info info{};
    for (const uint32_t size : {0u, 8u, static_cast<uint32_t>(sizeof info + 8)}) {
        info.struct_size = size;
        EXPECT_EQ(p2gan_runtime_info_get(&info), P2GAN_STATUS_INVALID_ARGUMENT) << size;
        EXPECT_NE(last_error().find("struct_size"), std::string::npos) << last_error();
    }
}

TEST(BenchLibrary, PeakGemmIsPositiveAndChecksItsArguments) {
    double gflops = -1;
    ASSERT_EQ(p2gan_peak_gemm_gflops(128, 1, &gflops), P2GAN_STATUS_OK) << last_error();
    EXPECT_GT(gflops, 0.0);
    EXPECT_EQ(p2gan_peak_gemm_gflops(128, 0, nullptr), P2GAN_STATUS_INVALID_ARGUMENT);
    EXPECT_NE(last_error().find("out_gflops"), std::string::npos) << last_error();
    for (const int64_t size : {-1L, 0L, 63L, 16385L}) {
        EXPECT_EQ(p2gan_peak_gemm_gflops(size, 1, &gflops), P2GAN_STATUS_INVALID_ARGUMENT) << size;
        EXPECT_NE(last_error().find("size"), std::string::npos) << last_error();
    }
    for (const int32_t threads : {-1, 257}) {
        EXPECT_EQ(p2gan_peak_gemm_gflops(128, threads, &gflops), P2GAN_STATUS_INVALID_ARGUMENT) << threads;
        EXPECT_NE(last_error().find("threads"), std::string::npos) << last_error();
    }
}

TEST_F(BenchApi, PeakGemmRestoresTheBlasThreadsTheModelSet) {
    p2gan_runtime_info before{};
    before.struct_size = sizeof before;
    ASSERT_EQ(p2gan_runtime_info_get(&before), P2GAN_STATUS_OK) << last_error();
    double gflops = 0;
    ASSERT_EQ(p2gan_peak_gemm_gflops(128, 2, &gflops), P2GAN_STATUS_OK) << last_error();
    p2gan_runtime_info after{};
    after.struct_size = sizeof after;
    ASSERT_EQ(p2gan_runtime_info_get(&after), P2GAN_STATUS_OK) << last_error();
    EXPECT_EQ(after.blas_threads, before.blas_threads);
    EXPECT_STREQ(after.blas, before.blas);
    EXPECT_EQ(after.intra_op_threads, 1);  // what one_thread() asked for
}

TEST_F(BenchApi, StepFlopsIsLinearInTheBatchAndChecksItsArguments) {
    double one = 0, four = 0;
    ASSERT_EQ(p2gan_model_step_flops(model_, 1, &one), P2GAN_STATUS_OK) << last_error();
    ASSERT_EQ(p2gan_model_step_flops(model_, 4, &four), P2GAN_STATUS_OK) << last_error();
    EXPECT_GT(one, 0.0);
    EXPECT_DOUBLE_EQ(four, 4 * one);
    // 32x32x1, c = 4, n = d = 8, statistics AdaIN: 11,695,104 FLOPs per image
    // (docs/benchmarks.md's convention; worked layer by layer in test_step_flops.cpp).
    EXPECT_DOUBLE_EQ(one, 11695104.0);

    double flops = 0;
    expect_invalid(p2gan_model_step_flops(nullptr, 1, &flops), "model");
    expect_invalid(p2gan_model_step_flops(model_, 1, nullptr), "out_flops");
    for (const int64_t batch : {0L, -3L, (1L << 20) + 1}) {
        expect_invalid(p2gan_model_step_flops(model_, batch, &flops), "batch");
    }
}

TEST_F(BenchApi, TimingsOfTheLastStep) {
    p2gan_step_timings t;
    std::memset(&t, 0x7f, sizeof t);
    t.struct_size = sizeof t;
    ASSERT_EQ(p2gan_model_last_step_timings(model_, &t), P2GAN_STATUS_OK) << last_error();
    EXPECT_EQ(t.total_ms, 0.0);  // no step yet

    train_step();
    t.struct_size = sizeof t;
    ASSERT_EQ(p2gan_model_last_step_timings(model_, &t), P2GAN_STATUS_OK) << last_error();
    EXPECT_EQ(t.struct_size, sizeof t);
    EXPECT_EQ(t.synchronized, 1);  // always on the CPU
    const double phases[] = {t.transfer_ms, t.d_forward_ms, t.d_backward_ms,
                             t.g_forward_ms, t.g_backward_ms, t.optimizer_ms};
    double sum = 0;
    for (const double ms : phases) {
        EXPECT_GE(ms, 0.0);
        sum += ms;
    }
    EXPECT_GT(t.d_forward_ms, 0.0);
    EXPECT_GT(t.g_backward_ms, 0.0);
    EXPECT_GT(t.total_ms, 0.0);
    EXPECT_LE(sum, t.total_ms * 1.0001);
}

TEST_F(BenchApi, TimingsAndProfilingCheckTheirArguments) {
    p2gan_step_timings t{};
    t.struct_size = sizeof t;
    expect_invalid(p2gan_model_last_step_timings(nullptr, &t), "model");
    expect_invalid(p2gan_model_last_step_timings(model_, nullptr), "out_timings");
    for (const uint32_t size : {0u, 3u, static_cast<uint32_t>(P2GAN_STEP_TIMINGS_SIZE_V3_0 - 8), static_cast<uint32_t>(sizeof t + 8)}) {
        t.struct_size = size;
        expect_invalid(p2gan_model_last_step_timings(model_, &t), "struct_size");
    }
    expect_invalid(p2gan_model_set_profiling(nullptr, 1), "model");
}

TEST_F(BenchApi, ProfilingOnTheCpuChangesNothingButIsAccepted) {
    ASSERT_EQ(p2gan_model_set_profiling(model_, 1), P2GAN_STATUS_OK) << last_error();
    train_step();
    p2gan_step_timings t{};
    t.struct_size = sizeof t;
    ASSERT_EQ(p2gan_model_last_step_timings(model_, &t), P2GAN_STATUS_OK) << last_error();
    EXPECT_EQ(t.synchronized, 1);
    EXPECT_GT(t.total_ms, 0.0);
    ASSERT_EQ(p2gan_model_set_profiling(model_, 0), P2GAN_STATUS_OK) << last_error();
}

}  // namespace
