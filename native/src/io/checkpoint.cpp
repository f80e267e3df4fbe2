#include "io/checkpoint.h"

#include <fstream>
#include <sstream>

#include "config/settings.h"
#include "io/binary_io.h"
#include "io/tensor_file.h"
#include "runtime/errors.h"
#include "runtime/log.h"

namespace p2gan {
namespace {

constexpr TensorFileKind kCheckpoint{{'P', '2', 'G', 'A', 'N', 'C', 'K', 'P'}, "checkpoint"};
// Sections this large are not ours; refuse before allocating.
constexpr uint32_t kMaxSettingsText = 1 << 20;
constexpr uint32_t kMaxHostState = 16 << 20;

struct Contents {
    p2gan_model_params params;
    std::string host_state;
    std::string archive;  // empty when only the header was asked for
};

std::string bounded(std::istream& in, const std::string& path, uint32_t limit, const char* what) {
    const auto size = take_le<uint32_t>(in, kCheckpoint.name, path, what);
    if (size > limit) fail(P2GAN_STATUS_CHECKPOINT_MISMATCH, "checkpoint " + path + " has a corrupt " + what);
    return read_sized_block(in, path, kCheckpoint, size, what);
}

Contents read_format_1(std::istream& in, const std::string& path, bool with_archive) {
    take_le<uint32_t>(in, kCheckpoint.name, path, "ABI version");  // tied the file to ABI 1/2; no longer meaningful
    Contents c;
    c.params = model_params_from_text(bounded(in, path, kMaxSettingsText, "configuration"), "checkpoint " + path,
                                      /*accept_legacy_runtime_keys=*/true);
    c.host_state = bounded(in, path, kMaxHostState, "host state");
    const auto size = take_le<uint64_t>(in, kCheckpoint.name, path, "archive size");
    if (with_archive) c.archive = read_sized_block(in, path, kCheckpoint, size, "archive");
    return c;
}

Contents read_format_2(std::istream& in, const std::string& path) {
    auto sections = read_tensor_file_sections(in, path, kCheckpoint);
    for (const char* required : {"settings", "archive"}) {
        if (sections.find(required) == sections.end()) {
            fail(P2GAN_STATUS_CHECKPOINT_MISMATCH, "checkpoint " + path + " lacks its " + required + " section");
        }
    }
    Contents c;
    c.params = model_params_from_text(sections["settings"], "checkpoint " + path);
    c.host_state = std::move(sections["host_state"]);
    c.archive = std::move(sections["archive"]);
    return c;
}

Contents read_checkpoint(const std::string& path, bool with_archive) {
    std::ifstream in;
    const auto version = open_tensor_file(in, path, kCheckpoint);
    if (version == 1) {
        if (with_archive) {
            log_message(P2GAN_LOG_WARNING,
                        "checkpoint " + path + " has no checksum (format 1); it is loaded unverified");
        }
        return read_format_1(in, path, with_archive);
    }
    if (version == 2) return read_format_2(in, path);
    fail_unknown_format(path, kCheckpoint, version, kCheckpointFormatVersion);
}

}  // namespace

void save_checkpoint(Model& model, const std::string& path, const std::string& host_state) {
    if (host_state.size() > kMaxHostState) {
        fail_invalid("host_state is " + std::to_string(host_state.size()) + " bytes, the limit is 16 MiB");
    }
    torch::serialize::OutputArchive archive;
    model.save_state(archive);
    std::ostringstream archive_bytes;
    archive.save_to(archive_bytes);
    write_tensor_file(path, kCheckpoint, kCheckpointFormatVersion,
                      {{"settings", model_params_to_text(model.params())},
                       {"host_state", host_state},
                       {"archive", archive_bytes.str()}});
}

p2gan_model_params read_checkpoint_params(const std::string& path) {
    return read_checkpoint(path, /*with_archive=*/false).params;
}

std::string read_checkpoint_host_state(const std::string& path) {
    return read_checkpoint(path, /*with_archive=*/false).host_state;
}

void restore_checkpoint(Model& model, const std::string& path) {
    const auto contents = read_checkpoint(path, /*with_archive=*/true);
    const auto mismatches = architecture_mismatches(contents.params, model.params());
    if (!mismatches.empty()) {
        std::string message = "checkpoint " + path + " was made for another architecture:";
        for (const auto& m : mismatches) message += " " + m + ";";
        fail(P2GAN_STATUS_CHECKPOINT_MISMATCH, message);
    }
    std::istringstream archive_stream(contents.archive);
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
