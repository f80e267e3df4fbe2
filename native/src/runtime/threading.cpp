#include "runtime/threading.h"

#ifndef _WIN32
#include <dlfcn.h>
#endif

#include <algorithm>
#include <mutex>
#include <optional>
#include <thread>

#include <torch/torch.h>

namespace p2gan {
namespace {

using SetThreads = void (*)(int);
using GetThreads = int (*)();
using GetConfig = char* (*)();

// OpenBLAS's thread controls, when it is loaded in this process.
struct OpenBlas {
    SetThreads set = nullptr;
    GetThreads get = nullptr;
    std::string config;
};

// OpenBLAS arrives as a dependency of LibTorch (libblas.so.3 through Debian's
// alternatives, or libopenblas directly); RTLD_NOLOAD finds it only if it is loaded.
// The handle is closed again: the library stays loaded by LibTorch's own reference.
std::optional<OpenBlas> find_openblas() {
#ifdef _WIN32
    return std::nullopt;
#else
    for (const char* name : {"libopenblas.so.0", "libblas.so.3", "libopenblas.so"}) {
        void* handle = ::dlopen(name, RTLD_LAZY | RTLD_NOLOAD);
        if (handle == nullptr) continue;
        OpenBlas blas;
        blas.set = reinterpret_cast<SetThreads>(::dlsym(handle, "openblas_set_num_threads"));
        blas.get = reinterpret_cast<GetThreads>(::dlsym(handle, "openblas_get_num_threads"));
        auto config = reinterpret_cast<GetConfig>(::dlsym(handle, "openblas_get_config"));
        if (blas.set != nullptr) blas.config = config ? config() : "OpenBLAS";
        ::dlclose(handle);
        if (blas.set != nullptr) return blas;
    }
    return std::nullopt;
#endif
}

const char* no_openblas() {
#ifdef _WIN32
    return "not configured on Windows (thread count unchanged)";
#else
    return "not OpenBLAS (thread count unchanged)";
#endif
}

// What configure_threads last did, for current_thread_settings and ScopedBlasThreads.
std::mutex g_mutex;
std::optional<std::string> g_blas_description;
int g_blas_threads = -1;

std::string describe(const OpenBlas& blas, int threads) {
    return blas.config + ", " + std::to_string(threads) + (threads == 1 ? " thread" : " threads");
}

}  // namespace

int hardware_threads() { return static_cast<int>(std::max(1u, std::thread::hardware_concurrency())); }

ThreadSettings configure_threads(int intra_op_threads) {
    const int threads = intra_op_threads > 0 ? intra_op_threads : hardware_threads();
    std::string description = no_openblas();
    int blas_threads = -1;
    if (const auto blas = find_openblas()) {
        blas->set(1);
        blas_threads = 1;
        description = describe(*blas, blas_threads);
    }
    {
        std::lock_guard<std::mutex> lock(g_mutex);
        g_blas_description = description;
        g_blas_threads = blas_threads;
    }
    if (torch::get_num_threads() != threads) torch::set_num_threads(threads);
    return {torch::get_num_threads(), description, blas_threads};
}

void use_intra_op_threads(int intra_op_threads) {
    const int threads = intra_op_threads > 0 ? intra_op_threads : hardware_threads();
    if (torch::get_num_threads() != threads) torch::set_num_threads(threads);
}

ThreadSettings current_thread_settings() {
    {
        std::lock_guard<std::mutex> lock(g_mutex);
        if (g_blas_description) return {torch::get_num_threads(), *g_blas_description, g_blas_threads};
    }
    const auto blas = find_openblas();
    if (!blas) return {torch::get_num_threads(), no_openblas(), -1};
    const int threads = blas->get ? blas->get() : -1;
    return {torch::get_num_threads(), threads > 0 ? describe(*blas, threads) : blas->config, threads};
}

ScopedBlasThreads::ScopedBlasThreads(int threads) {
    const auto blas = find_openblas();
    if (!blas) return;
    {
        std::lock_guard<std::mutex> lock(g_mutex);
        restore_ = g_blas_threads;
    }
    if (restore_ < 1 && blas->get != nullptr) restore_ = blas->get();
    blas->set(std::max(1, threads));
}

ScopedBlasThreads::~ScopedBlasThreads() {
    if (restore_ < 1) return;
    if (const auto blas = find_openblas()) blas->set(restore_);
}

}  // namespace p2gan
