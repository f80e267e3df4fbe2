// The one way the core writes a file: to PATH.tmp in the same folder, flushed and fsynced,
// then renamed over PATH, so that PATH never holds partial data after a crash.
#pragma once

#include <string>

namespace p2gan {

void write_file_atomically(const std::string& path, const std::string& bytes);

}  // namespace p2gan
