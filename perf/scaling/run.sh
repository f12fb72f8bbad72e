#!/usr/bin/env bash
# Time and peak memory of `fastnmf factorize -k 30` at several scan sizes (128×128 detector, uint16 counts as
# `fastnmf simulate --dtype uint16` writes them), the exact protocol and --fast, each a whole command (read,
# factorize, report) timed by /usr/bin/time:
#   bash perf/scaling/run.sh [DIR] [SIZES…]          (default: 64 128 181 256)
# The exact protocol runs EXACT_ITERATIONS (default 20) iterations × 10 restarts and is extrapolated to 500: the whole
# command's time plus (500 − n)/n × the factorization's iteration time (its iterations are alike); its peak memory is
# the short run's (the storage and workspace are the same). --fast runs whole. Prints one Markdown row per size.
set -euo pipefail
cd "$(dirname "$0")/../.."
dir=${1:-/tmp/fastnmf-scaling}
shift || true
sizes=("$@")
[ $# -gt 0 ] || sizes=(64 128 181 256)
n=${EXACT_ITERATIONS:-20}
mkdir -p "$dir"
dotnet build -c Release -v q -nologo src/FastNmf.Cli >/dev/null
fastnmf=src/FastNmf.Cli/bin/Release/net10.0/fastnmf
echo "| scan | X (uint16) | exact: command (s) | exact: peak (GiB) | --fast: command (s) | --fast: factorization (s) | --fast: peak (GiB) |"
echo "|---|---|---|---|---|---|---|"
for s in "${sizes[@]}"; do
  x="$dir/scan$s.npy"
  [ -e "$x" ] || "$fastnmf" simulate --scan-rows "$s" --scan-cols "$s" --det-rows 128 --det-cols 128 --dtype uint16 --out "$x" >/dev/null
  rm -rf "$dir/e$s" "$dir/f$s"
  /usr/bin/time -f '%e %M' -o "$dir/e$s.time" "$fastnmf" factorize "$x" -k 30 --iterations "$n" --out "$dir/e$s" >/dev/null
  /usr/bin/time -f '%e %M' -o "$dir/f$s.time" "$fastnmf" factorize "$x" -k 30 --fast --out "$dir/f$s" >/dev/null
  /usr/bin/python3 - "$dir" "$s" "$n" <<'PY'
import json, sys
d, s, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
def run(tag):
    wall, kb = open(f"{d}/{tag}{s}.time").read().split()[:2]
    return float(wall), int(kb) / 2**20, json.load(open(f"{d}/{tag}{s}/summary.json"))
ew, ep, es = run("e")
fw, fp, fs = run("f")
iterate = sum(es["phase_seconds"][p] for p in es["phase_seconds"] if p not in ("setup", "statistics", "storage"))
exact = ew + (500 - n) / n * iterate
size = int(s) ** 2 * 128 * 128 * 2 / 2**30
print(f"| {s}×{s} | {size:.2f} GiB | {exact:.0f} (extrapolated from {ew:.1f} s at {n} iterations) | {ep:.2f} | {fw:.0f} | {fs['wall_time_s']:.0f} | {fp:.2f} |")
PY
done
