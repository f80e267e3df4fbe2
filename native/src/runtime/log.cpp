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
    std::lock_guard<std::mutex> lock(g_log_mutex);
    if (g_callback != nullptr) {
        g_callback(level, message.c_str(), g_user_data);
        return;
    }
    // Without a host, only what needs attention goes to stderr.
    if (level >= P2GAN_LOG_WARNING) {
        std::fprintf(stderr, "p2gan: %s\n", message.c_str());
    }
}

}  // namespace p2gan
