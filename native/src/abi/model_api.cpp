// The flat C ABI: argument checks, then a call into the core, inside one guard that
// turns every exception into a status and a thread-local message.
#include <cstring>
#include <string>

#include <torch/torch.h>

#include "abi/buffers.h"
#include "abi/guard.h"
#include "abi/handles.h"
#include "abi/structs.h"
#include "io/checkpoint.h"
#include "config/settings.h"
#include "runtime/errors.h"
#include "runtime/log.h"
#include "train/memory_guard.h"
#include "train/model.h"
#include "p2gan/p2gan.h"
#include "io/safetensors.h"

namespace {

using p2gan::abi::guarded;

p2gan::Model& model_of(p2gan_model* model) {
    p2gan::require_non_null(model, "model");
    return model->model;
}

std::string path_of(const char* path) {
    p2gan::require_non_null(path, "path");
    if (*path == '\0') p2gan::fail_invalid("path is empty");
    return path;
}

size_t image_elements(const p2gan_model_params& p) {
    return static_cast<size_t>(p.channels) * p.resolution * p.resolution;
}

p2gan_runtime_params runtime_or_default(const p2gan_runtime_params* runtime) {
    const auto defaults = p2gan::default_runtime_params();
    return runtime == nullptr ? defaults : p2gan::abi::read_input(runtime, defaults, "runtime");
}

void require_count(int64_t count, const char* name) {
    if (count < 1 || count > (1 << 20)) p2gan::fail_invalid(std::string(name) + " must be in [1, 2^20], got " + std::to_string(count));
}

}  // namespace

