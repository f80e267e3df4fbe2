// CPU thread settings. Measured on the 2-core reference machine: LibTorch with 2 intra-op
// threads and OpenBLAS at 1 thread ran a cpu-small train step 1.5x faster than
// LibTorch's default (1 intra-op thread, OpenBLAS at 2), and 3.4x faster than 2 + 2,
// where the two pools fight for the same cores.
#pragma once

#include <string>

namespace p2gan {

struct ThreadSettings {
    int intra_op_threads;  // what LibTorch now uses
    std::string blas;      // e.g. "OpenBLAS (pthreads), 1 thread" or "not OpenBLAS (unchanged)"
    int blas_threads;      // OpenBLAS's thread count now; -1 when the BLAS is not OpenBLAS
};

// intra_op_threads 0 = one per hardware thread. OpenBLAS, when it is the BLAS in this
// process, is set to 1 thread so that parallelism comes from one pool only.
ThreadSettings configure_threads(int intra_op_threads);

// Sets LibTorch's intra-op thread count (0 = one per hardware thread) for the calling thread
// when it differs. OpenMP keeps the count per thread: a model created on one thread and used
// on another (a .NET task, a thread pool) would otherwise run with OpenMP's default there,
// and a different count changes the order of float reductions, so results would depend on
// the thread. Cheap when nothing changes.
void use_intra_op_threads(int intra_op_threads);

// The settings now in force: the BLAS description and thread count that the last
// configure_threads set, or, before any, what the loaded BLAS reports (nothing changed).
// Thread-safe.
ThreadSettings current_thread_settings();

// hardware_concurrency, at least 1.
int hardware_threads();

// Sets OpenBLAS (when it is the BLAS) to `threads` threads for a scope, then back to what
// configure_threads set (or to what it was, before any). Process-wide: no train step may
// run in another thread meanwhile. No effect on another BLAS.
class ScopedBlasThreads {
public:
    explicit ScopedBlasThreads(int threads);
    ~ScopedBlasThreads();
    ScopedBlasThreads(const ScopedBlasThreads&) = delete;
    ScopedBlasThreads& operator=(const ScopedBlasThreads&) = delete;

private:
    int restore_ = -1;
};

}  // namespace p2gan
