// The mean and population standard deviation of per-subset (KID) or per-split (IS)
// values, as torch-fidelity reports them (numpy's mean and std, ddof = 0).
#pragma once

#include <cmath>
#include <vector>

namespace p2gan::metrics {

struct MeanStd {
    double mean = 0.0;
    double std = 0.0;
};

inline MeanStd mean_std(const std::vector<double>& values) {
    MeanStd r;
    if (values.empty()) return r;
    for (double v : values) r.mean += v;
    r.mean /= static_cast<double>(values.size());
    double squares = 0.0;
    for (double v : values) squares += (v - r.mean) * (v - r.mean);
    r.std = std::sqrt(squares / static_cast<double>(values.size()));
    return r;
}

}  // namespace p2gan::metrics
