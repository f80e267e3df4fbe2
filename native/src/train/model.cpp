#include "train/model.h"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/cuda.h>

#include <cmath>
#include <sstream>
#include <type_traits>

#include "config/settings.h"
#include "runtime/errors.h"
#include "train/adam_state.h"
#include "train/baseline_losses.h"
#include "train/fused_adam.h"
#include "nn/init.h"
#include "runtime/log.h"
#include "runtime/precision.h"
#include "runtime/threading.h"

namespace p2gan {
namespace {

// Switches modules to eval mode for a scope and restores their previous modes.
class EvalScope {
public:
    explicit EvalScope(std::vector<torch::nn::Module*> modules) : modules_(std::move(modules)) {
        for (auto* m : modules_) {
            was_training_.push_back(m->is_training());
            m->eval();
        }
    }
    ~EvalScope() {
        for (size_t i = 0; i < modules_.size(); ++i) modules_[i]->train(was_training_[i]);
    }
    EvalScope(const EvalScope&) = delete;
    EvalScope& operator=(const EvalScope&) = delete;

private:
    std::vector<torch::nn::Module*> modules_;
    std::vector<bool> was_training_;
};

// Freezes D's parameters while G learns through it, restored even on a throw.
class FrozenScope {
public:
    explicit FrozenScope(torch::nn::Module& module) : params_(module.parameters()) {
        for (auto& p : params_) p.set_requires_grad(false);
    }
    ~FrozenScope() {
        for (auto& p : params_) p.set_requires_grad(true);
    }
    FrozenScope(const FrozenScope&) = delete;
    FrozenScope& operator=(const FrozenScope&) = delete;

private:
    std::vector<torch::Tensor> params_;
};

torch::optim::AdamOptions adam_options(double lr, const p2gan_model_params& p) {
    return torch::optim::AdamOptions(lr).betas({p.beta1, p.beta2}).eps(1e-8).weight_decay(0.0);
}

void set_lr(torch::optim::Adam& opt, double lr) {
    for (auto& group : opt.param_groups()) {
        static_cast<torch::optim::AdamOptions&>(group.options()).lr(lr);
    }
}

bool is_baseline(const p2gan_model_params& p) { return p.method != P2GAN_METHOD_P2GAN; }

// z = mu(x_r) + sigma(x_r) e' (the posterior promotion), or z ~ P_c from the same e' when
// the promotion is off (an ablation) or the method is a baseline (its D has no posterior).
torch::Tensor promoted_codes(const p2gan_model_params& p, const Priors& priors, const Posterior& real,
                             const torch::Tensor& code_noise) {
    if (p.posterior_promotion == 0 || is_baseline(p)) return priors.midpoint.mean + priors.midpoint.std * code_noise;
    return real.mu + real.sigma * code_noise;
}

Posterior detached(const Posterior& p) {
    return {p.mu.detach(), p.sigma.defined() ? p.sigma.detach() : torch::Tensor()};
}

void require_posterior(const p2gan_model_params& p, const char* what) {
    if (is_baseline(p)) {
        fail_invalid(std::string(what) + " needs method P2GAN: a baseline's discriminator gives one score per image, not a posterior");
    }
}

}  // namespace

Model::Model(const p2gan_model_params& params, const p2gan_runtime_params& runtime)
    : params_(params),
      runtime_(runtime),
      network_(network_config(params, runtime)),
      device_(torch::Device(std::string(runtime.device))),
      priors_(make_priors(params)),
      rng_(at::make_generator<at::CPUGeneratorImpl>(params.seed)) {
    const auto threads = configure_threads(runtime.intra_op_threads);

    d_ = Discriminator(network_);
    g_ = Generator(network_);
    initialize_weights(*d_, rng_);
    initialize_weights(*g_, rng_);
    if (params_.ema_decay > 0.0f) {
        g_ema_ = Generator(network_);
        torch::NoGradGuard no_grad;
        auto src = g_->named_parameters();
        for (auto& dst : g_ema_->named_parameters()) dst.value().copy_(src[dst.key()]);
        g_ema_->eval();
        for (auto& p : g_ema_->parameters()) p.set_requires_grad(false);
    }
    d_->to(device_);
    g_->to(device_);
    if (has_ema()) g_ema_->to(device_);

    opt_d_ = std::make_unique<torch::optim::Adam>(d_->parameters(), adam_options(params_.lr_d, params_));
    opt_g_ = std::make_unique<torch::optim::Adam>(g_->parameters(), adam_options(params_.lr_g, params_));
    log_message(P2GAN_LOG_INFORMATION, "model created on " + device_.str() + " with " +
                                    std::to_string(threads.intra_op_threads) + " intra-op threads; BLAS: " +
                                    threads.blas);
}

void Model::set_learning_rates(double lr_d, double lr_g) {
    if (!(std::isfinite(lr_d) && lr_d > 0.0 && std::isfinite(lr_g) && lr_g > 0.0)) {
        fail_invalid("learning rates must be finite and > 0");
    }
    set_lr(*opt_d_, lr_d);
    set_lr(*opt_g_, lr_g);
    params_.lr_d = static_cast<float>(lr_d);
    params_.lr_g = static_cast<float>(lr_g);
}

void Model::set_ema_decay(double decay) {
    if (!has_ema()) fail_invalid("the model has no EMA (create it with ema_decay > 0)");
    if (!(std::isfinite(decay) && decay > 0.0 && decay < 1.0)) {
        fail_invalid("EMA decay must be in (0, 1), got " + std::to_string(decay));
    }
    params_.ema_decay = static_cast<float>(decay);
}

torch::Tensor Model::randn(at::IntArrayRef shape) {
    // Drawn on the CPU so a seed means the same numbers on every device.
    return torch::randn(shape, rng_, torch::kFloat32).to(device_);
}

bool Model::generator_update_due() const {
    if (step_ < params_.pretrain_steps) return false;
    return (step_ - params_.pretrain_steps + 1) % params_.n_dis == 0;
}

DiscriminatorStep Model::discriminator_step(const torch::Tensor& real) {
    const auto batch = real.size(0);
    const bool sampled = params_.distance_estimator == P2GAN_DISTANCE_SAMPLED;
    const auto noise = randn_for_batch(batch, params_.noise_dim);
    const auto code_noise = randn_for_batch(batch, params_.posterior_dim);

    opt_d_->zero_grad();
    std::optional<torch::Tensor> real_e, fake_e;
    if (sampled) {
        real_e = randn_for_batch(batch, params_.posterior_dim);
        fake_e = randn_for_batch(batch, params_.posterior_dim);
    }
    Posterior real_post, fake_post;
    torch::Tensor loss;
    {
        AutocastScope autocast(device_, runtime_.precision);
        real_post = d_(real);
        const auto codes = (promoted_codes(params_, priors_, real_post, code_noise)).detach();
        torch::Tensor fake;
        {
            torch::NoGradGuard no_grad;
            fake = g_(noise, codes);
        }
        fake_post = d_(fake);
        loss = is_baseline(params_) ? baseline_discriminator_loss(params_.method, real_post.mu, fake_post.mu)
                                    : discriminator_loss(real_post, fake_post, priors_, real_e, fake_e);
    }
    const double loss_d = global_loss(loss, "L_D", batch);
    mark_phase(&StepTimings::d_forward_ms);
    loss.backward();
    average_gradients(*d_, "averaging D's gradients");
    mark_phase(&StepTimings::d_backward_ms);
    optimizer_step(*opt_d_);
    mark_phase(&StepTimings::optimizer_ms);
    return {detached(real_post), detached(fake_post), loss_d};
}

GeneratorStep Model::generator_step(const torch::Tensor& real) {
    const auto batch = real.size(0);
    const bool sampled = params_.distance_estimator == P2GAN_DISTANCE_SAMPLED;
    const auto noise = randn_for_batch(batch, params_.noise_dim);
    const auto code_noise = randn_for_batch(batch, params_.posterior_dim);

    FrozenScope frozen(*d_);
    opt_g_->zero_grad();
    std::optional<torch::Tensor> e;
    if (sampled) e = randn_for_batch(batch, params_.posterior_dim);
    torch::Tensor l_adv, l_z, l_g;
    {
        AutocastScope autocast(device_, runtime_.precision);
        Posterior real_post;
        if (!is_baseline(params_)) {  // a baseline needs neither D(x_r)'s codes nor L_z
            torch::NoGradGuard no_grad;
            real_post = d_(real);
        }
        const auto codes = promoted_codes(params_, priors_, real_post, code_noise);
        const auto fake_post = d_(g_(noise, codes));
        if (is_baseline(params_)) {
            l_adv = baseline_generator_loss(params_.method, fake_post.mu);
            l_z = torch::zeros({}, l_adv.options());
            l_g = l_adv;
        } else {
            l_adv = adversarial_loss(fake_post, priors_, e);
            l_z = latent_loss(fake_post, real_post);
            l_g = l_adv + params_.lambda_z * l_z;
        }
    }
    const double loss_g = global_loss(l_g, "L_G", batch);
    mark_phase(&StepTimings::g_forward_ms);
    l_g.backward();
    average_gradients(*g_, "averaging G's gradients");
    mark_phase(&StepTimings::g_backward_ms);
    optimizer_step(*opt_g_);
    update_ema();
    mark_phase(&StepTimings::optimizer_ms);
    return {l_adv.detach(), l_z.detach(), loss_g};
}

void Model::optimizer_step(torch::optim::Adam& optimizer) {
    if (runtime_.kernels == P2GAN_KERNELS_FAST) {
        fused_adam_step(optimizer);
    } else {
        optimizer.step();
    }
}

void Model::update_ema() {
    if (!has_ema()) return;
    torch::NoGradGuard no_grad;
    const double decay = params_.ema_decay;
    auto src = g_->parameters();
    auto dst = g_ema_->parameters();
    for (size_t i = 0; i < src.size(); ++i) dst[i].mul_(decay).add_(src[i], 1.0 - decay);
    auto src_buf = g_->buffers();
    auto dst_buf = g_ema_->buffers();
    for (size_t i = 0; i < src_buf.size(); ++i) dst_buf[i].copy_(src_buf[i]);
}

void Model::mark_phase(double StepTimings::*phase) {
    if (profiling_ && device_.is_cuda()) torch::cuda::synchronize();
    const auto now = std::chrono::steady_clock::now();
    timings_.*phase += std::chrono::duration<double, std::milli>(now - phase_start_).count();
    phase_start_ = now;
}

// D's parameters and Adam state change only in the D update, which a later check can
// refuse only when a G update follows (L_G); they are kept only then. The buffers (SN's
// u/v, G's batch-norm statistics) and the RNG change before L_D is checked: always kept.
// G's parameters, its Adam state and the EMA change only after the last check.
void Model::take_step_snapshot(bool with_d_update) {
    torch::NoGradGuard no_grad;
    auto& s = snapshot_;
    s.live.clear();
    s.adam_steps.clear();
    s.stateless_params.clear();
    for (auto& b : d_->buffers()) s.live.push_back(b);
    for (auto& b : g_->buffers()) s.live.push_back(b);
    s.with_adam = with_d_update;
    if (with_d_update) {
        for (auto& p : d_->parameters()) s.live.push_back(p);
    }
    s.adam_offset = s.live.size();
    if (with_d_update) collect_adam_state(*opt_d_, s.live, s.adam_steps, &s.stateless_params);
    if (s.shadow.size() < s.live.size()) s.shadow.resize(s.live.size());
    for (size_t i = 0; i < s.live.size(); ++i) {
        auto& shadow = s.shadow[i];
        const auto& live = s.live[i];
        if (!shadow.defined() || shadow.sizes() != live.sizes() || shadow.dtype() != live.dtype() ||
            shadow.device() != live.device()) {
            shadow = torch::empty_like(live);
        }
        shadow.copy_(live);
    }
    auto* rng = rng_.get<at::CPUGeneratorImpl>();
    s.engine = rng->engine();
    s.next_float_normal = rng->next_float_normal_sample();
    s.next_double_normal = rng->next_double_normal_sample();
}

void Model::restore_step_snapshot() {
    torch::NoGradGuard no_grad;
    auto& s = snapshot_;
    for (size_t i = 0; i < s.adam_offset; ++i) s.live[i].copy_(s.shadow[i]);
    if (s.with_adam) {
        auto& state = opt_d_->state();
        size_t shadow_index = s.adam_offset, step_index = 0, stateless_index = 0;
        for_each_adam_param(*opt_d_, [&](const torch::Tensor& p, torch::optim::AdamParamState* st) {
            const bool had_state = stateless_index >= s.stateless_params.size() ||
                                   !s.stateless_params[stateless_index].is_same(p);
            if (!had_state) {
                ++stateless_index;
                state.erase(adam_state_key(state, p));  // created by the refused step
                return;
            }
            if (st == nullptr) return;  // not possible: the step never drops state
            for_each_adam_moment(*st, [&](torch::Tensor& m) { m.copy_(s.shadow[shadow_index++]); });
            st->step(s.adam_steps[step_index++]);
        });
    }
    auto* rng = rng_.get<at::CPUGeneratorImpl>();
    rng->set_engine(s.engine);
    rng->set_next_float_normal_sample(s.next_float_normal);
    rng->set_next_double_normal_sample(s.next_double_normal);
}

p2gan_step_metrics Model::train_step(const torch::Tensor& real_cpu) {
    use_intra_op_threads(runtime_.intra_op_threads);
    try {
        return train_step_unguarded(real_cpu);
    } catch (...) {
        if (snapshot_taken_) restore_step_snapshot();
        throw;
    }
}

p2gan_step_metrics Model::train_step_unguarded(const torch::Tensor& real_cpu) {
    snapshot_taken_ = false;
    const auto step_start = std::chrono::steady_clock::now();
    timings_ = StepTimings{};
    timings_.synchronized = profiling_ || !device_.is_cuda();
    phase_start_ = step_start;
    const auto real = real_cpu.to(device_);
    mark_phase(&StepTimings::transfer_ms);
    d_->train();
    g_->train();
    p2gan_step_metrics m{};
    m.struct_size = sizeof(p2gan_step_metrics);

    const auto traffic_before = group_ != nullptr ? group_->traffic() : ProcessGroup::Traffic{};
    const bool update_g = generator_update_due();
    take_step_snapshot(/*with_d_update=*/update_g);
    snapshot_taken_ = true;
    const auto d = discriminator_step(real);
    m.loss_d = static_cast<float>(d.loss_d);
    torch::Tensor l_adv, l_z;
    double loss_g = 0;
    if (update_g) {
        auto g = generator_step(real);
        l_adv = g.loss_adv;
        l_z = g.loss_z;
        loss_g = g.loss_g;
        m.g_updated = 1;
    } else {
        // The D-step fakes stand in, so the curves stay continuous during pre-training.
        torch::NoGradGuard no_grad;
        if (is_baseline(params_)) {
            l_adv = baseline_generator_loss(params_.method, d.fake.mu);
            l_z = torch::zeros({}, l_adv.options());
        } else {
            l_adv = adversarial_loss(d.fake, priors_);
            l_z = latent_loss(d.fake, d.real);
        }
    }
    // Every remaining metric in one read from the device (a baseline's "mu" is its score, its sigma 0).
    const auto f32 = [](const torch::Tensor& t) { return t.to(torch::kFloat32); };
    const auto mean = [&](const torch::Tensor& t) { return t.defined() ? f32(t.mean()) : torch::zeros({}, f32(l_adv).options()); };
    auto values = torch::stack({mean(d.real.mu), mean(d.real.sigma), mean(d.fake.mu), mean(d.fake.sigma), f32(l_adv), f32(l_z)})
                      .to(torch::kCPU);
    ++timings_.host_syncs;
    average_metrics(values);
    const auto v = values.accessor<float, 1>();
    m.real_mu_mean = v[0];
    m.real_sigma_mean = v[1];
    m.fake_mu_mean = v[2];
    m.fake_sigma_mean = v[3];
    m.loss_adv = v[4];
    m.loss_z = v[5];
    m.loss_g = static_cast<float>(update_g ? loss_g : static_cast<double>(v[4]) + params_.lambda_z * static_cast<double>(v[5]));
    ++step_;
    m.step = step_;
    if (group_ != nullptr) {
        timings_.communication_ms = group_->traffic().milliseconds - traffic_before.milliseconds;
        timings_.communication_bytes = group_->traffic().bytes - traffic_before.bytes;
    }
    timings_.total_ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - step_start).count();
    return m;
}

