#!/usr/bin/env bash
# bench/quality.sh: the results table of docs/results.md (issue #13). Trains every row of the
# grid (P2GAN, its three baselines in the same networks, and its ablations) with every seed for
# the same step budget on Fashion-MNIST, evaluates each run at the end (FMNIST-FID, KID,
# precision/recall; 10,000 samples against the test split, the trainer's default codes) and
# writes a markdown table with mean +- std over the seeds and the mean training time.
#
# Resumable: a finished run (its eval line in metrics.jsonl) is read, not trained again; an
# interrupted one continues from its newest checkpoint (p2gan train --resume). Runs use a copy of
# the built tool taken at the start, so rebuilding during a grid does not change it.
#
# Usage: bench/quality.sh [--steps N] [--seeds "1 2 3"] [--rows "p2gan lsgan ..."] [--out DIR]
#                         [--options "p2gan train options"] [--dataset SPEC] [--list]
# Defaults: 1000 steps of the cpu-small preset (batch 64), seeds 1 2 3, every row, out runs/quality,
# Fashion-MNIST from Debian's dataset-fashion-mnist. --options go to every row, before the row's
# own (e.g. "--learning-rate-d 2e-4 --learning-rate-g 2e-4"); give new options a new --out.
# --list prints the rows and exits.
# Writes OUT/results.tsv (one line per run) and OUT/table.md (mean +- std per row, and each row
# minus the p2gan row seed by seed); prints the tables.
# Environment: P2GAN (the p2gan command, default artifacts/bin/p2gan).
# Exit status: 0 when every run succeeded, 1 when one failed, 2 on a bad option.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
P2GAN=${P2GAN:-$ROOT/artifacts/bin/p2gan}
STEPS=1000 SEEDS="1 2 3" OUT=$ROOT/runs/quality DATASET=fashion-mnist:/usr/share/datasets/fashion-mnist ROWS="" OPTIONS=""

# name|options (on top of the cpu-small preset)|what it tests
GRID=(
  "p2gan||P2GAN as the paper states it (closed-form distance, lambda_z 10, statistics AdaIN)"
  "lsgan|--method Lsgan|baseline: LSGAN objective (a=-1, b=1, c=0), scalar SN head, G from P_c"
  "hinge|--method Hinge|baseline: hinge loss with SN (SNGAN), scalar head, G from P_c"
  "non-saturating|--method NonSaturating|baseline: non-saturating loss (DCGAN), scalar SN head, G from P_c"
  "no-promotion|--posterior-promotion 0|ablation: G driven by codes from P_c, not D's posterior of real images"
  "no-latent-loss|--lambda-z 0|ablation: L_z off"
  "sampled-distance|--distance-estimator Sampled|ablation: the sampled distance estimator"
  "affine-adain|--adain-mode Affine|ablation: AdaIN from a per-channel gain and bias"
  "wide-priors|--mu-a -2 --mu-b 2|ablation: priors twice as far apart (P_a = N(-2, 0.5^2), P_b = N(2, 1.5^2))"
  "pretrain|--pretrain-steps 100|ablation: 100 D-only steps first"
)

usage() { sed -n '2,22p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }
die_usage() { echo "quality.sh: $1 (see --help)" >&2; exit 2; }
while [ $# -gt 0 ]; do
  case $1 in
    -h|--help) usage; exit 0 ;;
    --list) for row in "${GRID[@]}"; do IFS='|' read -r name options what <<< "$row"; printf '%-18s %-34s %s\n' "$name" "$options" "$what"; done; exit 0 ;;
    --steps) [ $# -ge 2 ] && [[ $2 =~ ^[1-9][0-9]*$ ]] || die_usage "--steps needs a positive integer"; STEPS=$2; shift 2 ;;
    --seeds) [ $# -ge 2 ] && [[ $2 =~ ^[0-9\ ]+$ ]] || die_usage "--seeds needs numbers, e.g. \"1 2 3\""; SEEDS=$2; shift 2 ;;
    --rows) [ $# -ge 2 ] || die_usage "--rows needs names"; ROWS=$2; shift 2 ;;
    --out) [ $# -ge 2 ] || die_usage "--out needs a folder"; OUT=$2; shift 2 ;;
    --options) [ $# -ge 2 ] || die_usage "--options needs p2gan train options"; OPTIONS=$2; shift 2 ;;
    --dataset) [ $# -ge 2 ] || die_usage "--dataset needs a spec"; DATASET=$2; shift 2 ;;
    *) die_usage "unknown option $1" ;;
  esac
