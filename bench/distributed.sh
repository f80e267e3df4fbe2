#!/usr/bin/env bash
# bench/distributed.sh: data-parallel scaling of the train step (docs/benchmarks.md, "Across
# processes"). Each round runs `p2gan bench` once alone and once with --nproc-per-node N (each
# rank with the same --batch, i.e. weak scaling), in alternating order. Prints each run's total
# train images/s and, for the N-rank runs, the collective calls' time and bytes per step; then the
# medians, the scaling efficiency (total images/s of N ranks / (N x those of one process)) and the
# plain ratio of the two totals (what counts when the ranks share one machine's cores).
#
# Usage: bench/distributed.sh [--nproc N] [--rounds N] [--steps N] [--warmup N] [--batch N]
#                             [--base-channels N] [--noise-dim N] [--posterior-dim N]
# Defaults: 2 ranks, the cpu-small networks (c = 16, n = d = 64), batch 32 per rank, 8 steps, 3 rounds.
# Environment: P2GAN (the p2gan command, default artifacts/bin/p2gan).
# Exit status: 0 when every run succeeded, 1 when one failed, 2 on a bad option.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
P2GAN=${P2GAN:-$ROOT/artifacts/bin/p2gan}
NPROC=2 ROUNDS=3 STEPS=8 WARMUP=2 BATCH=32 BASE_CHANNELS=16 NOISE_DIM=64 POSTERIOR_DIM=64

usage() { sed -n '2,12p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }
die_usage() { echo "distributed.sh: $1 (see --help)" >&2; exit 2; }
while [ $# -gt 0 ]; do
  case $1 in
    -h|--help) usage; exit 0 ;;
    --nproc|--rounds|--steps|--warmup|--batch|--base-channels|--noise-dim|--posterior-dim)
      [ $# -ge 2 ] || die_usage "option $1 needs a value"
      [[ $2 =~ ^[0-9]+$ ]] || die_usage "invalid value '$2' for $1: a non-negative integer"
      name=$(echo "${1#--}" | tr 'a-z-' 'A-Z_'); printf -v "$name" '%s' "$2"; shift 2 ;;
    *) die_usage "unknown option $1" ;;
  esac
done
[ "$NPROC" -ge 2 ] || die_usage "--nproc must be at least 2"
[ -x "$P2GAN" ] || { echo "distributed.sh: $P2GAN not found; run ./build.sh first" >&2; exit 1; }

RESULTS=$(mktemp)
trap 'rm -f "$RESULTS"' EXIT

run() {  # processes
  local n=$1 out line
  out=$("$P2GAN" bench --verbosity minimal --steps "$STEPS" --warmup "$WARMUP" --batch "$BATCH" --base-channels "$BASE_CHANNELS" \
        --noise-dim "$NOISE_DIM" --posterior-dim "$POSTERIOR_DIM" --nproc-per-node "$n") || return 1
  line=$(printf '%s' "$out" | python3 -c '
import json, sys
r = json.load(sys.stdin)
d = r.get("distributed")
if d is None:
    print(round(r["train_images_per_second"], 2), "-", "-", r["threads"]["intra_op"])
else:
    print(round(d["total_images_per_second"], 2), round(d["communication_ms_per_step"], 2),
          int(d["communication_bytes_per_step"]), r["threads"]["intra_op"])')
  read -r ips ms bytes threads <<< "$line"
  printf '%s\t%s\n' "$n" "$ips" >> "$RESULTS"
  printf '  %d process(es) x %d thread(s): %8s img/s total   collectives %6s ms, %10s bytes per step\n' "$n" "$threads" "$ips" "$ms" "$bytes"
}

for round in $(seq 1 "$ROUNDS"); do
  echo "round $round"
  if [ $((round % 2)) -eq 1 ]; then run 1; run "$NPROC"; else run "$NPROC"; run 1; fi
done

python3 - "$RESULTS" "$NPROC" <<'PY'
import statistics, sys
rows = [line.split("\t") for line in open(sys.argv[1]) if line.strip()]
n = int(sys.argv[2])
one = statistics.median(float(r[1]) for r in rows if r[0] == "1")
many = statistics.median(float(r[1]) for r in rows if r[0] == str(n))
print(f"median: 1 process {one:.1f} img/s, {n} processes {many:.1f} img/s total; "
      f"scaling efficiency {many / (n * one):.2f} (1.00 = perfect: each rank as fast as one process); "
      f"{n} processes / 1 process {many / one:.2f} (the ratio that matters when they share one machine's cores)")
PY