Generator& Model::generator_for(bool use_ema) {
    if (use_ema && !has_ema()) fail_invalid("use_ema requested but the model has no EMA (ema_decay is 0)");
    return use_ema ? g_ema_ : g_;
}

torch::Tensor Model::generate(const torch::Tensor& noise, const torch::Tensor& codes, bool use_ema) {
    use_intra_op_threads(runtime_.intra_op_threads);
    auto& g = generator_for(use_ema);
    EvalScope eval({g.ptr().get()});
    torch::NoGradGuard no_grad;
    return g(noise.to(device_), codes.to(device_));
}

Posterior Model::encode(const torch::Tensor& images) {
    require_posterior(params_, "encode");
    use_intra_op_threads(runtime_.intra_op_threads);
    EvalScope eval({d_.ptr().get()});
    torch::NoGradGuard no_grad;
    return d_(images.to(device_));
}

ForwardResult Model::forward(const torch::Tensor& real, const torch::Tensor& noise,
                             const torch::Tensor& posterior_noise) {
    require_posterior(params_, "forward");
    use_intra_op_threads(runtime_.intra_op_threads);
    EvalScope eval({d_.ptr().get(), g_.ptr().get()});
    torch::NoGradGuard no_grad;
    ForwardResult r;
    r.real = d_(real.to(device_));
    r.codes = r.real.mu + r.real.sigma * posterior_noise.to(device_);
    r.fake = g_(noise.to(device_), r.codes);
    r.fake_posterior = d_(r.fake);
    r.loss_d = discriminator_loss(r.real, r.fake_posterior, priors_).item<double>();
    r.loss_adv = adversarial_loss(r.fake_posterior, priors_).item<double>();
    r.loss_z = latent_loss(r.fake_posterior, r.real).item<double>();
    r.loss_g = r.loss_adv + params_.lambda_z * r.loss_z;
    return r;
}

