// The one guard every export body runs inside (c_api.cpp, c_api_metrics.cpp, ...): no
// exception of any type crosses extern "C"; each becomes a status plus a message kept in
// a thread-local buffer that p2gan_last_error() returns until the thread's next call.
#pragma once

#include <exception>
#include <new>
#include <string>

#include <c10/util/Exception.h>

#include "runtime/errors.h"
#include "p2gan/p2gan.h"

namespace p2gan::abi {

// The calling thread's last error message. An inline function's static is one object
// across every translation unit of the library, so all export files share it.
inline std::string& last_error() {
    thread_local std::string message;
    return message;
}

inline p2gan_status record(const char* function, p2gan_status status, const std::string& message) {
    last_error() = std::string(function) + ": " + message;
    return status;
}

template <typename Body>
p2gan_status guarded(const char* function, Body&& body) noexcept {
    try {
        last_error().clear();
        body();
        return P2GAN_STATUS_OK;
    } catch (const p2gan::Error& e) {
        return record(function, e.status(), e.what());
    } catch (const c10::Error& e) {
        return record(function, P2GAN_STATUS_INTERNAL_ERROR, std::string("LibTorch: ") + e.what_without_backtrace());
    } catch (const std::bad_alloc&) {
        return record(function, P2GAN_STATUS_INTERNAL_ERROR, "out of memory");
    } catch (const std::exception& e) {
        return record(function, P2GAN_STATUS_INTERNAL_ERROR, e.what());
    } catch (...) {
        return record(function, P2GAN_STATUS_INTERNAL_ERROR, "unknown exception");
    }
}

}  // namespace p2gan::abi
