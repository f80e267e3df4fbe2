// The baselines of issue #13, in the same code as P2GAN: the same D trunk with a scalar head
// (one SN linear unit, the score s = D(x)), the same G driven by codes from P_c (no posterior
// promotion), the same optimizers. Only the objective differs; the model option method selects it (docs/results.md):
//   LSGAN (a = -1, b = 1, c = 0): L_D = 1/2 E[(s_r - 1)^2] + 1/2 E[(s_f + 1)^2], L_G = 1/2 E[s_f^2]
//   hinge (SNGAN):                L_D = E[relu(1 - s_r)] + E[relu(1 + s_f)],     L_G = -E[s_f]
//   non-saturating (DCGAN):       L_D = E[softplus(-s_r)] + E[softplus(s_f)],   L_G = E[softplus(-s_f)]
#pragma once

#include <torch/torch.h>

#include "p2gan/p2gan.h"

namespace p2gan {

// scores are [B, 1] (or [B]); method is one of the P2GAN_METHOD_* baselines.
torch::Tensor baseline_discriminator_loss(int32_t method, const torch::Tensor& real_scores,
                                          const torch::Tensor& fake_scores);
torch::Tensor baseline_generator_loss(int32_t method, const torch::Tensor& fake_scores);

}  // namespace p2gan