torch::Tensor Model::sample(int64_t count, uint64_t seed, const torch::Tensor& real, bool use_ema) {
    if (real.defined() && real.size(0) != count) {
        fail_invalid("real holds " + std::to_string(real.size(0)) + " images, count is " + std::to_string(count));
    }
    auto gen = at::make_generator<at::CPUGeneratorImpl>(seed);
    const auto noise = torch::randn({count, params_.noise_dim}, gen, torch::kFloat32);
    const auto e = torch::randn({count, params_.posterior_dim}, gen, torch::kFloat32).to(device_);
    torch::Tensor codes;
    if (real.defined()) {
        const auto post = encode(real);
        codes = post.mu + post.sigma * e;
    } else {
        codes = priors_.midpoint.mean + priors_.midpoint.std * e;
    }
    return generate(noise, codes, use_ema);
}

torch::Tensor Model::interpolate(const torch::Tensor& noise_a, const torch::Tensor& noise_b,
                                 const torch::Tensor& code_a, const torch::Tensor& code_b,
                                 int64_t steps, bool use_ema) {
    const auto t = torch::linspace(0.0, 1.0, steps, torch::kFloat32).unsqueeze(1);
    // (1-t)a + t b hits both ends exactly, unlike a + t(b-a).
    const auto noise = (1.0 - t) * noise_a.unsqueeze(0) + t * noise_b.unsqueeze(0);
    const auto codes = (1.0 - t) * code_a.unsqueeze(0) + t * code_b.unsqueeze(0);
    return generate(noise, codes, use_ema);
}

