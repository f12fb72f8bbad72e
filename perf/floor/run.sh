#!/usr/bin/env bash
# The sparse lane kernel's floor on this core (see sparse_lanes_floor.c), next to the managed kernel on the paper's data.
#   bash perf/floor/run.sh
# Both on one thread, so the numbers compare directly: managed ns per nonzero = the W·Xᵀ minimum / nonzeros (the minimum
# includes moving W into the lane layout, ~0.5 ms).
set -euo pipefail
cd "$(dirname "$0")/../.."
if ! grep -qw avx2 /proc/cpuinfo || ! grep -qw fma /proc/cpuinfo; then
  echo "this core has no AVX2+FMA; the floor probe is an AVX2 kernel" >&2
  exit 2
fi
bin=$(mktemp -d)/sparse_lanes_floor
trap 'rm -rf "$(dirname "$bin")"' EXIT
cc -O2 -mavx2 -mfma -o "$bin" perf/floor/sparse_lanes_floor.c
dotnet build -c Release -v q -nologo perf/FastNmf.Benchmarks >/dev/null
for run in 1 2 3; do
  taskset -c 0 "$bin"
  out=$(taskset -c 0 dotnet run -c Release --no-build --project perf/FastNmf.Benchmarks -- phases --sparse-only --rows 40)
  density=$(sed -n 's/^K = 40: .*(\([0-9.]*\) % nonzero.*/\1/p' <<<"$out")
  best=$(sed -n 's/^ *sparse W·Xᵀ .*(min \([0-9.]*\)).*/\1/p' <<<"$out")
  awk -v d="$density" -v m="$best" 'BEGIN { printf "managed W·Xᵀ, the same 40 lanes, paper data, 1 thread: %.2f ns per nonzero (min %s ms)\n", m * 1e6 / (d / 100 * 1296 * 16384), m }'
done
