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
};

// intra_op_threads 0 = one per hardware thread. OpenBLAS, when it is the BLAS in this
// process, is set to 1 thread so that parallelism comes from one pool only.
ThreadSettings configure_threads(int intra_op_threads);

}  // namespace p2gan
