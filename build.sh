#!/usr/bin/env bash
# One entry point for building, testing and running P2Gan on Debian/Ubuntu.
#   ./build.sh            install missing system packages, build native + managed
#   ./build.sh train ...  build, then run the default training job (extra args go to `p2gan train`)
#   ./build.sh test       build, then run every test (CTest for native, dotnet test for managed),
#                         then pack and run the NuGet example (examples/QuickStart)
#   ./build.sh pack       write the NuGet packages P2Gan, P2Gan.Native and P2Gan.Native.linux-x64
#                         (version.txt) to artifacts/packages, after building everything
#   ./build.sh example    build and pack, then restore (from artifacts/packages), build and run examples/QuickStart
#   ./build.sh deps       only install the system packages
#   ./build.sh bench-deps also install what bench/compare.sh needs (python3-torch, the eager baseline)
#   ./build.sh test-deps  only install what the tests need beyond the build (chromium)
#   ./build.sh bindings   regenerate the .NET bindings, option types and native settings table
#                         from native/include/p2gan/p2gan.h (bindings/generator/p2gan_bindgen.py)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
BUILD_DIR="$ROOT/artifacts/native-build"
CONFIG="${P2GAN_CONFIGURATION:-Release}"

# LibTorch from Debian (with gloo for c10d's multi-process backend), OpenBLAS for its BLAS (the reference BLAS is ~3x slower here),
# the real dataset of the main job, the native build/test libraries, and libclang for the
# bindings generator (its --check runs as a test).
PACKAGES=(libtorch-dev libgloo-dev libopenblas0-pthread dataset-fashion-mnist nlohmann-json3-dev libgtest-dev cmake g++
          python3 python3-clang-14 libclang1-14 fonts-dejavu-core)
# Only for the tests: the report.html render test runs headless Chromium.
TEST_PACKAGES=(chromium)
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

# The NuGet packages, all with the version in version.txt: P2Gan (SDK) -> P2Gan.Native
# (bindings) -> P2Gan.Native.linux-x64 (runtimes/linux-x64/native/libp2gan.so; LibTorch
# comes from the system). dotnet pack builds the managed projects it needs.
pack_packages() {
    local version packages="$ROOT/artifacts/packages" lib="$ROOT/artifacts/native/libp2gan.so"
    version="$(tr -d '[:space:]' < "$ROOT/version.txt")"
    log "NuGet packages $version -> artifacts/packages"
    [ -f "$lib" ] || { echo "error: $lib is missing; build it first (./build.sh)" >&2; exit 1; }
    # The native version string is compiled in (CMake reads version.txt too); a stale build differs.
    grep -aqF "$version" "$lib" || echo "warning: $lib does not carry version $version; rebuild it (./build.sh)" >&2
    rm -rf "$packages"
    local project
    for project in bindings/P2Gan.Native.linux-x64/P2Gan.Native.linux-x64.csproj \
                   bindings/P2Gan.Native/P2Gan.Native.csproj managed/P2Gan/P2Gan.csproj; do
        DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 dotnet pack "$ROOT/$project" -c "$CONFIG" -o "$packages" -nologo -v quiet
    done
    ls -1 "$packages"
}

# examples/QuickStart as a new user runs it: the packages just packed, restored from the local
# feed (examples/nuget.config) into a private, fresh package folder (a NuGet cache would keep an
# older package of the same version), and no P2GAN_NATIVE_LIBRARY.
run_example() {
    pack_packages
    local project="$ROOT/examples/QuickStart" cache="$ROOT/artifacts/example-packages" out="$ROOT/artifacts/example-out"
    log "examples/QuickStart from artifacts/packages"
    rm -rf "$cache" "$out" "$project/bin" "$project/obj"
    export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
    dotnet restore "$project" --packages "$cache" -v quiet
    dotnet build "$project" -c "$CONFIG" --no-restore -nologo -v quiet
    env -u P2GAN_NATIVE_LIBRARY dotnet run --project "$project" -c "$CONFIG" --no-build -- "$out" 3
    [ -s "$out/samples.png" ] && [ -s "$out/interpolation.png" ] || { echo "error: QuickStart wrote no PNG grids" >&2; exit 1; }
}

run_tests() {
    log "native tests (CTest + GoogleTest)"
    ctest --test-dir "$BUILD_DIR" --output-on-failure -j "$(nproc)"
    log "managed tests (NUnit)"
    # Tests that need libp2gan fail (not skip) when it is missing.
    P2GAN_REQUIRE_NATIVE=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 dotnet test "$ROOT/P2Gan.sln" -c "$CONFIG" --no-build -nologo
    log "build.ps1 under PowerShell 7 (dotnet tool restore; build + a 5-step train)"
    # Keeps the PowerShell mirror working: PowerShell comes from .config/dotnet-tools.json.
    local pwsh_run="$ROOT/artifacts/pwsh-check-run"
    rm -rf "$pwsh_run"
    (cd "$ROOT" && DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 dotnet tool restore -v quiet >/dev/null \
        && dotnet pwsh -NoProfile -File build.ps1 build \
        && dotnet pwsh -NoProfile -File build.ps1 train --dataset synthetic:64 --steps 5 --batch-size 8 --base-channels 4 \
               --noise-dim 8 --posterior-dim 8 --eval-at-end false --run-dir "$pwsh_run")
    rm -rf "$pwsh_run"
    run_example
}

command="${1:-build}"
[ $# -gt 0 ] && shift
case "$command" in
    deps) install_deps "${PACKAGES[@]}" ;;
    bench-deps) install_deps "${PACKAGES[@]}" "${BENCH_PACKAGES[@]}" ;;
    test-deps) install_deps "${TEST_PACKAGES[@]}" ;;
    build) build_all ;;
    test) install_deps "${TEST_PACKAGES[@]}"; build_all; run_tests ;;
    pack) build_all; pack_packages ;;
    example) build_all; run_example ;;
    train) build_all; log "training: artifacts/bin/p2gan train $*"; "$ROOT/artifacts/bin/p2gan" train "$@" ;;
    bindings) install_deps python3 python3-clang-14 libclang1-14; log "bindings from p2gan.h"; /usr/bin/python3 "$ROOT/bindings/generator/p2gan_bindgen.py" --root "$ROOT" ;;
    *) echo "usage: ./build.sh [build|train [options]|test|pack|example|deps|bench-deps|test-deps|bindings]" >&2; exit 2 ;;
esac
