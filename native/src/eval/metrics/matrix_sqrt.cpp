#include "eval/metrics/matrix_sqrt.h"

#include <tuple>

namespace p2gan::metrics {

torch::Tensor symmetric_sqrt(const torch::Tensor& a) {
    torch::Tensor w, v;
    std::tie(w, v) = torch::linalg_eigh(a);
    return (v * w.clamp_min(0.0).sqrt().unsqueeze(0)).mm(v.t());
}

double trace_sqrt_product(const torch::Tensor& a, const torch::Tensor& b) {
    const auto s = symmetric_sqrt(a);
    auto m = s.mm(b).mm(s);
    m = (m + m.t()) * 0.5;  // exact symmetry for the symmetric solver
    return torch::linalg_eigvalsh(m).clamp_min(0.0).sqrt().sum().item<double>();
}

}  // namespace p2gan::metrics
