#include "runtime/log.h"

#include <cstdio>
#include <mutex>

namespace p2gan {
namespace {

std::mutex g_log_mutex;
p2gan_log_callback g_callback = nullptr;
void* g_user_data = nullptr;

}  // namespace

void log_set(p2gan_log_callback callback, void* user_data) {
    std::lock_guard<std::mutex> lock(g_log_mutex);
    g_callback = callback;
    g_user_data = user_data;
}

void log_message(int32_t level, const std::string& message) {
    // Copy the callback under the lock and call it without: a callback may re-enter the
    // library (p2gan_log_set, p2gan_model_create, ...), which would otherwise deadlock on
    // this non-recursive mutex.
    p2gan_log_callback callback = nullptr;
    void* user_data = nullptr;
    {
        std::lock_guard<std::mutex> lock(g_log_mutex);
        callback = g_callback;
        user_data = g_user_data;
    }
    if (callback != nullptr) {
        callback(level, message.c_str(), user_data);
        return;
    }
    // Without a host, only what needs attention goes to stderr.
    if (level >= P2GAN_LOG_WARNING) {
        std::fprintf(stderr, "p2gan: %s\n", message.c_str());
    }
}

}  // namespace p2gan
