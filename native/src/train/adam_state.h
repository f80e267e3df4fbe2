// The key of a parameter in torch::optim::Adam's state map: its TensorImpl, as a string in
// LibTorch 1.x, as the pointer itself in later versions. Shared by the fused Adam step and
// the step's snapshot of D's optimizer state.
#pragma once

#include <sstream>
#include <string>
#include <type_traits>

#include <torch/torch.h>

namespace p2gan {

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

}  // namespace p2gan