done
if [ -n "$ROWS" ]; then
  for want in $ROWS; do
    printf '%s\n' "${GRID[@]}" | cut -d'|' -f1 | grep -qx "$want" || die_usage "unknown row '$want' (--list shows them)"
  done
fi
[ -x "$P2GAN" ] || { echo "quality.sh: $P2GAN not found; run ./build.sh first" >&2; exit 1; }

mkdir -p "$OUT"
# One folder holds one grid: its finished runs are reused, so other --options need another folder.
if [ -f "$OUT/options" ]; then
  [ "$(cat "$OUT/options")" = "$OPTIONS" ] || { echo "quality.sh: $OUT holds a grid with --options \"$(cat "$OUT/options")\"; give another --out" >&2; exit 2; }
else
  printf '%s' "$OPTIONS" > "$OUT/options"
fi
# A private copy of the tool (and the native library next to it), so a rebuild cannot change a grid.
TOOL=$OUT/.tool
if [ ! -x "$TOOL/bin/p2gan" ]; then
  rm -rf "$TOOL"; mkdir -p "$TOOL"
  cp -r "$(dirname "$P2GAN")" "$TOOL/bin"
  if [ -f "$ROOT/artifacts/native/libp2gan.so" ]; then cp "$ROOT/artifacts/native/libp2gan.so" "$TOOL/bin/"; fi
fi
TOOL_P2GAN=$TOOL/bin/p2gan
RESULTS=$OUT/results.tsv
[ -f "$RESULTS" ] || printf 'row\tseed\tsteps\tfmnist_fid\tkid_mean\tprecision\trecall\ttrain_seconds\n' > "$RESULTS"

# The run's final eval line and training time, as a results.tsv line (nothing when unfinished).
read_result() {  # run dir, row, seed
  python3 - "$1" "$2" "$3" "$STEPS" <<'PY'
import json, sys
run, row, seed, steps = sys.argv[1:]
evals, seconds = None, None
try:
    for line in open(f"{run}/metrics.jsonl"):
        try: r = json.loads(line)
        except ValueError: continue
        if "eval" in r and r["step"] == int(steps): evals = r["eval"]
        elif "elapsed_seconds" in r: seconds = r["elapsed_seconds"]
except FileNotFoundError:
    sys.exit(0)
if evals is not None:
    print("\t".join([row, seed, steps] + [f'{evals[k]:.4f}' for k in ("fmnist_fid", "kid_mean", "precision", "recall")] + [f"{seconds:.1f}"]))
PY
}

