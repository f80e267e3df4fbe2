#!/usr/bin/env bash
# bench/gpu.sh: builds the native core against the LibTorch of an installed PyTorch (its
# CMake prefix path) and runs the native bench driver for device cuda at the settings of
# docs/benchmarks.md (issue 5, "GPU"), then PyTorch eager (bench/pytorch/p2gan_eager.py) at
# the same settings. Each run prints one compact JSON line on stdout, its bench JSON with
# "setting" and "impl" (native | pytorch-eager) added; progress and diagnostics go to
# stderr. It fails soft: a run that fails is logged and the next one runs; the configure
# and build logs stay in $BUILD_DIR/logs, the JSON lines in $BUILD_DIR/results.jsonl.
# Exit status: 0 when every run printed a result, 1 when some failed, 2 when the build did.
#
# Environment (all optional):
#   PYTHON                          the Python whose torch to build against (python3)
#   LIBTORCH_PREFIX                 a LibTorch prefix instead of that Python's (e.g. an
#                                   unpacked libtorch/, or /usr for Debian's libtorch-dev)
#   NLOHMANN_JSON_INCLUDE_DIR       folder holding nlohmann/json.hpp, when no CMake package
#   P2GAN_GPU_DEVICE                device of the runs: cuda (default), cuda:N or cpu (to
#                                   try the build and the runs on a machine without a GPU)
#   P2GAN_GPU_BUILD_DIR             build folder (/tmp/p2gan-gpu-build)
#   P2GAN_GPU_STEPS, _WARMUP        measured and warm-up steps per setting (30, 5)
#   P2GAN_GPU_SETTINGS              names of the settings to run (default: all, below)
#   P2GAN_GPU_SETTING_TIMEOUT       seconds one setting may take (300)
#   P2GAN_CUDA_ARCH                 CUDA architecture of the build (90: Hopper)
#   P2GAN_GPU_SKIP_BUILD=1          reuse the build folder as it is
#   P2GAN_GPU_EAGER=0               skip the PyTorch eager runs
set -u -o pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PYTHON=${PYTHON:-python3}
DEVICE=${P2GAN_GPU_DEVICE:-cuda}
BUILD_DIR=${P2GAN_GPU_BUILD_DIR:-/tmp/p2gan-gpu-build}
LOG_DIR=$BUILD_DIR/logs
STEPS=${P2GAN_GPU_STEPS:-30}
WARMUP=${P2GAN_GPU_WARMUP:-5}
SETTING_TIMEOUT=${P2GAN_GPU_SETTING_TIMEOUT:-300}
CUDA_ARCH=${P2GAN_CUDA_ARCH:-90}
JOBS=$(nproc 2>/dev/null || echo 2)
mkdir -p "$LOG_DIR"

