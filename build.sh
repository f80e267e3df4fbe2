#!/usr/bin/env bash
# One entry point for building, testing and running P2Gan on Debian/Ubuntu.
#   ./build.sh            install missing system packages, build native + managed
#   ./build.sh train ...  build, then run the default training job (extra args go to `p2gan train`)
#   ./build.sh test       build, then run every test (CTest for native, dotnet test for managed)
#   ./build.sh deps       only install the system packages
#   ./build.sh bench-deps also install what bench/compare.sh needs (python3-torch, the eager baseline)
#   ./build.sh bindings   regenerate the .NET bindings, option types and native settings table
#                         from native/include/p2gan/p2gan.h (bindings/generator/p2gan_bindgen.py)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
BUILD_DIR="$ROOT/artifacts/native-build"
CONFIG="${P2GAN_CONFIGURATION:-Release}"

# LibTorch from Debian, OpenBLAS for its BLAS (the reference BLAS is ~3x slower here),
# the real dataset of the main job, the native build/test libraries, and libclang for the
# bindings generator (its --check runs as a test).
PACKAGES=(libtorch-dev libopenblas0-pthread dataset-fashion-mnist nlohmann-json3-dev libgtest-dev cmake g++
          python3 python3-clang-14 libclang1-14)
# Only for the PyTorch eager baseline of bench/compare.sh (docs/benchmarks.md).
BENCH_PACKAGES=(python3-torch)

log() { printf '\n==> %s\n' "$*"; }

install_deps() {
    local missing=()
    for pkg in "$@"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    log "installing ${missing[*]}"
    local sudo=""
    if [ "$(id -u)" -ne 0 ]; then
        command -v sudo >/dev/null || { echo "error: need root (or sudo) to install: ${missing[*]}" >&2; exit 1; }
        sudo="sudo"
    fi
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

build_native() {
    log "native core (CMake, $CONFIG)"
    cmake -S "$ROOT" -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE="$CONFIG" >/dev/null
    cmake --build "$BUILD_DIR" -j "$(nproc)"
}

build_managed() {
    log "managed SDK, trainer and tests (dotnet, $CONFIG)"
    DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 dotnet build "$ROOT/P2Gan.sln" -c "$CONFIG" -nologo -v quiet
}

build_all() {
    install_deps "${PACKAGES[@]}"
    build_native
    build_managed
}

run_tests() {
    log "native tests (CTest + GoogleTest)"
    ctest --test-dir "$BUILD_DIR" --output-on-failure -j "$(nproc)"
    log "managed tests (NUnit)"
    # Tests that need libp2gan fail (not skip) when it is missing.
    P2GAN_REQUIRE_NATIVE=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 dotnet test "$ROOT/P2Gan.sln" -c "$CONFIG" --no-build -nologo
}

command="${1:-build}"
[ $# -gt 0 ] && shift
case "$command" in
    deps) install_deps "${PACKAGES[@]}" ;;
    bench-deps) install_deps "${PACKAGES[@]}" "${BENCH_PACKAGES[@]}" ;;
    build) build_all ;;
    test) build_all; run_tests ;;
    train) build_all; log "training: artifacts/bin/p2gan train $*"; "$ROOT/artifacts/bin/p2gan" train "$@" ;;
    bindings) install_deps python3 python3-clang-14 libclang1-14; log "bindings from p2gan.h"; /usr/bin/python3 "$ROOT/bindings/generator/p2gan_bindgen.py" --root "$ROOT" ;;
    *) echo "usage: ./build.sh [build|train [options]|test|deps|bench-deps|bindings]" >&2; exit 2 ;;
esac
