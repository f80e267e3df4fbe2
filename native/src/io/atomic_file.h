// The one way the core writes a file: to PATH.tmp in the same folder, flushed and fsynced,
// then renamed over PATH, so that PATH never holds partial data after a crash. PATH must be
// missing or a regular file: a symbolic link, directory, device node (/dev/null), FIFO or
// socket there is refused (p2gan::Error, P2GAN_STATUS_IO_ERROR naming PATH and what it is)
// and left untouched.
#pragma once

#include <string>

namespace p2gan {

void write_file_atomically(const std::string& path, const std::string& bytes);

}  // namespace p2gan
