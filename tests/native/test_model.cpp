// The networks' shapes and the train step's behaviour: what each half updates,
// the schedule of G updates, EMA, and determinism under a seed.
#include <gtest/gtest.h>

#include <ATen/CPUGeneratorImpl.h>

#include <limits>
#include <sstream>

#include "runtime/errors.h"
#include "train/memory_guard.h"
#include "train/model.h"
#include "test_support.h"

namespace p2gan {
namespace {

using testing::image_batch;
using testing::tiny_params;

using testing::all_changed;
using testing::all_equal;
using testing::snapshot;

class Resolutions : public ::testing::TestWithParam<std::tuple<int, int>> {};

TEST_P(Resolutions, NetworksProduceTheDocumentedShapes) {
    auto p = tiny_params();
    std::tie(p.resolution, p.channels) = GetParam();
    Model model(p, testing::cpu_runtime());
    const auto real = image_batch(p, 3);
    const auto post = model.encode(real);
    EXPECT_EQ(post.mu.sizes(), (std::vector<int64_t>{3, p.posterior_dim}));
    EXPECT_TRUE((post.sigma > 0).all().item<bool>());
    const auto fake = model.generate(torch::randn({3, p.noise_dim}), torch::randn({3, p.posterior_dim}), false);
    EXPECT_EQ(fake.sizes(), (std::vector<int64_t>{3, p.channels, p.resolution, p.resolution}));
    EXPECT_LE(fake.abs().max().item<float>(), 1.0f);
    const auto m = model.train_step(real);
    EXPECT_TRUE(std::isfinite(m.loss_d) && std::isfinite(m.loss_g));
}

INSTANTIATE_TEST_SUITE_P(Model, Resolutions,
                         ::testing::Values(std::make_tuple(32, 1), std::make_tuple(32, 3), std::make_tuple(64, 3),
                                           std::make_tuple(128, 1)));

TEST(Model, DiscriminatorStepChangesOnlyD) {
    Model model(tiny_params(), testing::cpu_runtime());
    const auto real = image_batch(model.params(), 4);
    const auto d0 = snapshot(*model.discriminator());
    const auto g0 = snapshot(*model.generator());
    model.discriminator_step(real);
    EXPECT_TRUE(all_changed(d0, snapshot(*model.discriminator())));
    EXPECT_TRUE(all_equal(g0, snapshot(*model.generator())));
}

// Without the posterior promotion (and without L_z, the only other use of the real
// batch in the G step) G's update cannot depend on the real images; with it, it does.
TEST(Model, WithoutPromotionTheGeneratorStepIgnoresTheRealBatch) {
    for (const int32_t promotion : {0, 1}) {
        auto p = tiny_params();
        p.posterior_promotion = promotion;
        p.lambda_z = 0.0f;
        Model a(p, testing::cpu_runtime()), b(p, testing::cpu_runtime());
        a.generator_step(image_batch(p, 4, /*seed=*/7));
        b.generator_step(image_batch(p, 4, /*seed=*/8));
        EXPECT_EQ(all_equal(snapshot(*a.generator()), snapshot(*b.generator())), promotion == 0)
            << "posterior_promotion " << promotion;
    }
}

// docs/benchmarks.md, host_syncs_per_step: the L_D check, the L_G check when G updates, one
// read of the metrics. A new read in the step shows up here (issue #14 wants them gone on CUDA).
TEST(Model, AStepReadsDeviceValuesThreeTimesWithAGUpdateAndTwiceWithout) {
    auto p = tiny_params();
    p.pretrain_steps = 1;
    Model model(p, testing::cpu_runtime());
    const auto real = image_batch(p, 2);
    EXPECT_EQ(model.train_step(real).g_updated, 0);
    EXPECT_EQ(model.last_step_timings().host_syncs, 2);
    EXPECT_EQ(model.train_step(real).g_updated, 1);
    EXPECT_EQ(model.last_step_timings().host_syncs, 3);
}

TEST(Model, GeneratorStepChangesOnlyG) {
    Model model(tiny_params(), testing::cpu_runtime());
    const auto real = image_batch(model.params(), 4);
    const auto d0 = snapshot(*model.discriminator());
    const auto g0 = snapshot(*model.generator());
    model.generator_step(real);
    EXPECT_TRUE(all_equal(d0, snapshot(*model.discriminator())));
    // Every G parameter receives a gradient, so every one moves.
    EXPECT_TRUE(all_changed(g0, snapshot(*model.generator())));
    // D is trainable again afterwards.
    for (const auto& p : model.discriminator()->parameters()) EXPECT_TRUE(p.requires_grad());
}

// p2gan.h: G updates when step >= pretrain_steps and (step - pretrain_steps + 1) % n_dis == 0,
// step counting the steps completed before this one.
TEST(Model, PretrainingAndNDisScheduleGeneratorUpdates) {
    auto p = tiny_params();
    p.pretrain_steps = 3;
    p.n_dis = 2;
    Model model(p, testing::cpu_runtime());
    const auto real = image_batch(p, 2);
    std::vector<int> updated, due, expected;
    for (int64_t step = 0; step < 9; ++step) {
        expected.push_back(step >= p.pretrain_steps && (step - p.pretrain_steps + 1) % p.n_dis == 0 ? 1 : 0);
        EXPECT_EQ(model.step(), step);
        due.push_back(model.generator_update_due() ? 1 : 0);
        const auto g0 = snapshot(*model.generator());
        const auto m = model.train_step(real);
        updated.push_back(m.g_updated);
        EXPECT_EQ(m.step, step + 1);
        // g_updated tells the truth: G moved exactly on the steps that report it.
        EXPECT_EQ(all_equal(g0, snapshot(*model.generator())), m.g_updated == 0) << "step " << step;
    }
    EXPECT_EQ(updated, expected);
    EXPECT_EQ(updated, (std::vector<int>{0, 0, 0, 0, 1, 0, 1, 0, 1}));
    EXPECT_EQ(due, updated);
    EXPECT_EQ(model.step(), 9);
}

TEST(Model, SameSeedGivesBitIdenticalTraining) {
    Model a(tiny_params(5), testing::cpu_runtime()), b(tiny_params(5), testing::cpu_runtime());
    const auto real = image_batch(a.params(), 4);
    for (int i = 0; i < 3; ++i) {
        const auto ma = a.train_step(real), mb = b.train_step(real);
        EXPECT_EQ(ma.loss_d, mb.loss_d);
        EXPECT_EQ(ma.loss_g, mb.loss_g);
    }
    const auto ta = a.named_tensors(), tb = b.named_tensors();
    ASSERT_EQ(ta.size(), tb.size());
    for (size_t i = 0; i < ta.size(); ++i) EXPECT_TRUE(torch::equal(ta[i].second, tb[i].second)) << ta[i].first;
    EXPECT_TRUE(torch::equal(a.sample(4, 9, {}, false), b.sample(4, 9, {}, false)));
}

TEST(Model, DifferentSeedsGiveDifferentWeights) {
    Model a(tiny_params(5), testing::cpu_runtime()), b(tiny_params(6), testing::cpu_runtime());
    EXPECT_FALSE(torch::equal(a.named_tensors()[0].second, b.named_tensors()[0].second));
}

TEST(Model, SampledDistanceEstimatorTrains) {
    auto p = tiny_params();
    p.distance_estimator = P2GAN_DISTANCE_SAMPLED;
    Model model(p, testing::cpu_runtime());
    const auto m = model.train_step(image_batch(p, 4));
    EXPECT_TRUE(std::isfinite(m.loss_d) && std::isfinite(m.loss_g));
}

TEST(Model, AffineAdainModeTrains) {
    auto p = tiny_params();
    p.adain_mode = P2GAN_ADAIN_AFFINE;
    Model model(p, testing::cpu_runtime());
    const auto m = model.train_step(image_batch(p, 4));
    EXPECT_TRUE(std::isfinite(m.loss_d) && std::isfinite(m.loss_g));
}

TEST(Model, EmaFollowsTheExponentialMovingAverage) {
    auto p = tiny_params();
    p.ema_decay = 0.9f;
    Model model(p, testing::cpu_runtime());
    const auto g0 = snapshot(*model.generator());
    model.generator_step(image_batch(p, 4));
    const auto g1 = snapshot(*model.generator());
    auto tensors = model.named_tensors();
    std::vector<torch::Tensor> ema;
    for (const auto& [name, t] : tensors) {
        if (name.rfind("G_ema.", 0) == 0 && name.find("running") == std::string::npos &&
            name.find("num_batches") == std::string::npos) {
            ema.push_back(t);
        }
    }
    ASSERT_EQ(ema.size(), g1.size());
    for (size_t i = 0; i < g1.size(); ++i) {
        EXPECT_TRUE(torch::allclose(ema[i], 0.9 * g0[i] + 0.1 * g1[i], 1e-5, 1e-7));
    }
    EXPECT_THROW(Model(tiny_params(), testing::cpu_runtime()).sample(1, 0, {}, /*use_ema=*/true), Error);
}

TEST(Model, SamplingLeavesTrainingRandomnessUntouched) {
    Model a(tiny_params(), testing::cpu_runtime()), b(tiny_params(), testing::cpu_runtime());
    const auto real = image_batch(a.params(), 4);
    a.sample(4, 123, real, false);
    EXPECT_EQ(a.train_step(real).loss_d, b.train_step(real).loss_d);
}

TEST(Model, InterpolationEndsAreTheGeneratedEndpoints) {
    Model model(tiny_params(), testing::cpu_runtime());
    const auto& p = model.params();
    const auto na = torch::randn({p.noise_dim}), nb = torch::randn({p.noise_dim});
    const auto za = torch::randn({p.posterior_dim}), zb = torch::randn({p.posterior_dim});
    const auto path = model.interpolate(na, nb, za, zb, 5, false);
    ASSERT_EQ(path.size(0), 5);
    EXPECT_TRUE(torch::allclose(path[0], model.generate(na.unsqueeze(0), za.unsqueeze(0), false)[0]));
    EXPECT_TRUE(torch::allclose(path[4], model.generate(nb.unsqueeze(0), zb.unsqueeze(0), false)[0]));
}

TEST(Model, NonFiniteLossSkipsTheUpdate) {
    Model model(tiny_params(), testing::cpu_runtime());
    {
        torch::NoGradGuard no_grad;
        model.discriminator()->mu_head->weight_orig.fill_(std::numeric_limits<float>::infinity());
    }
    const auto g0 = snapshot(*model.generator());
    try {
        model.train_step(image_batch(model.params(), 2));
        FAIL() << "expected a non-finite loss error";
    } catch (const Error& e) {
        EXPECT_EQ(e.status(), P2GAN_STATUS_NON_FINITE_LOSS);
    }
    EXPECT_EQ(model.step(), 0);
    EXPECT_TRUE(all_equal(g0, snapshot(*model.generator())));
}

}  // namespace
}  // namespace p2gan