failed=0
# Seeds outside, rows inside: a grid cut short still has every row for its first seeds.
for seed in $SEEDS; do
  for row in "${GRID[@]}"; do
    IFS='|' read -r name options what <<< "$row"
    if [ -n "$ROWS" ] && ! printf '%s\n' $ROWS | grep -qx "$name"; then continue; fi
    if awk -F'\t' -v r="$name" -v s="$seed" -v n="$STEPS" '$1==r && $2==s && $3==n {found=1} END {exit !found}' "$RESULTS"; then
      echo "$name seed $seed: done before"; continue
    fi
    run=$OUT/$name-seed$seed-steps$STEPS
    log=$OUT/$name-seed$seed-steps$STEPS.log
    # Finished, but not recorded (the grid was stopped after the run's evaluation): record it.
    line=$(read_result "$run" "$name" "$seed")
    if [ -n "$line" ]; then printf '%s\n' "$line" >> "$RESULTS"; printf '  %s\n' "$line"; continue; fi
    # shellcheck disable=SC2206
    extra=($OPTIONS $options)
    if [ -d "$run/checkpoints" ] && ls "$run/checkpoints"/*.ckpt >/dev/null 2>&1; then
      echo "$name seed $seed: resuming $run"
      cmd=("$TOOL_P2GAN" train --resume "$run")
    else
      echo "$name seed $seed: training $STEPS steps ($what)"
      rm -rf "$run"
      cmd=("$TOOL_P2GAN" train --dataset "$DATASET" --steps "$STEPS" --seed "$seed" --eval-at-end true
           --sample-every 1000000 --checkpoint-every 200 --log-every 100 --run-dir "$run" "${extra[@]}")
    fi
    if ! "${cmd[@]}" > "$log" 2>&1; then
      echo "$name seed $seed: FAILED (see $log)" >&2; failed=1; continue
    fi
    line=$(read_result "$run" "$name" "$seed")
    if [ -z "$line" ]; then echo "$name seed $seed: no final evaluation in $run (see $log)" >&2; failed=1; continue; fi
    printf '%s\n' "$line" >> "$RESULTS"
    printf '  %s\n' "$line"
  done
done

python3 - "$RESULTS" "$STEPS" "$OUT/table.md" <<'PY'
import statistics, sys
path, steps, table = sys.argv[1], int(sys.argv[2]), sys.argv[3]
rows, order = {}, []  # row -> seed -> [fid, kid, precision, recall, seconds]
for line in list(open(path))[1:]:
    f = line.rstrip("\n").split("\t")
    if len(f) < 8 or int(f[2]) != steps: continue
    if f[0] not in rows: order.append(f[0])
    rows.setdefault(f[0], {})[f[1]] = [float(x) for x in f[3:8]]
def cell(values, digits, sign=""):
    m = statistics.mean(values)
    s = statistics.stdev(values) if len(values) > 1 else 0.0
    return f"{m:{sign}.{digits}f} ± {s:.{digits}f}"
out = ["| row | seeds | FMNIST-FID | KID | precision | recall | FMNIST-FID per seed | train s |",
       "|---|---:|---:|---:|---:|---:|---|---:|"]
for name in order:
    seeds = sorted(rows[name], key=int)
    cols = list(zip(*(rows[name][s] for s in seeds)))
    per_seed = ", ".join(f"{rows[name][s][0]:.1f}" for s in seeds)
    out.append(f"| {name} | {', '.join(seeds)} | {cell(cols[0], 1)} | {cell(cols[1], 1)} | {cell(cols[2], 3)} | "
               f"{cell(cols[3], 3)} | {per_seed} | {statistics.mean(cols[4]):.0f} |")
# Every row shares its seeds with p2gan (the same data order, the same initial networks where
# the architecture is the same), so each row also reads seed by seed against it.
if "p2gan" in rows:
    out += ["", "| row | FMNIST-FID minus p2gan's, mean ± std | per seed | lower than p2gan |", "|---|---:|---|---:|"]
    for name in order:
        shared = sorted(set(rows[name]) & set(rows["p2gan"]), key=int)
        if name == "p2gan" or not shared: continue
        d = [rows[name][s][0] - rows["p2gan"][s][0] for s in shared]
        out.append(f"| {name} | {cell(d, 1, '+')} | {', '.join(f'{x:+.1f}' for x in d)} | {sum(x < 0 for x in d)} of {len(d)} |")
text = "\n".join(out) + "\n"
open(table, "w").write(text)
print(f"\n{steps} steps, mean ± std over seeds:\n")
print(text)
PY
exit $failed
