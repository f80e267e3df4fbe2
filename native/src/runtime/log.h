// Native log messages, routed to a host callback (p2gan_log_set) or to stderr.
#pragma once

#include <string>

#include "p2gan/p2gan.h"

namespace p2gan {

void log_set(p2gan_log_callback callback, void* user_data);
void log_message(int32_t level, const std::string& message);

}  // namespace p2gan