namespace p2gan {
namespace {

// Everything a train step may change, copied: every tensor of D, G and G_ema, both Adam
// states (moments and step counts) and the RNG state.
struct FullState {
    std::vector<std::pair<std::string, torch::Tensor>> tensors;
    torch::Tensor rng;
    int64_t step;
};

void add_adam(FullState& s, torch::optim::Adam& opt, const std::string& prefix) {
    int index = 0;
    for (auto& group : opt.param_groups()) {
        for (auto& p : group.params()) {
            const auto name = prefix + std::to_string(index++);
            std::ostringstream key;
            key << p.unsafeGetTensorImpl();
            const auto it = opt.state().find(key.str());
            if (it == opt.state().end()) {
                s.tensors.emplace_back(name + ".none", torch::zeros({1}));
                continue;
            }
            auto& st = static_cast<torch::optim::AdamParamState&>(*it->second);
            s.tensors.emplace_back(name + ".exp_avg", st.exp_avg().clone());
            s.tensors.emplace_back(name + ".exp_avg_sq", st.exp_avg_sq().clone());
            s.tensors.emplace_back(name + ".step", torch::tensor(st.step(), torch::kInt64));
        }
    }
}

FullState full_state(Model& model) {
    FullState s;
    for (auto& [name, t] : model.named_tensors()) s.tensors.emplace_back(name, t.detach().clone());
    add_adam(s, model.discriminator_optimizer(), "opt_D.");
    add_adam(s, model.generator_optimizer(), "opt_G.");
    s.rng = model.random_generator().get_state();
    s.step = model.step();
    return s;
}

void expect_identical(const FullState& a, const FullState& b) {
    ASSERT_EQ(a.tensors.size(), b.tensors.size());
    for (size_t i = 0; i < a.tensors.size(); ++i) {
        EXPECT_EQ(a.tensors[i].first, b.tensors[i].first);
        EXPECT_TRUE(a.tensors[i].second.sizes() == b.tensors[i].second.sizes() &&
                    torch::equal(a.tensors[i].second, b.tensors[i].second))
            << a.tensors[i].first;
    }
    EXPECT_TRUE(torch::equal(a.rng, b.rng)) << "RNG state";
    EXPECT_EQ(a.step, b.step);
}

p2gan_status step_status(Model& model, const torch::Tensor& real) {
    try {
        model.train_step(real);
    } catch (const Error& e) {
        return e.status();
    }
    return P2GAN_STATUS_OK;
}

// After a refused step: model's next step on real leaves it exactly where the same step leaves
// reference, a model that never saw the refused one.
void expect_same_next_step(Model& model, Model& reference, const torch::Tensor& real) {
    ASSERT_EQ(step_status(model, real), P2GAN_STATUS_OK);
    ASSERT_EQ(step_status(reference, real), P2GAN_STATUS_OK);
    expect_identical(full_state(reference), full_state(model));
}

// A refused step (here L_G, after D's update of the same step) changes nothing at all, and
// training afterwards is exactly the training of a model that never saw it.
TEST(Model, RefusedStepIsANoOp) {
    for (const int kernels : {P2GAN_KERNELS_FAST, P2GAN_KERNELS_REFERENCE}) {
        auto p = tiny_params(21);
        p.ema_decay = 0.5f;
        Model model(p, testing::cpu_runtime(kernels));
        Model reference(p, testing::cpu_runtime(kernels));
        const auto real = image_batch(p, 4);
        ASSERT_EQ(step_status(model, real), P2GAN_STATUS_OK);
        ASSERT_EQ(step_status(reference, real), P2GAN_STATUS_OK);

        model.set_learning_rates(1e30, 1e30);
        const auto before = full_state(model);
        ASSERT_EQ(step_status(model, real), P2GAN_STATUS_NON_FINITE_LOSS) << "kernels " << kernels;
        expect_identical(before, full_state(model));
        EXPECT_EQ(model.step(), 1);

        model.set_learning_rates(p.lr_d, p.lr_g);
        expect_same_next_step(model, reference, real);
    }
}

// Refused at L_G on the very first step: D's update had created its Adam state, which the
// refusal must remove again, so the next step starts Adam from zero like a model never refused.
TEST(Model, FirstStepRefusedAfterTheDiscriminatorUpdateLeavesNoAdamState) {
    auto p = tiny_params(23);
    Model model(p, testing::cpu_runtime());
    Model reference(p, testing::cpu_runtime());
    const auto real = image_batch(p, 4);
    const auto before = full_state(model);
    model.set_learning_rates(1e30, 1e30);
    ASSERT_EQ(step_status(model, real), P2GAN_STATUS_NON_FINITE_LOSS);
    expect_identical(before, full_state(model));
    EXPECT_EQ(model.step(), 0);
    model.set_learning_rates(p.lr_d, p.lr_g);
    expect_same_next_step(model, reference, real);
}

// Refused at L_D (before any optimizer ran, but after the forward passes moved SN's u/v and
// G's batch-norm statistics), on the very first step: no Adam state is left behind either.
TEST(Model, StepRefusedAtTheDiscriminatorLossIsANoOp) {
    auto p = tiny_params(22);
    Model model(p, testing::cpu_runtime());
    Model reference(p, testing::cpu_runtime());
    const auto real = image_batch(p, 2);
    auto bad = real.clone();
    bad[0][0][0][0] = std::numeric_limits<float>::infinity();
    const auto before = full_state(model);
    ASSERT_EQ(step_status(model, bad), P2GAN_STATUS_NON_FINITE_LOSS);
    expect_identical(before, full_state(model));
    expect_same_next_step(model, reference, real);
}

// The memory guard's parameter counts are the networks' own, for every architecture knob.
TEST(MemoryGuard, ParameterCountsAreTheNetworksOwn) {
    for (const auto& [resolution, base, mode] :
         std::vector<std::tuple<int, int, int>>{{32, 4, P2GAN_ADAIN_STATISTICS}, {64, 3, P2GAN_ADAIN_AFFINE}}) {
        auto p = tiny_params();
        p.resolution = resolution;
        p.base_channels = base;
        p.adain_mode = mode;
        p.channels = 3;
        Model model(p, testing::cpu_runtime());
        auto count = [](const std::vector<torch::Tensor>& tensors) {
            int64_t n = 0;
            for (const auto& t : tensors) n += t.numel();
            return n;
        };
        const auto sizes = network_sizes(model.network());
        EXPECT_EQ(sizes.d_parameters, count(model.discriminator()->parameters()));
        EXPECT_EQ(sizes.d_buffers, count(model.discriminator()->buffers()));
        EXPECT_EQ(sizes.g_parameters, count(model.generator()->parameters()));
        EXPECT_EQ(sizes.g_buffers, count(model.generator()->buffers()));
        const auto estimate = estimate_model_memory(p, model.network());
        EXPECT_GT(estimate.state_bytes, 4.0 * (sizes.d_parameters + sizes.g_parameters));
        EXPECT_GT(estimate.activation_bytes, 0.0);
    }
}

}  // namespace
}  // namespace p2gan
