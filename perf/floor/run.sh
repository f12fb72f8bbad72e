#!/usr/bin/env bash
# The sparse lane kernel's floor on this core (see sparse_lanes_floor.c), next to the managed kernel on the paper's data;
# on an AVX-512 core also the span kernel's (sparse_tile_floor.c) next to the managed products at K = 30 and 300.
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

# The span kernel at k = 30 (one restart, a tile of 32 lanes) and ten restarts batched (K = 300, seven tiles of ≤ 48):
# the C loop's multiply-adds per cycle against the managed products' on the 58×58 simulated set, both on two threads
# for the managed side (per thread: time × 2 / work).
if grep -qw avx512f /proc/cpuinfo; then
  tile=$(dirname "$bin")/sparse_tile_floor
  cc -O3 -mavx512f -mfma -o "$tile" perf/floor/sparse_tile_floor.c
  cc -O3 -mavx512f -mfma -o "$(dirname "$bin")/fma_peak" perf/floor/fma_peak.c
  taskset -c 0 "$(dirname "$bin")/fma_peak"
  taskset -c 0 "$tile"
  out=$(dotnet run -c Release --no-build --project perf/FastNmf.Benchmarks -- phases --sparse-only --rows 30,300 --scan 58)
  echo "$out" | awk '
    /^K = / { k = $3 + 0; split($0, a, "("); split(a[2], b, " "); density = b[1] / 100 }
    /sparse W·Xᵀ/ { match($0, /min [0-9.]+/); ms = substr($0, RSTART + 4, RLENGTH - 4);
      fmas = density * 3364 * 16384 * (k <= 32 ? 32 : 304) / 16;
      printf "managed W·Xᵀ, K = %d, 58×58 set, 2 threads: %.2f ms = %.2f G multiply-adds per second per thread\n", k, ms, fmas / (ms * 1e-3) / 2 / 1e9 }'
fi
