#!/usr/bin/env bash
# bench/compare.sh: the project's train step against PyTorch eager, in one invocation, at
# the same settings, in alternating rounds (docs/benchmarks.md). Each round runs
#   1. artifacts/bin/p2gan bench                  (the .NET host)
#   2. artifacts/bin/p2gan bench --native-only    (the C ABI from a native driver)
#   3. bench/pytorch/p2gan_eager.py --threads 0   (PyTorch's default thread count)
#   4. bench/pytorch/p2gan_eager.py --threads T   (T = the intra-op threads ours used)
# then prints each run's train images/s, the medians over rounds and the ratios of medians:
# ours / best eager configuration (the headline), ours / eager at equal threads, and
# dotnet / native-only; last a markdown block for docs/benchmarks.md.
#
# Usage: bench/compare.sh [--batch N] [--resolution N] [--channels N] [--base-channels N]
#                         [--adain-mode M] [--steps N] [--warmup N] [--threads N] [--rounds N]
# Environment: P2GAN (the p2gan command, default artifacts/bin/p2gan), PYTHON (the Python
# with Debian's python3-torch, default /usr/bin/python3).
# Exit status: 0 when every run succeeded, 1 when one failed (its stderr is shown), 2 on a
# bad option.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
P2GAN=${P2GAN:-$ROOT/artifacts/bin/p2gan}
PYTHON=${PYTHON:-/usr/bin/python3}
EAGER=$ROOT/bench/pytorch/p2gan_eager.py

BATCH=32 RESOLUTION=32 CHANNELS=3 BASE_CHANNELS=64 ADAIN_MODE=statistics STEPS=20 WARMUP=3 THREADS=0 ROUNDS=3

usage() { sed -n '2,17p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }
die_usage() { echo "compare.sh: $1 (see --help)" >&2; exit 2; }
integer() { [[ $2 =~ ^[0-9]+$ ]] || die_usage "invalid value '$2' for --$1: a non-negative integer"; }

while [ $# -gt 0 ]; do
  option=$1
  case $option in
    -h|--help) usage; exit 0 ;;
    --batch|--resolution|--channels|--base-channels|--adain-mode|--steps|--warmup|--threads|--rounds)
      [ $# -ge 2 ] || die_usage "option $option needs a value"
      value=$2; shift 2 ;;
    *) die_usage "unknown option $option" ;;
  esac
  name=${option#--}
  [ "$name" = adain-mode ] || integer "$name" "$value"
  case $name in
    batch) BATCH=$value ;; resolution) RESOLUTION=$value ;; channels) CHANNELS=$value ;;
    base-channels) BASE_CHANNELS=$value ;; adain-mode) ADAIN_MODE=$value ;; steps) STEPS=$value ;;
    warmup) WARMUP=$value ;; threads) THREADS=$value ;; rounds) ROUNDS=$value ;;
  esac
done
[ "$ROUNDS" -ge 1 ] || die_usage "--rounds must be at least 1"
[ -x "$P2GAN" ] || { echo "compare.sh: $P2GAN missing: build first (./build.sh)" >&2; exit 1; }
[ -f "$EAGER" ] || { echo "compare.sh: $EAGER missing" >&2; exit 1; }
if ! "$PYTHON" -c 'import torch' 2>/dev/null; then
  echo "compare.sh: $PYTHON cannot import torch; installing Debian's python3-torch (./build.sh bench-deps)" >&2
  "$ROOT/build.sh" bench-deps
  "$PYTHON" -c 'import torch' || { echo "compare.sh: $PYTHON still cannot import torch" >&2; exit 1; }
fi

COMMON=(--batch "$BATCH" --resolution "$RESOLUTION" --channels "$CHANNELS" --base-channels "$BASE_CHANNELS"
        --adain-mode "$ADAIN_MODE" --steps "$STEPS" --warmup "$WARMUP")
OUT=$(mktemp -d "${TMPDIR:-/tmp}/p2gan-compare.XXXXXX")
trap 'rm -rf "$OUT"' EXIT

# run NAME ROUND COMMAND...: its JSON to $OUT/NAME.ROUND.json, one progress line to stderr.
run() {
  local name=$1 round=$2; shift 2
  local json=$OUT/$name.$round.json err=$OUT/$name.$round.err
  if ! "$@" >"$json" 2>"$err"; then
    echo "compare.sh: run '$name' of round $round failed: $*" >&2
    cat "$err" >&2
    exit 1
  fi
  "$PYTHON" - "$json" "$name" "$round" >&2 <<'PY'
import json, sys
path, name, rnd = sys.argv[1:]
lines = [l for l in open(path) if l.strip()]
j = json.loads(lines[-1])
t = j["threads"]["intra_op"] if isinstance(j["threads"], dict) else j["threads"]
print(f"round {rnd}  {name:<14} {j['train_images_per_second']:9.2f} images/s  ({t} intra-op threads)")
PY
}