extern "C" {

uint32_t p2gan_abi_version(void) { return P2GAN_ABI_VERSION; }

const char* p2gan_version_string(void) {
    static const std::string version = std::string(P2GAN_VERSION) + " (LibTorch " + TORCH_VERSION + ")";
    return version.c_str();
}

const char* p2gan_last_error(void) { return p2gan::abi::last_error().c_str(); }

p2gan_status p2gan_log_set(p2gan_log_callback callback, void* user_data) {
    return guarded(__func__, [&] { p2gan::log_set(callback, user_data); });
}

p2gan_status p2gan_cuda_is_available(int32_t* out_available) {
    return guarded(__func__, [&] {
        p2gan::require_non_null(out_available, "out_available");
        *out_available = torch::cuda::is_available() ? 1 : 0;
    });
}

p2gan_status p2gan_model_params_init(p2gan_model_params* params) {
    return guarded(__func__, [&] { p2gan::abi::write_output(params, p2gan::default_model_params(), "params"); });
}

p2gan_status p2gan_runtime_params_init(p2gan_runtime_params* params) {
    return guarded(__func__, [&] { p2gan::abi::write_output(params, p2gan::default_runtime_params(), "params"); });
}

p2gan_status p2gan_model_create(const p2gan_model_params* params, const p2gan_runtime_params* runtime,
                                p2gan_model** out_model) {
    return guarded(__func__, [&] {
        p2gan::require_non_null(out_model, "out_model");
        *out_model = nullptr;
        const auto p = p2gan::abi::read_input(params, p2gan::default_model_params(), "params");
        const auto r = runtime_or_default(runtime);
        p2gan::validate_model_params(p);
        p2gan::validate_runtime_params(r);
        p2gan::check_model_memory(p, r);
        *out_model = new p2gan_model(p, r);
    });
}

void p2gan_model_destroy(p2gan_model* model) {
    try {
        delete model;
    } catch (...) {
        // A destructor that throws has nowhere to report to; the memory is gone either way.
    }
}

p2gan_status p2gan_model_get_params(const p2gan_model* model, p2gan_model_params* out_params) {
    return guarded(__func__, [&] {
        p2gan::require_non_null(model, "model");
        p2gan::abi::write_output(out_params, model->model.params(), "out_params");
    });
}

p2gan_status p2gan_model_get_runtime(const p2gan_model* model, p2gan_runtime_params* out_runtime) {
    return guarded(__func__, [&] {
        p2gan::require_non_null(model, "model");
        p2gan::abi::write_output(out_runtime, model->model.runtime(), "out_runtime");
    });
}

p2gan_status p2gan_model_get_step(const p2gan_model* model, int64_t* out_step) {
    return guarded(__func__, [&] {
        p2gan::require_non_null(model, "model");
        p2gan::require_non_null(out_step, "out_step");
        *out_step = model->model.step();
    });
}

p2gan_status p2gan_model_set_learning_rates(p2gan_model* model, float lr_d, float lr_g) {
    return guarded(__func__, [&] { model_of(model).set_learning_rates(lr_d, lr_g); });
}

p2gan_status p2gan_model_set_ema_decay(p2gan_model* model, float decay) {
    return guarded(__func__, [&] { model_of(model).set_ema_decay(decay); });
}

p2gan_status p2gan_model_train_step(p2gan_model* model, const float* real, size_t real_count,
                                    const int64_t* shape, size_t rank, p2gan_step_metrics* out_metrics) {
    return guarded(__func__, [&] {
        auto& m = model_of(model);
        p2gan::abi::caller_size(out_metrics, "out_metrics");
        const auto batch = p2gan::image_batch(real, real_count, shape, rank, m.params(), "real");
        p2gan::abi::write_output(out_metrics, m.train_step(batch), "out_metrics");
    });
}

p2gan_status p2gan_model_generate(p2gan_model* model, int64_t count, const float* noise, size_t noise_count,
                                  const float* codes, size_t codes_count, int32_t use_ema, float* out_images,
                                  size_t out_count) {
    return guarded(__func__, [&] {
        auto& m = model_of(model);
        require_count(count, "count");
        const auto& p = m.params();
        const auto n = p2gan::matrix(noise, noise_count, count, p.noise_dim, "noise");
        const auto z = p2gan::matrix(codes, codes_count, count, p.posterior_dim, "codes");
        p2gan::require_output(out_images, out_count, count * image_elements(p), "out_images");
        p2gan::copy_out(m.generate(n, z, use_ema != 0), out_images);
    });
}

p2gan_status p2gan_model_sample(p2gan_model* model, int64_t count, uint64_t seed, const float* real,
                                size_t real_count, const int64_t* shape, size_t rank, int32_t use_ema,
                                float* out_images, size_t out_count) {
    return guarded(__func__, [&] {
        auto& m = model_of(model);
        require_count(count, "count");
        torch::Tensor images;
        if (real != nullptr) {
            images = p2gan::image_batch(real, real_count, shape, rank, m.params(), "real");
        }
        p2gan::require_output(out_images, out_count, count * image_elements(m.params()), "out_images");
        p2gan::copy_out(m.sample(count, seed, images, use_ema != 0), out_images);
    });
}

p2gan_status p2gan_model_encode(p2gan_model* model, const float* images, size_t images_count, const int64_t* shape,
                                size_t rank, float* out_mu, float* out_sigma, size_t out_count) {
    return guarded(__func__, [&] {
        auto& m = model_of(model);
        const auto batch = p2gan::image_batch(images, images_count, shape, rank, m.params(), "images");
        const auto expected = static_cast<size_t>(batch.size(0)) * m.params().posterior_dim;
        p2gan::require_output(out_mu, out_count, expected, "out_mu");
        p2gan::require_output(out_sigma, out_count, expected, "out_sigma");
        const auto post = m.encode(batch);
        p2gan::copy_out(post.mu, out_mu);
        p2gan::copy_out(post.sigma, out_sigma);
    });
}

p2gan_status p2gan_model_interpolate(p2gan_model* model, const float* noise_a, const float* noise_b,
                                     size_t noise_count, const float* code_a, const float* code_b, size_t code_count,
                                     int64_t steps, int32_t use_ema, float* out_images, size_t out_count) {
    return guarded(__func__, [&] {
        auto& m = model_of(model);
        const auto& p = m.params();
        if (steps < 2 || steps > 4096) p2gan::fail_invalid("steps must be in [2, 4096], got " + std::to_string(steps));
        const auto na = p2gan::matrix(noise_a, noise_count, 1, p.noise_dim, "noise_a").squeeze(0);
        const auto nb = p2gan::matrix(noise_b, noise_count, 1, p.noise_dim, "noise_b").squeeze(0);
        const auto za = p2gan::matrix(code_a, code_count, 1, p.posterior_dim, "code_a").squeeze(0);
        const auto zb = p2gan::matrix(code_b, code_count, 1, p.posterior_dim, "code_b").squeeze(0);
        p2gan::require_output(out_images, out_count, steps * image_elements(p), "out_images");
        p2gan::copy_out(m.interpolate(na, nb, za, zb, steps, use_ema != 0), out_images);
    });
}

p2gan_status p2gan_model_forward(p2gan_model* model, const float* real, size_t real_count, const int64_t* shape,
                                 size_t rank, const float* noise, size_t noise_count, const float* posterior_noise,
                                 size_t posterior_noise_count, float* out_mu_real, float* out_sigma_real,
                                 float* out_codes, float* out_fake, float* out_mu_fake, float* out_sigma_fake,
                                 size_t posterior_count, size_t fake_count, p2gan_losses* out_losses) {
    return guarded(__func__, [&] {
        auto& m = model_of(model);
        const auto& p = m.params();
        const auto batch = p2gan::image_batch(real, real_count, shape, rank, p, "real");
        const auto b = batch.size(0);
        const auto n = p2gan::matrix(noise, noise_count, b, p.noise_dim, "noise");
        const auto e = p2gan::matrix(posterior_noise, posterior_noise_count, b, p.posterior_dim, "posterior_noise");
        const auto posterior_size = static_cast<size_t>(b) * p.posterior_dim;
        p2gan::require_output(out_mu_real, posterior_count, posterior_size, "out_mu_real");
        p2gan::require_output(out_sigma_real, posterior_count, posterior_size, "out_sigma_real");
        p2gan::require_output(out_codes, posterior_count, posterior_size, "out_codes");
        p2gan::require_output(out_mu_fake, posterior_count, posterior_size, "out_mu_fake");
        p2gan::require_output(out_sigma_fake, posterior_count, posterior_size, "out_sigma_fake");
        p2gan::require_output(out_fake, fake_count, b * image_elements(p), "out_fake");
        p2gan::abi::caller_size(out_losses, "out_losses");
        const auto r = m.forward(batch, n, e);
        p2gan::copy_out(r.real.mu, out_mu_real);
        p2gan::copy_out(r.real.sigma, out_sigma_real);
        p2gan::copy_out(r.codes, out_codes);
        p2gan::copy_out(r.fake, out_fake);
        p2gan::copy_out(r.fake_posterior.mu, out_mu_fake);
        p2gan::copy_out(r.fake_posterior.sigma, out_sigma_fake);
        p2gan_losses losses{};
        losses.loss_d = static_cast<float>(r.loss_d);
        losses.loss_adv = static_cast<float>(r.loss_adv);
        losses.loss_z = static_cast<float>(r.loss_z);
        losses.loss_g = static_cast<float>(r.loss_g);
        p2gan::abi::write_output(out_losses, losses, "out_losses");
    });
}

p2gan_status p2gan_model_save(p2gan_model* model, const char* path, const char* host_state) {
    return guarded(__func__, [&] {
        auto& m = model_of(model);
        p2gan::save_checkpoint(m, path_of(path), host_state == nullptr ? std::string() : std::string(host_state));
    });
}

p2gan_status p2gan_model_restore(p2gan_model* model, const char* path) {
    return guarded(__func__, [&] {
        auto& m = model_of(model);
        p2gan::restore_checkpoint(m, path_of(path));
    });
}

p2gan_status p2gan_model_load(const char* path, const p2gan_runtime_params* runtime, p2gan_model** out_model) {
    return guarded(__func__, [&] {
        p2gan::require_non_null(out_model, "out_model");
        *out_model = nullptr;
        const auto file = path_of(path);
        const auto r = runtime_or_default(runtime);
        p2gan::validate_runtime_params(r);
        const auto params = p2gan::read_checkpoint_params(file);
        p2gan::validate_model_params(params);
        p2gan::check_model_memory(params, r);
        auto created = std::make_unique<p2gan_model>(params, r);
        p2gan::restore_checkpoint(created->model, file);
        *out_model = created.release();
    });
}

p2gan_status p2gan_checkpoint_read_host_state(const char* path, char* out, size_t capacity, size_t* out_length) {
    return guarded(__func__, [&] {
        p2gan::require_non_null(out_length, "out_length");
        const auto state = p2gan::read_checkpoint_host_state(path_of(path));
        *out_length = state.size();
        if (out == nullptr) return;
        if (capacity <= state.size()) {
            p2gan::fail_invalid("out has room for " + std::to_string(capacity) + " bytes, the host state needs " +
                                std::to_string(state.size() + 1) + " (with its NUL)");
        }
        std::memcpy(out, state.c_str(), state.size() + 1);
    });
}

p2gan_status p2gan_checkpoint_read_params(const char* path, p2gan_model_params* out_params) {
    return guarded(__func__, [&] {
        p2gan::abi::caller_size(out_params, "out_params");
        p2gan::abi::write_output(out_params, p2gan::read_checkpoint_params(path_of(path)), "out_params");
    });
}

p2gan_status p2gan_model_export_safetensors(p2gan_model* model, const char* path) {
    return guarded(__func__, [&] {
        auto& m = model_of(model);
        p2gan::write_safetensors(path_of(path), m.named_tensors(),
                                 {{"format", "pt"},
                                  {"p2gan_version", P2GAN_VERSION},
                                  {"p2gan_params", p2gan::model_params_to_text(m.params())},
                                  {"step", std::to_string(m.step())}});
    });
}

}  // extern "C"
