// Wrote legacy_abi2.ckpt and legacy_abi2.expected with the previous release (P2Gan 0.1.0, ABI 2,
// checkpoint format 1): built against that release's p2gan.h and libp2gan, not by CMake:
//   g++ -std=c++17 make_legacy_abi2.cpp -I OLD/native/include -L OLD/artifacts/native -lp2gan -o make_legacy && ./make_legacy DIR
// For the regression test of test_c_api.cpp that loads and resumes them.
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>
#include "p2gan/p2gan.h"

int main(int argc, char** argv) {
    const std::string dir = argv[1];
    auto p = p2gan_model_default_params();
    p.resolution = 32; p.channels = 1; p.base_channels = 2; p.noise_dim = 4; p.posterior_dim = 4;
    p.ema_decay = 0.9f; p.seed = 5; p.lambda_z = 7.0f; p.mu_a = -0.5f; p.n_dis = 1;
    p2gan_model* m = nullptr;
    if (p2gan_model_create(&p, &m) != 0) { std::printf("create: %s\n", p2gan_last_error()); return 1; }
    std::vector<float> batch(4 * 32 * 32);
    for (size_t i = 0; i < batch.size(); ++i) batch[i] = std::sin(0.37 * i) * 0.9f;
    const int64_t shape[4] = {4, 1, 32, 32};
    for (int s = 0; s < 2; ++s) {
        p2gan_step_metrics metrics{};
        if (p2gan_model_train_step(m, batch.data(), batch.size(), shape, 4, &metrics) != 0) { std::printf("step: %s\n", p2gan_last_error()); return 1; }
    }
    const std::string ckpt = dir + "/legacy_abi2.ckpt";
    if (p2gan_model_save(m, ckpt.c_str(), "{\"legacy\": true}") != 0) { std::printf("save: %s\n", p2gan_last_error()); return 1; }
    std::vector<float> out(2 * 32 * 32);
    if (p2gan_model_sample(m, 2, 11, nullptr, 0, nullptr, 0, 0, out.data(), out.size()) != 0) return 1;
    std::vector<float> ema(2 * 32 * 32);
    if (p2gan_model_sample(m, 2, 11, nullptr, 0, nullptr, 0, 1, ema.data(), ema.size()) != 0) return 1;
    FILE* f = std::fopen((dir + "/legacy_abi2.expected").c_str(), "w");
    std::fprintf(f, "# legacy_abi2.ckpt, written by P2Gan 0.1.0 (ABI 2, checkpoint format 1) with make_legacy_abi2.cpp: key=value lines; sample = p2gan_model_sample(model, 2, 11, NULL, 0, NULL, 0, use_ema, ...) for use_ema 0 (sample) and 1 (sample_ema), every 97th value\n");
    std::fprintf(f, "step=2\nhost_state={\"legacy\": true}\nresolution=32\nchannels=1\nbase_channels=2\nnoise_dim=4\nposterior_dim=4\nema_decay=0.9\nseed=5\nlambda_z=7\nmu_a=-0.5\n");
    std::fprintf(f, "sample=");
    for (size_t i = 0; i < out.size(); i += 97) std::fprintf(f, "%s%.9g", i ? "," : "", out[i]);
    std::fprintf(f, "\nsample_ema=");
    for (size_t i = 0; i < ema.size(); i += 97) std::fprintf(f, "%s%.9g", i ? "," : "", ema[i]);
    std::fprintf(f, "\n");
    std::fclose(f);
    p2gan_model_destroy(m);
    std::printf("ok\n");
    return 0;
}
