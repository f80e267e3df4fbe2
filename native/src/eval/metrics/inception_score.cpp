#include "eval/metrics/inception_score.h"

#include <cmath>
#include <string>
#include <vector>

#include "runtime/errors.h"

namespace p2gan::metrics {

MeanStd inception_score(const torch::Tensor& logits, int64_t splits) {
    if (logits.dim() != 2) fail_invalid("logits must be a [count, classes] matrix");
    const auto n = logits.size(0);
    if (splits < 1 || splits > n) {
        fail_invalid("splits must be in [1, count = " + std::to_string(n) + "], got " + std::to_string(splits));
    }
    std::vector<double> scores;
    scores.reserve(static_cast<size_t>(splits));
    for (int64_t i = 0; i < splits; ++i) {
        const auto part = logits.slice(0, i * n / splits, (i + 1) * n / splits).to(torch::kFloat64);
        const auto log_p = torch::log_softmax(part, 1);
        const auto p = log_p.exp();
        const auto log_marginal = p.mean(0, /*keepdim=*/true).log();
        const auto terms = torch::where(p > 0, p * (log_p - log_marginal), torch::zeros_like(p));
        scores.push_back(std::exp(terms.sum(1).mean().item<double>()));
    }
    return mean_std(scores);
}

}  // namespace p2gan::metrics
