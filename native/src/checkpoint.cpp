#include "checkpoint.h"

#ifndef _WIN32
#include <fcntl.h>
#include <unistd.h>
#endif

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "binary_io.h"
#include "config.h"
#include "errors.h"

namespace p2gan {
namespace {

constexpr char kMagic[8] = {'P', '2', 'G', 'A', 'N', 'C', 'K', 'P'};
constexpr uint32_t kFormatVersion = 1;
// Sections this large are not ours; refuse before allocating.
constexpr uint32_t kMaxParamsText = 1 << 20;
constexpr uint32_t kMaxHostState = 16 << 20;

struct Header {
    p2gan_model_params params;
    std::string host_state;
    uint64_t archive_size;
};

std::string read_section(std::istream& in, const std::string& path, uint32_t limit, const char* what) {
    const auto size = take_le<uint32_t>(in, "checkpoint", path, what);
    if (size > limit) fail(P2GAN_STATUS_CHECKPOINT_MISMATCH, "checkpoint " + path + " has a corrupt " + what);
    std::string text(size, '\0');
    if (!in.read(text.data(), size)) {
        fail(P2GAN_STATUS_IO_ERROR, "checkpoint " + path + " is truncated (while reading the " + what + ")");
    }
    return text;
}

std::ifstream open_for_reading(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) fail(P2GAN_STATUS_IO_ERROR, "cannot open checkpoint " + path + ": " + std::strerror(errno));
    return in;
}

Header read_header(std::istream& in, const std::string& path) {
    expect_magic_and_version(in, kMagic, kFormatVersion, "checkpoint", path);
    const auto abi = take_le<uint32_t>(in, "checkpoint", path, "ABI version");
    if (abi != P2GAN_ABI_VERSION) {
        fail(P2GAN_STATUS_CHECKPOINT_MISMATCH, "checkpoint " + path + " was written by ABI version " +
                                                   std::to_string(abi) + ", this library is ABI version " +
                                                   std::to_string(P2GAN_ABI_VERSION));
    }
    const auto params = params_from_text(read_section(in, path, kMaxParamsText, "configuration"));
    auto host_state = read_section(in, path, kMaxHostState, "host state");
    return {params, std::move(host_state), take_le<uint64_t>(in, "checkpoint", path, "archive size")};
}

}  // namespace

#ifdef _WIN32
void write_file_atomically(const std::string& path, const std::string& bytes) {
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
    const std::string tmp = path + ".tmp";
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
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

void save_checkpoint(Model& model, const std::string& path, const std::string& host_state) {
    if (host_state.size() > kMaxHostState) {
        fail_invalid("host_state is " + std::to_string(host_state.size()) + " bytes, the limit is 16 MiB");
    }
    torch::serialize::OutputArchive archive;
    model.save_state(archive);
    std::ostringstream archive_bytes;
    archive.save_to(archive_bytes);
    const std::string payload = archive_bytes.str();
    const std::string text = params_to_text(model.params());

    std::string bytes(kMagic, sizeof(kMagic));
    put_le<uint32_t>(bytes, kFormatVersion);
    put_le<uint32_t>(bytes, P2GAN_ABI_VERSION);
    put_le<uint32_t>(bytes, static_cast<uint32_t>(text.size()));
    bytes += text;
    put_le<uint32_t>(bytes, static_cast<uint32_t>(host_state.size()));
    bytes += host_state;
    put_le<uint64_t>(bytes, payload.size());
    bytes += payload;
    write_file_atomically(path, bytes);
}

p2gan_model_params read_checkpoint_params(const std::string& path) {
    auto in = open_for_reading(path);
    return read_header(in, path).params;
}

std::string read_checkpoint_host_state(const std::string& path) {
    auto in = open_for_reading(path);
    return read_header(in, path).host_state;
}

void restore_checkpoint(Model& model, const std::string& path) {
    auto in = open_for_reading(path);
    const auto header = read_header(in, path);
    const auto mismatches = architecture_mismatches(header.params, model.params());
    if (!mismatches.empty()) {
        std::string message = "checkpoint " + path + " was made for another architecture:";
        for (const auto& m : mismatches) message += " " + m + ";";
        fail(P2GAN_STATUS_CHECKPOINT_MISMATCH, message);
    }
    const auto start = in.tellg();
    in.seekg(0, std::ios::end);
    const auto available = static_cast<uint64_t>(in.tellg() - start);
    in.seekg(start);
    if (header.archive_size > available) {
        fail(P2GAN_STATUS_IO_ERROR, "checkpoint " + path + " is truncated (archive of " +
                                        std::to_string(header.archive_size) + " bytes expected, " +
                                        std::to_string(available) + " present)");
    }
    std::string payload(header.archive_size, '\0');
    if (!in.read(payload.data(), static_cast<std::streamsize>(header.archive_size))) {
        fail(P2GAN_STATUS_IO_ERROR, "checkpoint " + path + " is truncated (archive of " +
                                        std::to_string(header.archive_size) + " bytes expected)");
    }
    std::istringstream archive_stream(payload);
    torch::serialize::InputArchive archive;
    try {
        archive.load_from(archive_stream, model.device());
        model.load_state(archive);
    } catch (const c10::Error& e) {
        fail(P2GAN_STATUS_CHECKPOINT_MISMATCH,
             "checkpoint " + path + " could not be restored: " + e.what_without_backtrace());
    }
}

}  // namespace p2gan