void Model::save_state(torch::serialize::OutputArchive& archive) {
    torch::serialize::OutputArchive d, g, od, og;
    d_->save(d);
    g_->save(g);
    opt_d_->save(od);
    opt_g_->save(og);
    archive.write("D", d);
    archive.write("G", g);
    archive.write("opt_D", od);
    archive.write("opt_G", og);
    if (has_ema()) {
        torch::serialize::OutputArchive e;
        g_ema_->save(e);
        archive.write("G_ema", e);
    }
    archive.write("step", torch::tensor(step_, torch::kInt64));
    archive.write("rng_state", rng_.get_state());
}

void Model::load_state(torch::serialize::InputArchive& archive) {
    torch::serialize::InputArchive d, g, od, og;
    archive.read("D", d);
    archive.read("G", g);
    archive.read("opt_D", od);
    archive.read("opt_G", og);
    d_->load(d);
    g_->load(g);
    opt_d_->load(od);
    opt_g_->load(og);
    if (has_ema()) {
        torch::serialize::InputArchive e;
        archive.read("G_ema", e);
        g_ema_->load(e);
    }
    torch::Tensor step, rng_state;
    archive.read("step", step);
    archive.read("rng_state", rng_state);
    step_ = step.item<int64_t>();
    rng_.set_state(rng_state.cpu());  // the archive may have been mapped to another device
    if (group_ != nullptr) broadcast_state();  // every rank continues from rank 0's checkpoint
    // The restored optimizer groups carry the saved learning rates.
    params_.lr_d = static_cast<float>(
        static_cast<torch::optim::AdamOptions&>(opt_d_->param_groups()[0].options()).lr());
    params_.lr_g = static_cast<float>(
        static_cast<torch::optim::AdamOptions&>(opt_g_->param_groups()[0].options()).lr());
}

std::vector<std::pair<std::string, torch::Tensor>> Model::named_tensors() {
    std::vector<std::pair<std::string, torch::Tensor>> out;
    auto add = [&out](const std::string& prefix, torch::nn::Module& m) {
        for (const auto& p : m.named_parameters()) out.emplace_back(prefix + p.key(), p.value());
        for (const auto& b : m.named_buffers()) out.emplace_back(prefix + b.key(), b.value());
    };
    add("D.", *d_);
    add("G.", *g_);
    if (has_ema()) add("G_ema.", *g_ema_);
    return out;
}

}  // namespace p2gan
