#include "threading.h"

#ifndef _WIN32
#include <dlfcn.h>
#endif

#include <thread>

#include <torch/torch.h>

namespace p2gan {
namespace {

using SetThreads = void (*)(int);
using GetConfig = char* (*)();

// OpenBLAS arrives as a dependency of LibTorch (libblas.so.3 through Debian's
// alternatives, or libopenblas directly); RTLD_NOLOAD finds it only if it is loaded.
std::string configure_openblas() {
#ifdef _WIN32
    return "not configured on Windows (thread count unchanged)";
#else
    for (const char* name : {"libopenblas.so.0", "libblas.so.3", "libopenblas.so"}) {
        void* handle = ::dlopen(name, RTLD_LAZY | RTLD_NOLOAD);
        if (handle == nullptr) continue;
        auto set = reinterpret_cast<SetThreads>(::dlsym(handle, "openblas_set_num_threads"));
        auto config = reinterpret_cast<GetConfig>(::dlsym(handle, "openblas_get_config"));
        if (set == nullptr) {
            ::dlclose(handle);
            continue;
        }
        set(1);
        std::string text = std::string(config ? config() : "OpenBLAS") + ", 1 thread";
        ::dlclose(handle);
        return text;
    }
    return "not OpenBLAS (thread count unchanged)";
#endif
}

}  // namespace

ThreadSettings configure_threads(int intra_op_threads) {
    const int hardware = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    const int threads = intra_op_threads > 0 ? intra_op_threads : hardware;
    const std::string blas = configure_openblas();
    if (torch::get_num_threads() != threads) torch::set_num_threads(threads);
    return {torch::get_num_threads(), blas};
}

}  // namespace p2gan