log() { printf '[gpu.sh %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
have() { command -v "$1" >/dev/null 2>&1; }

# ---- settings: name and bench options (batch, resolution, c, precision, memory format) ----
SETTINGS=(
  "b32-r32-c64-fp32        --batch 32 --resolution 32 --base-channels 64 --precision float32 --memory-format contiguous"
  "b32-r32-c64-bf16        --batch 32 --resolution 32 --base-channels 64 --precision bf16 --memory-format contiguous"
  "b32-r32-c64-fp32-cl     --batch 32 --resolution 32 --base-channels 64 --precision float32 --memory-format channels_last"
  "b32-r32-c64-bf16-cl     --batch 32 --resolution 32 --base-channels 64 --precision bf16 --memory-format channels_last"
  "b64-r32-c64-fp32        --batch 64 --resolution 32 --base-channels 64 --precision float32 --memory-format contiguous"
  "b32-r64-c64-fp32        --batch 32 --resolution 64 --base-channels 64 --precision float32 --memory-format contiguous"
)

# ---- LibTorch --------------------------------------------------------------------------
log "root $ROOT, device $DEVICE, build folder $BUILD_DIR, $JOBS jobs"
PREFIX_PATH=""
if [ -n "${LIBTORCH_PREFIX:-}" ]; then
  PREFIX_PATH=$LIBTORCH_PREFIX
  log "LibTorch prefix from LIBTORCH_PREFIX: $PREFIX_PATH"
elif PREFIX_PATH=$("$PYTHON" -c 'import torch; print(torch.utils.cmake_prefix_path)' 2>"$LOG_DIR/python-torch.log"); then
  "$PYTHON" -c 'import torch; print("torch", torch.__version__, "cuda", torch.version.cuda, "available", torch.cuda.is_available())' >&2 || true
  if [ ! -f "$PREFIX_PATH/Torch/TorchConfig.cmake" ]; then
    log "$PYTHON's torch has no CMake files under $PREFIX_PATH (Debian's python3-torch, say);" \
        "using CMake's default search (Debian: libtorch-dev)"
    PREFIX_PATH=""
  else
    log "LibTorch prefix of $PYTHON's torch: $PREFIX_PATH"
  fi
else
  log "$PYTHON cannot import torch ($(tail -1 "$LOG_DIR/python-torch.log")); using CMake's default search"
  PREFIX_PATH=""
fi

CMAKE_ARGS=(
  -S "$ROOT" -B "$BUILD_DIR"
  -DCMAKE_BUILD_TYPE=Release
  -DP2GAN_BUILD_TESTS=OFF
  "-DP2GAN_ARTIFACTS_DIR=$BUILD_DIR/artifacts"
)
[ -n "$PREFIX_PATH" ] && CMAKE_ARGS+=("-DCMAKE_PREFIX_PATH=$PREFIX_PATH")
[ -n "${NLOHMANN_JSON_INCLUDE_DIR:-}" ] && CMAKE_ARGS+=("-DP2GAN_NLOHMANN_JSON_INCLUDE_DIR=$NLOHMANN_JSON_INCLUDE_DIR")
if have ninja; then CMAKE_ARGS+=(-G Ninja); KEEP_GOING=(-k 0); else KEEP_GOING=(-k); fi
# CMake 4 refuses cmake_minimum_required below 3.5, which older package files may still say.
export CMAKE_POLICY_VERSION_MINIMUM=${CMAKE_POLICY_VERSION_MINIMUM:-3.5}

# ---- CUDA toolkit: a CUDA LibTorch's CMake files enable the CUDA language and look for
# the toolkit (nvcc, headers, cudart); tell them where it is and which architecture to use.
if [[ "$DEVICE" == cuda* ]]; then
  NVCC=""
  for candidate in "${CUDACXX:-}" "$(command -v nvcc 2>/dev/null)" "${CUDA_HOME:-/nonexistent}/bin/nvcc" \
                   /usr/local/cuda/bin/nvcc /usr/local/cuda-*/bin/nvcc; do
    if [ -n "$candidate" ] && [ -x "$candidate" ]; then NVCC=$candidate; break; fi
  done
  if [ -n "$NVCC" ]; then
    CUDA_ROOT=$(dirname "$(dirname "$(readlink -f "$NVCC")")")
    log "nvcc $NVCC (toolkit $CUDA_ROOT): $("$NVCC" --version | tail -1)"
    export CUDACXX=$NVCC CUDA_HOME=${CUDA_HOME:-$CUDA_ROOT} PATH="$(dirname "$NVCC"):$PATH"
    CMAKE_ARGS+=("-DCMAKE_CUDA_COMPILER=$NVCC" "-DCUDA_TOOLKIT_ROOT_DIR=$CUDA_ROOT" "-DCUDAToolkit_ROOT=$CUDA_ROOT")
  else
    log "WARNING: no nvcc found (PATH, CUDA_HOME, /usr/local/cuda); a CUDA LibTorch's CMake files may fail"
  fi
  export TORCH_CUDA_ARCH_LIST=${TORCH_CUDA_ARCH_LIST:-$(echo "$CUDA_ARCH" | sed -E 's/^([0-9]+)([0-9])$/\1.\2/')}
  # USE_SYSTEM_NVTX: LibTorch >= 2.6 then takes NVTX3 from the toolkit's headers.
  CMAKE_ARGS+=("-DCMAKE_CUDA_ARCHITECTURES=$CUDA_ARCH" -DUSE_SYSTEM_NVTX=ON)
  # Some LibTorch versions' Caffe2Config insists on finding cuDNN again; a pip PyTorch
  # carries it in the nvidia-cudnn wheel (no unversioned libcudnn.so, so name the file).
  CUDNN_HINTS=$("$PYTHON" - <<'EOF' 2>/dev/null
import glob, os, site
for base in site.getsitepackages():
    for root in sorted(glob.glob(os.path.join(base, "nvidia", "cudnn")) + sorted(glob.glob(os.path.join(base, "nvidia", "cu*")))):
        libs = sorted(glob.glob(os.path.join(root, "lib", "libcudnn.so*")))
        if os.path.exists(os.path.join(root, "include", "cudnn.h")) and libs:
            print(os.path.join(root, "include") + "\n" + libs[0])
            raise SystemExit
EOF
)
  if [ -n "$CUDNN_HINTS" ]; then
    CUDNN_INC=$(echo "$CUDNN_HINTS" | sed -n 1p)
    CUDNN_LIB=$(echo "$CUDNN_HINTS" | sed -n 2p)
    log "cuDNN of the pip wheels: $CUDNN_INC, $CUDNN_LIB"
    CMAKE_ARGS+=("-DCUDNN_INCLUDE_DIR=$CUDNN_INC" "-DCUDNN_INCLUDE_PATH=$CUDNN_INC"
                 "-DCUDNN_LIBRARY=$CUDNN_LIB" "-DCUDNN_LIBRARY_PATH=$CUDNN_LIB")
  fi
fi

# ---- build -------------------------------------------------------------------------------
DRIVER=$BUILD_DIR/artifacts/native/p2gan-bench-native
if [ "${P2GAN_GPU_SKIP_BUILD:-0}" != 1 ]; then
  log "configure: cmake ${CMAKE_ARGS[*]}"
  if ! cmake "${CMAKE_ARGS[@]}" >"$LOG_DIR/configure.log" 2>&1; then
    log "configure FAILED; the errors, then the log's end ($LOG_DIR/configure.log):"
    grep -n -A12 "CMake Error" "$LOG_DIR/configure.log" | head -120 >&2
    tail -40 "$LOG_DIR/configure.log" >&2
    exit 2
  fi
  grep -E "Caffe2|Torch|CUDA|nvtx|NVTX|kineto|P2Gan|Warning" "$LOG_DIR/configure.log" | head -40 >&2
  log "build: p2gan and p2gan-bench-native with $JOBS jobs (keeps going past errors)"
  start=$(date +%s)
  if ! cmake --build "$BUILD_DIR" --target p2gan p2gan-bench-native -j "$JOBS" -- "${KEEP_GOING[@]}" \
       >"$LOG_DIR/build.log" 2>&1; then
    log "build FAILED after $(( $(date +%s) - start )) s; every error (log: $LOG_DIR/build.log):"
    grep -n -E "error|FAILED|undefined reference" "$LOG_DIR/build.log" | head -150 >&2
    tail -30 "$LOG_DIR/build.log" >&2
    exit 2
  fi
  log "build done in $(( $(date +%s) - start )) s; $(grep -c -i 'warning:' "$LOG_DIR/build.log") warning lines"
fi
if [ ! -x "$DRIVER" ]; then log "no bench driver at $DRIVER"; exit 2; fi
# Which LibTorch (and whether its CUDA part) libp2gan will load.
ldd "$BUILD_DIR/artifacts/native/libp2gan.so" 2>/dev/null | grep -E "torch|c10|libcuda|cudart|cublas|cudnn|nvrtc|not found" >&2

# The driver finds libp2gan next to it; LibTorch through the build's RPATH. Where the
# loader still misses a library, add the torch and pip CUDA library folders.
if ldd "$DRIVER" 2>/dev/null | grep -q "not found"; then
  log "ldd: unresolved libraries: $(ldd "$DRIVER" | grep 'not found' | tr -s ' \t' ' ' | tr '\n' ';')"
  EXTRA=$("$PYTHON" - <<'EOF' 2>/dev/null
import glob, os, site, torch
dirs = [os.path.join(os.path.dirname(torch.__file__), "lib")]
for base in site.getsitepackages():
    dirs += sorted(glob.glob(os.path.join(base, "nvidia", "*", "lib")))
print(":".join(d for d in dirs if os.path.isdir(d)))
EOF
)
  export LD_LIBRARY_PATH="${EXTRA}${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  log "LD_LIBRARY_PATH=$LD_LIBRARY_PATH"
fi

# ---- runs --------------------------------------------------------------------------------
selected() { [ -z "${P2GAN_GPU_SETTINGS:-}" ] || [[ " $P2GAN_GPU_SETTINGS " == *" $1 "* ]]; }
RESULTS=$BUILD_DIR/results.jsonl
: >"$RESULTS"
failed=0
ran=0

# run IMPL NAME COMMAND...: one run under the timeout; prints its JSON as one line with
# "setting" and "impl" added (the raw output when it is not one JSON object).
run() {
  local impl=$1 name=$2 start rc
  shift 2
  ran=$((ran + 1))
  log "$impl $name: $*"
  start=$(date +%s)
  timeout "$SETTING_TIMEOUT" "$@" >"$LOG_DIR/$impl-$name.out" 2>"$LOG_DIR/$impl-$name.err"
  rc=$?
  if [ $rc -ne 0 ]; then
    failed=$((failed + 1))
    log "$impl $name FAILED (exit $rc after $(( $(date +%s) - start )) s); stderr:"
    tail -20 "$LOG_DIR/$impl-$name.err" >&2
    return 0
  fi
  if ! IMPL=$impl NAME=$name "$PYTHON" -c '
import json, os, sys
result = json.load(sys.stdin)
if isinstance(result, dict):
    result = {"setting": os.environ["NAME"], "impl": os.environ["IMPL"], **result}
print(json.dumps(result, separators=(",", ":")))' <"$LOG_DIR/$impl-$name.out" | tee -a "$RESULTS"; then
    tee -a "$RESULTS" <"$LOG_DIR/$impl-$name.out"
  fi
  log "$impl $name done in $(( $(date +%s) - start )) s"
}

for entry in "${SETTINGS[@]}"; do
  read -r name options <<<"$entry"
  selected "$name" || continue
  # shellcheck disable=SC2086  # options are words
  run native "$name" "$DRIVER" --device "$DEVICE" --steps "$STEPS" --warmup "$WARMUP" $options
done

# ---- PyTorch eager, same settings and device, after every native run (P2GAN_GPU_EAGER=0 skips)
EAGER=$ROOT/bench/pytorch/p2gan_eager.py
if [ "${P2GAN_GPU_EAGER:-1}" = 0 ]; then
  log "PyTorch eager skipped (P2GAN_GPU_EAGER=0)"
elif [ -f "$EAGER" ] && "$PYTHON" "$EAGER" --help 2>/dev/null | grep -q -- "--device"; then
  for entry in "${SETTINGS[@]}"; do
    read -r name options <<<"$entry"
    selected "$name" || continue
    # shellcheck disable=SC2086
    run pytorch-eager "$name" "$PYTHON" "$EAGER" --device "$DEVICE" --steps "$STEPS" --warmup "$WARMUP" $options
  done
else
  log "PyTorch eager skipped: $EAGER is missing, $PYTHON cannot run it, or it has no --device option"
fi

log "$((ran - failed)) of $ran runs printed a result; results in $RESULTS, logs in $LOG_DIR"
if [ "$failed" -ne 0 ]; then exit 1; fi
