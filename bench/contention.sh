#!/usr/bin/env bash
# bench/contention.sh: the train step quiet and with competing CPU-bound processes, for the
# default thread settings, --threads 1 and --threads 2, and for the OpenMP wait policies
# (docs/benchmarks.md, "Under load"). Each round runs every configuration once quiet and
# once under load, in alternating order; the competing processes are `yes > /dev/null`, one
# per --hogs, started before and killed after the loaded runs. Prints each run's train
# images/s, the medians, and under load each configuration's median relative to the best.
#
# Usage: bench/contention.sh [--rounds N] [--hogs N] [--steps N] [--warmup N] [--batch N]
#                            [--base-channels N] [--noise-dim N] [--posterior-dim N]
# Defaults: the cpu-small networks (c = 16, n = d = 64), batch 64, 8 steps, 1 hog, 3 rounds.
# Environment: P2GAN (the p2gan command, default artifacts/bin/p2gan).
# Exit status: 0 when every run succeeded, 1 when one failed, 2 on a bad option.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
P2GAN=${P2GAN:-$ROOT/artifacts/bin/p2gan}
ROUNDS=3 HOGS=1 STEPS=8 WARMUP=2 BATCH=64 BASE_CHANNELS=16 NOISE_DIM=64 POSTERIOR_DIM=64

usage() { sed -n '2,13p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }
die_usage() { echo "contention.sh: $1 (see --help)" >&2; exit 2; }
while [ $# -gt 0 ]; do
  case $1 in
    -h|--help) usage; exit 0 ;;
    --rounds|--hogs|--steps|--warmup|--batch|--base-channels|--noise-dim|--posterior-dim)
      [ $# -ge 2 ] || die_usage "option $1 needs a value"
      [[ $2 =~ ^[0-9]+$ ]] || die_usage "invalid value '$2' for $1: a non-negative integer"
      name=$(echo "${1#--}" | tr 'a-z-' 'A-Z_'); printf -v "$name" '%s' "$2"; shift 2 ;;
    *) die_usage "unknown option $1" ;;
  esac
done
[ -x "$P2GAN" ] || { echo "contention.sh: $P2GAN not found; run ./build.sh first" >&2; exit 1; }

# label|environment|extra options
CONFIGS=(
  "default|-|"
  "threads 1|-|--threads 1"
  "threads 2|-|--threads 2"
  "default, OMP_WAIT_POLICY=ACTIVE (spinning, the old default)|OMP_WAIT_POLICY=ACTIVE|"
)
RESULTS=$(mktemp)
HOG_PIDS=()
cleanup() { for p in "${HOG_PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; rm -f "$RESULTS"; }
trap cleanup EXIT

run() {  # condition, config index
  local condition=$1 index=$2 label env extra out
  IFS='|' read -r label env extra <<< "${CONFIGS[$index]}"
  local cmd=("$P2GAN" bench --verbosity minimal --steps "$STEPS" --warmup "$WARMUP" --batch "$BATCH" --base-channels "$BASE_CHANNELS"
             --noise-dim "$NOISE_DIM" --posterior-dim "$POSTERIOR_DIM")
  # shellcheck disable=SC2206
  [ -n "$extra" ] && cmd+=($extra)
  if [ "$env" = "-" ]; then out=$("${cmd[@]}") || return 1; else out=$(env "$env" "${cmd[@]}") || return 1; fi
  local ips
  ips=$(printf '%s' "$out" | python3 -c 'import json,sys; print(round(json.load(sys.stdin)["train_images_per_second"], 2))')
  printf '%s\t%s\t%s\n' "$condition" "$index" "$ips" >> "$RESULTS"
  printf '  %-6s %-62s %8s img/s\n' "$condition" "$label" "$ips"
}

for round in $(seq 1 "$ROUNDS"); do
  echo "round $round"
  # Alternate the order of the configurations from round to round.
  order=$(seq 0 $((${#CONFIGS[@]} - 1))); [ $((round % 2)) -eq 0 ] && order=$(echo "$order" | tac)
  for i in $order; do run quiet "$i"; done
  for _ in $(seq 1 "$HOGS"); do yes > /dev/null & HOG_PIDS+=($!); done
  sleep 1
  for i in $order; do run load "$i"; done
  for p in "${HOG_PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  HOG_PIDS=()
done

echo
python3 - "$RESULTS" "${CONFIGS[@]}" <<'PY'
import statistics, sys
rows = [line.split("\t") for line in open(sys.argv[1]).read().split("\n") if line]
labels = [c.split("|")[0] for c in sys.argv[2:]]
for condition in ("quiet", "load"):
    medians = {}
    for i, label in enumerate(labels):
        values = [float(v) for c, k, v in rows if c == condition and int(k) == i]
        medians[label] = statistics.median(values)
    best = max(medians.values())
    print(f"{condition}: median train images/s over rounds (relative to the best)")
    for label, m in medians.items():
        print(f"  {label:<62} {m:8.2f}   {m / best:5.2f}")
PY
