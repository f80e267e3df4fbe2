#include "runtime/device.h"

#include <optional>

#include "runtime/errors.h"

namespace p2gan {

torch::Device parse_device(const std::string& name) {
    if (name.empty()) fail_invalid("device is empty (use \"cpu\" or \"cuda\")");
    std::optional<torch::Device> parsed;
    try {
        parsed.emplace(name);
    } catch (const c10::Error&) {
        fail_invalid("device \"" + name + "\" is not a device name (use \"cpu\" or \"cuda[:N]\")");
    }
    if (!parsed->is_cpu() && !parsed->is_cuda()) {
        fail_invalid("device \"" + name + "\" is not supported (use \"cpu\" or \"cuda[:N]\")");
    }
    if (parsed->is_cuda() && !torch::cuda::is_available()) {
        fail(P2GAN_STATUS_DEVICE_ERROR, "device \"" + name + "\" requested but CUDA is not available in this build/machine");
    }
    return *parsed;
}

}  // namespace p2gan
