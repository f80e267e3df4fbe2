// Errors the core raises on purpose. Each carries the ABI status it maps to, so the
// C ABI layer turns it into a status + message without guessing.
#pragma once

#include <stdexcept>
#include <string>

#include "p2gan/p2gan.h"

namespace p2gan {

class Error : public std::runtime_error {
public:
    Error(p2gan_status status, const std::string& message)
        : std::runtime_error(message), status_(status) {}
    p2gan_status status() const noexcept { return status_; }

private:
    p2gan_status status_;
};

[[noreturn]] inline void fail(p2gan_status status, const std::string& message) {
    throw Error(status, message);
}

[[noreturn]] inline void fail_invalid(const std::string& message) {
    throw Error(P2GAN_STATUS_INVALID_ARGUMENT, message);
}

}  // namespace p2gan
