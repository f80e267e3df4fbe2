#include "io/atomic_file.h"

#ifndef _WIN32
#include <fcntl.h>
#include <unistd.h>
#endif

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "runtime/errors.h"

namespace p2gan {
namespace {

// Only a missing path or a regular file may be replaced: renaming over a symbolic link
// would replace the link (not what it points to), over a device node (/dev/null) would
// replace the node itself, and a directory or FIFO is never an output file. lstat-like:
// a symbolic link is judged as itself, not as its target.
void refuse_non_regular_target(const std::string& path) {
    std::error_code error;
    const auto status = std::filesystem::symlink_status(path, error);
    if (error && status.type() != std::filesystem::file_type::not_found) {
        fail(P2GAN_STATUS_IO_ERROR, "cannot inspect " + path + ": " + error.message());
    }
    const char* what = nullptr;
    switch (status.type()) {
        case std::filesystem::file_type::not_found:
        case std::filesystem::file_type::regular: return;
        case std::filesystem::file_type::symlink: what = "a symbolic link"; break;
        case std::filesystem::file_type::directory: what = "a directory"; break;
        case std::filesystem::file_type::block: what = "a block device"; break;
        case std::filesystem::file_type::character: what = "a character device"; break;
        case std::filesystem::file_type::fifo: what = "a FIFO (named pipe)"; break;
        case std::filesystem::file_type::socket: what = "a socket"; break;
        default: what = "not a regular file"; break;
    }
    fail(P2GAN_STATUS_IO_ERROR, path + " is " + what + "; refusing to replace it");
}

}  // namespace

#ifdef _WIN32
void write_file_atomically(const std::string& path, const std::string& bytes) {
    refuse_non_regular_target(path);
    const std::string tmp = path + ".tmp";
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
        out.flush();
        if (!out) fail(P2GAN_STATUS_IO_ERROR, "cannot write " + tmp);
    }
    std::error_code error;
    std::filesystem::rename(tmp, path, error);  // MoveFileEx with MOVEFILE_REPLACE_EXISTING
    if (error) {
        std::filesystem::remove(tmp, error);
        fail(P2GAN_STATUS_IO_ERROR, "cannot rename " + tmp + " to " + path);
    }
}
#else
void write_file_atomically(const std::string& path, const std::string& bytes) {
    refuse_non_regular_target(path);
    const std::string tmp = path + ".tmp";
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW, 0644);
    if (fd < 0) fail(P2GAN_STATUS_IO_ERROR, "cannot write " + tmp + ": " + std::strerror(errno));
    size_t written = 0;
    while (written < bytes.size()) {
        const auto n = ::write(fd, bytes.data() + written, bytes.size() - written);
        if (n < 0) {
            if (errno == EINTR) continue;
            const std::string reason = std::strerror(errno);
            ::close(fd);
            ::unlink(tmp.c_str());
            fail(P2GAN_STATUS_IO_ERROR, "cannot write " + tmp + ": " + reason);
        }
        written += static_cast<size_t>(n);
    }
    // fsync before rename: after a crash the new name never points at partial data.
    if (::fsync(fd) != 0 || ::close(fd) != 0) {
        ::unlink(tmp.c_str());
        fail(P2GAN_STATUS_IO_ERROR, "cannot flush " + tmp + ": " + std::strerror(errno));
    }
    if (std::rename(tmp.c_str(), path.c_str()) != 0) {
        ::unlink(tmp.c_str());
        fail(P2GAN_STATUS_IO_ERROR, "cannot rename " + tmp + " to " + path + ": " + std::strerror(errno));
    }
    // And the directory entry itself, so the rename survives a power loss.
    const auto dir = std::filesystem::path(path).parent_path();
    const int dir_fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY);
    if (dir_fd >= 0) {
        ::fsync(dir_fd);
        ::close(dir_fd);
    }
}
#endif

}  // namespace p2gan
