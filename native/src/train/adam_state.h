// Walking torch::optim::Adam's per-parameter state, shared by the fused Adam step, the step's
// snapshot of D's optimizer state and the data-parallel broadcast of both optimizers' state.
#pragma once

#include <cstdint>
#include <sstream>
#include <string>
#include <type_traits>
#include <vector>

#include <torch/torch.h>

namespace p2gan {

// The key of a parameter in Adam's state map: its TensorImpl, as a string in LibTorch 1.x, as
// the pointer itself in later versions.
template <typename StateMap>
typename StateMap::key_type adam_state_key(const StateMap&, const torch::Tensor& p) {
    using Key = typename StateMap::key_type;
    if constexpr (std::is_same_v<Key, std::string>) {
        std::ostringstream text;
        text << p.unsafeGetTensorImpl();
        return text.str();
    } else {
        return static_cast<Key>(p.unsafeGetTensorImpl());
    }
}

// Calls fn(p, state) for each parameter of optimizer, in parameter order; state is null for a
// parameter the optimizer has not stepped yet. fn may erase p's own state.
template <typename Fn>
void for_each_adam_param(torch::optim::Adam& optimizer, Fn&& fn) {
    auto& state = optimizer.state();
    for (auto& group : optimizer.param_groups()) {
        for (auto& p : group.params()) {
            const auto it = state.find(adam_state_key(state, p));
            fn(p, it == state.end() ? nullptr : static_cast<torch::optim::AdamParamState*>(it->second.get()));
        }
    }
}

// Calls fn(moment) for each moment tensor of st, in the one order every copy of them uses.
template <typename Fn>
void for_each_adam_moment(torch::optim::AdamParamState& st, Fn&& fn) {
    fn(st.exp_avg());
    fn(st.exp_avg_sq());
    if (st.max_exp_avg_sq().defined()) fn(st.max_exp_avg_sq());
}

// Appends the optimizer's moment tensors (the live ones, not copies) and step counts in
// parameter order; parameters without state go to stateless when it is given.
inline void collect_adam_state(torch::optim::Adam& optimizer, std::vector<torch::Tensor>& moments,
                               std::vector<int64_t>& steps, std::vector<torch::Tensor>* stateless = nullptr) {
    for_each_adam_param(optimizer, [&](const torch::Tensor& p, torch::optim::AdamParamState* st) {
        if (st == nullptr) {
            if (stateless != nullptr) stateless->push_back(p);
            return;
        }
        for_each_adam_moment(*st, [&](const torch::Tensor& m) { moments.push_back(m); });
        steps.push_back(st->step());
    });
}

}  // namespace p2gan