# The intra-op threads our runs use, for eager at equal threads.
ours_threads() {
  "$PYTHON" -c 'import json,sys; print(json.loads(open(sys.argv[1]).read().strip().splitlines()[-1])["threads"]["intra_op"])' "$1"
}

echo "compare.sh: ${ROUNDS} rounds of ${COMMON[*]} --threads $THREADS (ours)" >&2
for round in $(seq 1 "$ROUNDS"); do
  run dotnet "$round" "$P2GAN" bench "${COMMON[@]}" --threads "$THREADS"
  run native-only "$round" "$P2GAN" bench "${COMMON[@]}" --threads "$THREADS" --native-only
  equal=$(ours_threads "$OUT/dotnet.$round.json")
  run eager-default "$round" "$PYTHON" "$EAGER" "${COMMON[@]}" --threads 0
  run eager-equal "$round" "$PYTHON" "$EAGER" "${COMMON[@]}" --threads "$equal"
done

"$PYTHON" - "$OUT" "$ROUNDS" <<'PY'
import json, os, statistics, sys

out, rounds = sys.argv[1], int(sys.argv[2])
names = ["dotnet", "native-only", "eager-default", "eager-equal"]

def load(name, r):
    with open(os.path.join(out, f"{name}.{r}.json")) as f:
        return json.loads([l for l in f if l.strip()][-1])

runs = {n: [load(n, r) for r in range(1, rounds + 1)] for n in names}
ips = {n: [j["train_images_per_second"] for j in runs[n]] for n in names}
med = {n: statistics.median(v) for n, v in ips.items()}

def threads(j):
    return j["threads"]["intra_op"] if isinstance(j["threads"], dict) else j["threads"]

t_ours = threads(runs["dotnet"][0])
t_default = threads(runs["eager-default"][0])
best_eager = max(("eager-default", "eager-equal"), key=lambda n: med[n])
cfg = runs["dotnet"][0]["config"]
setting = (f"batch {cfg['batch']}, {cfg['resolution']}x{cfg['resolution']}x{cfg['channels']}, "
           f"c = {cfg['base_channels']}, {cfg['adain_mode']}")

print(f"\nSetting: {setting}; {rounds} rounds; {cfg['steps']} measured steps after {cfg['warmup']} warm-up")
print(f"{'run':<16}{'threads':>8}  {'images/s per round':<40}{'median':>10}")
for n in names:
    per = "  ".join(f"{v:8.2f}" for v in ips[n])
    print(f"{n:<16}{threads(runs[n][0]):>8}  {per:<40}{med[n]:10.2f}")

headline = med["dotnet"] / med[best_eager]
equal = med["dotnet"] / med["eager-equal"]
native_headline = med["native-only"] / med[best_eager]
host = med["dotnet"] / med["native-only"]
print()
print(f"ours (p2gan bench) / best eager ({best_eager}): {headline:.3f}   <- headline")
print(f"ours (--native-only) / best eager:            {native_headline:.3f}")
print(f"ours / eager at equal threads ({t_ours}):           {equal:.3f}")
print(f"dotnet / native-only:                         {host:.3f}")
d = runs["dotnet"][-1]
print(f"achieved {d['achieved_gflops']:.1f} GFLOP/s of {d['flops_per_step'] / 1e9:.2f} GFLOP per step "
      f"(libtorch {d['libtorch_version']}; BLAS: {d['blas']})")

print("\nMarkdown (docs/benchmarks.md):\n")
print("| setting | p2gan bench img/s | --native-only img/s | eager img/s (default threads) | "
      "eager img/s (equal threads) | ours / best eager | ours / eager equal threads | dotnet / native |")
print("|---|---:|---:|---:|---:|---:|---:|---:|")
print(f"| {setting} | {med['dotnet']:.1f} ({t_ours} thr) | {med['native-only']:.1f} | "
      f"{med['eager-default']:.1f} ({t_default} thr) | {med['eager-equal']:.1f} ({t_ours} thr) | "
      f"**{headline:.2f}** | {equal:.2f} | {host:.3f} |")
PY
