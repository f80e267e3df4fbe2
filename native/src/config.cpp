#include "config.h"

#include <cmath>
#include <cstring>
#include <functional>
#include <map>
#include <sstream>

#include <torch/torch.h>

#include "device.h"
#include "errors.h"

namespace p2gan {

p2gan_model_params default_params() {
    p2gan_model_params p{};
    p.struct_size = sizeof(p2gan_model_params);
    p.resolution = 32;
    p.channels = 3;
    p.base_channels = 64;
    p.noise_dim = 128;
    p.posterior_dim = 128;
    p.adain_mode = P2GAN_ADAIN_STATISTICS;
    p.distance_estimator = P2GAN_DISTANCE_CLOSED_FORM;
    p.mu_a = -1.0f;
    p.sigma_a = 0.5f;
    p.mu_b = 1.0f;
    p.sigma_b = 1.5f;
    p.lambda_z = 10.0f;
    p.lr_d = 2e-4f;
    p.lr_g = 2e-4f;
    p.beta1 = 0.0f;
    p.beta2 = 0.999f;
    p.n_dis = 1;
    p.pretrain_steps = 0;
    p.ema_decay = 0.0f;
    p.intra_op_threads = 0;
    p.seed = 0;
    std::strncpy(p.device, "cpu", sizeof(p.device) - 1);
    return p;
}

namespace {

void require(bool ok, const std::string& message) {
    if (!ok) fail_invalid(message);
}

bool finite_positive(float v) { return std::isfinite(v) && v > 0.0f; }

}  // namespace

void validate_params(const p2gan_model_params& p) {
    require(p.struct_size == sizeof(p2gan_model_params),
            "params.struct_size is " + std::to_string(p.struct_size) + ", expected " +
                std::to_string(sizeof(p2gan_model_params)) +
                " (fill params with p2gan_model_default_params())");
    const int r = p.resolution;
    require(r == 32 || r == 64 || r == 128,
            "resolution must be 32, 64 or 128, got " + std::to_string(r));
    require(p.channels == 1 || p.channels == 3,
            "channels must be 1 or 3, got " + std::to_string(p.channels));
    require(p.base_channels >= 1 && p.base_channels <= 1024,
            "base_channels must be in [1, 1024], got " + std::to_string(p.base_channels));
    require(p.noise_dim >= 1 && p.noise_dim <= 4096,
            "noise_dim must be in [1, 4096], got " + std::to_string(p.noise_dim));
    require(p.posterior_dim >= 1 && p.posterior_dim <= 4096,
            "posterior_dim must be in [1, 4096], got " + std::to_string(p.posterior_dim));
    require(p.adain_mode == P2GAN_ADAIN_STATISTICS || p.adain_mode == P2GAN_ADAIN_AFFINE,
            "adain_mode must be 0 (statistics) or 1 (affine), got " + std::to_string(p.adain_mode));
    require(p.distance_estimator == P2GAN_DISTANCE_CLOSED_FORM ||
                p.distance_estimator == P2GAN_DISTANCE_SAMPLED,
            "distance_estimator must be 0 (closed form) or 1 (sampled), got " +
                std::to_string(p.distance_estimator));
    require(std::isfinite(p.mu_a) && std::isfinite(p.mu_b), "mu_a and mu_b must be finite");
    require(finite_positive(p.sigma_a), "sigma_a must be finite and > 0");
    require(finite_positive(p.sigma_b), "sigma_b must be finite and > 0");
    require(std::isfinite(p.lambda_z) && p.lambda_z >= 0.0f, "lambda_z must be finite and >= 0");
    require(finite_positive(p.lr_d), "lr_d must be finite and > 0");
    require(finite_positive(p.lr_g), "lr_g must be finite and > 0");
    require(std::isfinite(p.beta1) && p.beta1 >= 0.0f && p.beta1 < 1.0f, "beta1 must be in [0, 1)");
    require(std::isfinite(p.beta2) && p.beta2 >= 0.0f && p.beta2 < 1.0f, "beta2 must be in [0, 1)");
    require(p.n_dis >= 1, "n_dis must be >= 1, got " + std::to_string(p.n_dis));
    require(p.pretrain_steps >= 0, "pretrain_steps must be >= 0, got " + std::to_string(p.pretrain_steps));
    require(std::isfinite(p.ema_decay) && p.ema_decay >= 0.0f && p.ema_decay < 1.0f,
            "ema_decay must be 0 (off) or in (0, 1)");
    require(p.intra_op_threads >= 0 && p.intra_op_threads <= 1024,
            "intra_op_threads must be in [0, 1024] (0 = one per hardware thread)");
    require(std::memchr(p.device, '\0', sizeof(p.device)) != nullptr,
            "device is not NUL-terminated within 32 bytes");
    const auto device = parse_device(std::string(p.device));
    require(p.precision == P2GAN_PRECISION_FLOAT32 || p.precision == P2GAN_PRECISION_BFLOAT16_AUTOCAST,
            "precision must be 0 (float32) or 1 (bf16 autocast), got " + std::to_string(p.precision));
    require(p.precision == P2GAN_PRECISION_FLOAT32 || device.is_cuda(),
            "bf16 autocast (precision 1) runs on CUDA devices only; device is " + device.str());
    require(p.memory_format == P2GAN_MEMORY_FORMAT_CONTIGUOUS ||
                p.memory_format == P2GAN_MEMORY_FORMAT_CHANNELS_LAST,
            "memory_format must be 0 (contiguous) or 1 (channels_last), got " +
                std::to_string(p.memory_format));
    require(p.kernels == P2GAN_KERNELS_FAST || p.kernels == P2GAN_KERNELS_REFERENCE,
            "kernels must be 0 (fast) or 1 (reference), got " + std::to_string(p.kernels));
    require(p.reserved == 0, "params.reserved must be 0");
}

int stage_count(const p2gan_model_params& p) {
    int stages = 0;
    for (int size = p.resolution; size > 4; size /= 2) ++stages;
    return stages;
}

int64_t level_channels(const p2gan_model_params& p, int level) {
    const int64_t c = p.base_channels;
    return std::min<int64_t>(c << level, 8 * c);
}

namespace {

// One table drives both directions of the text form, so they cannot drift apart.
struct Field {
    const char* key;
    std::function<std::string(const p2gan_model_params&)> get;
    std::function<void(p2gan_model_params&, const std::string&)> set;
    // How the step computes, not what the model is: checkpoints written before these
    // fields existed load with the defaults.
    bool optional = false;
};

template <typename T>
Field number_field(const char* key, T p2gan_model_params::*member) {
    return Field{key,
                 [member](const p2gan_model_params& p) {
                     std::ostringstream out;
                     out.precision(9);
                     out << +(p.*member);
                     return out.str();
                 },
                 [member](p2gan_model_params& p, const std::string& v) {
                     std::istringstream in(v);
                     if constexpr (std::is_floating_point_v<T>) {
                         double x;
                         in >> x;
                         p.*member = static_cast<T>(x);
                     } else {
                         long long x;
                         in >> x;
                         p.*member = static_cast<T>(x);
                     }
                 }};
}

Field optional_field(Field f) {
    f.optional = true;
    return f;
}

const std::vector<Field>& fields() {
    static const std::vector<Field> table = {
        number_field("resolution", &p2gan_model_params::resolution),
        number_field("channels", &p2gan_model_params::channels),
        number_field("base_channels", &p2gan_model_params::base_channels),
        number_field("noise_dim", &p2gan_model_params::noise_dim),
        number_field("posterior_dim", &p2gan_model_params::posterior_dim),
        number_field("adain_mode", &p2gan_model_params::adain_mode),
        number_field("distance_estimator", &p2gan_model_params::distance_estimator),
        number_field("mu_a", &p2gan_model_params::mu_a),
        number_field("sigma_a", &p2gan_model_params::sigma_a),
        number_field("mu_b", &p2gan_model_params::mu_b),
        number_field("sigma_b", &p2gan_model_params::sigma_b),
        number_field("lambda_z", &p2gan_model_params::lambda_z),
        number_field("lr_d", &p2gan_model_params::lr_d),
        number_field("lr_g", &p2gan_model_params::lr_g),
        number_field("beta1", &p2gan_model_params::beta1),
        number_field("beta2", &p2gan_model_params::beta2),
        number_field("n_dis", &p2gan_model_params::n_dis),
        number_field("pretrain_steps", &p2gan_model_params::pretrain_steps),
        number_field("ema_decay", &p2gan_model_params::ema_decay),
        number_field("intra_op_threads", &p2gan_model_params::intra_op_threads),
        number_field("seed", &p2gan_model_params::seed),
        Field{"device", [](const p2gan_model_params& p) { return std::string(p.device); },
              [](p2gan_model_params& p, const std::string& v) {
                  std::memset(p.device, 0, sizeof(p.device));
                  std::strncpy(p.device, v.c_str(), sizeof(p.device) - 1);
              }},
        optional_field(number_field("precision", &p2gan_model_params::precision)),
        optional_field(number_field("memory_format", &p2gan_model_params::memory_format)),
        optional_field(number_field("kernels", &p2gan_model_params::kernels)),
    };
    return table;
}

}  // namespace

std::string params_to_text(const p2gan_model_params& p) {
    std::string text;
    for (const auto& f : fields()) text += std::string(f.key) + "=" + f.get(p) + "\n";
    return text;
}

p2gan_model_params params_from_text(const std::string& text) {
    std::map<std::string, std::string> values;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
        const auto eq = line.find('=');
        if (eq == std::string::npos) continue;
        values[line.substr(0, eq)] = line.substr(eq + 1);
    }
    p2gan_model_params p = default_params();
    for (const auto& f : fields()) {
        const auto it = values.find(f.key);
        if (it == values.end()) {
            if (f.optional) continue;
            fail(P2GAN_STATUS_CHECKPOINT_MISMATCH,
                 std::string("checkpoint header lacks the field \"") + f.key + "\"");
        }
        f.set(p, it->second);
    }
    return p;
}

std::vector<std::string> architecture_mismatches(const p2gan_model_params& checkpoint,
                                                 const p2gan_model_params& model) {
    std::vector<std::string> out;
    auto check = [&](const char* name, long long a, long long b) {
        if (a != b) {
            out.push_back(std::string(name) + " (checkpoint " + std::to_string(a) + ", model " +
                          std::to_string(b) + ")");
        }
    };
    check("resolution", checkpoint.resolution, model.resolution);
    check("channels", checkpoint.channels, model.channels);
    check("base_channels", checkpoint.base_channels, model.base_channels);
    check("noise_dim", checkpoint.noise_dim, model.noise_dim);
    check("posterior_dim", checkpoint.posterior_dim, model.posterior_dim);
    check("adain_mode", checkpoint.adain_mode, model.adain_mode);
    check("ema (on=1)", checkpoint.ema_decay > 0.0f, model.ema_decay > 0.0f);
    return out;
}

}  // namespace p2gan
