// Native log messages, routed to a host callback (p2gan_log_set) or to stderr.
#pragma once

#include <string>

#include "p2gan/p2gan.h"

namespace p2gan {

// The callback is called WITHOUT the log lock held (log_message copies the callback and its
// user data under the lock, then calls the copy), so a callback may re-enter the library,
// including p2gan_log_set and p2gan_model_create. Consequences: messages may be delivered
// concurrently from several threads, and a message logged while p2gan_log_set runs on
// another thread may still reach the previous callback (with its previous user data).
void log_set(p2gan_log_callback callback, void* user_data);
void log_message(int32_t level, const std::string& message);

}  // namespace p2gan
