// Inception Score (Salimans et al. 2016) from classifier logits.
#pragma once

#include <cstdint>

#include <torch/types.h>

#include "eval/metrics/summary.h"

namespace p2gan::metrics {

// logits [count, classes]; p(y|x) = softmax(logits) in float64. The rows are cut into
// `splits` consecutive parts, part i = rows [i * count / splits, (i + 1) * count / splits)
// (integer division, as the original code and torch-fidelity). Per part:
//   IS = exp( mean_x sum_y p(y|x) (log p(y|x) - log p(y)) ),  p(y) = mean_x p(y|x)
// (terms with p(y|x) = 0 count as 0). Mean and population std over parts;
// 1 <= splits <= count.
MeanStd inception_score(const torch::Tensor& logits, int64_t splits);

}  // namespace p2gan::metrics
