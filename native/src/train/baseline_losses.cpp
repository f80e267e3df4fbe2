#include "train/baseline_losses.h"

#include "runtime/errors.h"

namespace p2gan {

torch::Tensor baseline_discriminator_loss(int32_t method, const torch::Tensor& real, const torch::Tensor& fake) {
    namespace F = torch::nn::functional;
    switch (method) {
        case P2GAN_METHOD_LSGAN:
            return 0.5 * (real - 1.0).square().mean() + 0.5 * (fake + 1.0).square().mean();
        case P2GAN_METHOD_HINGE:
            return torch::relu(1.0 - real).mean() + torch::relu(1.0 + fake).mean();
        case P2GAN_METHOD_NON_SATURATING:
            return F::softplus(-real).mean() + F::softplus(fake).mean();
        default:
            fail_invalid("method " + std::to_string(method) + " is not a baseline");
    }
}

torch::Tensor baseline_generator_loss(int32_t method, const torch::Tensor& fake) {
    namespace F = torch::nn::functional;
    switch (method) {
        case P2GAN_METHOD_LSGAN:
            return 0.5 * fake.square().mean();
        case P2GAN_METHOD_HINGE:
            return -fake.mean();
        case P2GAN_METHOD_NON_SATURATING:
            return F::softplus(-fake).mean();
        default:
            fail_invalid("method " + std::to_string(method) + " is not a baseline");
    }
}

}  // namespace p2gan
