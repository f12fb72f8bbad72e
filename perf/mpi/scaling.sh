#!/usr/bin/env bash
# Strong and weak scaling of `fastnmf factorize --distributed` under Debian's Open MPI on this machine, and what each
# iteration communicates. Usage: perf/mpi/scaling.sh INPUT.npy [OUT.md]
#   INPUT: a uint16 (scan_rows, scan_cols, det_rows, det_cols) .npy with at least 256 scan rows, e.g. the 256×256 ×
#   128×128 set `fastnmf simulate` writes (2 GiB). Strong scaling factorizes scan rows 0:128 on P = 1–4 ranks; weak
#   scaling gives every rank 64 scan rows (P = 1–4: rows 0:64P). One worker thread per rank, so P = 2 fills the 2 cores
#   and P = 3, 4 are oversubscribed (reported as such); P = 1 with 2 threads is the one-process reference.
set -euo pipefail
input=${1:?usage: perf/mpi/scaling.sh INPUT.npy [OUT.md]}
out=${2:-/dev/stdout}
root=$(cd "$(dirname "$0")/../.." && pwd)
fastnmf="$root/src/FastNmf.Cli/bin/Release/net10.0/FastNmf.Cli"
[ -x "$fastnmf" ] || dotnet build "$root/src/FastNmf.Cli" -c Release >/dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
common=(-k 8 --iterations 60 --restarts 1 --seed 1 --report false)

# One run: prints "elapsed_s iterate_s reduce_s kib_per_step collectives_per_step same" from rank 0's output, where
# same says whether W.npy and H.npy equal the one-process reference's byte for byte.
run() {  # $1 = ranks, $2 = scan rows, $3 = threads, $4 = attempt
  local dir log start end
  dir=$(mktemp -d -p "$work")
  log="$dir.log"
  start=$(date +%s.%N)
  if [ "$1" -eq 1 ] && [ "$3" -eq 2 ]; then
    "$fastnmf" factorize "$input" --crop-scan "0:$2,0:" "${common[@]}" --threads 2 --out "$dir" >"$log" 2>&1 || { cat "$log" >&2; exit 1; }
  else
    mpirun.openmpi --oversubscribe --bind-to none --mca btl self,vader -np "$1" \
      "$fastnmf" factorize "$input" --crop-scan "0:$2,0:" "${common[@]}" --threads "$3" --distributed --out "$dir" >"$log" 2>&1 || { cat "$log" >&2; exit 1; }
  fi
  end=$(date +%s.%N)
  local iterate reduce kib calls
  iterate=$(sed -n 's/^wall time \([0-9.]*\) s.*/\1/p' "$log" | head -1)
  reduce=$(sed -n 's/.* \([0-9.]*\) s in collectives.*/\1/p' "$log" | head -1)
  kib=$(sed -n 's/.*collectives and \([0-9.]*\) KiB per step.*/\1/p' "$log" | head -1)
  calls=$(sed -n 's/.*steps, \([0-9.]*\) collectives and.*/\1/p' "$log" | head -1)
  local same=NO
  cmp -s "$dir/W.npy" "$work/reference-$2/W.npy" && cmp -s "$dir/H.npy" "$work/reference-$2/H.npy" && same=yes
  printf '%.1f %s %s %s %s %s\n' "$(echo "$end - $start" | bc)" "$iterate" "${reduce:-0}" "${kib:-0}" "${calls:-0}" "$same"
}

# The faster of two runs (this VM's timings vary by ±20 %); both must match the reference.
best() {  # $1 = ranks, $2 = scan rows, $3 = threads
  local a b
  a=$(run "$1" "$2" "$3" 1)
  b=$(run "$1" "$2" "$3" 2)
  local same=yes
  [[ "$a" == *yes && "$b" == *yes ]] || same=NO
  if (( $(echo "$(echo "$a" | cut -d' ' -f2) <= $(echo "$b" | cut -d' ' -f2)" | bc) )); then echo "${a% *} $same"; else echo "${b% *} $same"; fi
}

cpu=$(lscpu | sed -n 's/^Model name: *//p' | head -1)
{
  echo "# Distributed scaling on $cpu ($(nproc) cores), $(date -u +%F)"
  echo
  echo "\`perf/mpi/scaling.sh $(basename "$input")\`: k = 8, 60 iterations, 1 restart, constrained (the paper's [·]_W and 3×3 [·]_H), uint16 X, Open MPI $(mpirun.openmpi --version | head -1 | awk '{print $NF}') over shared memory, one thread per rank unless noted. Each row is the faster of two runs. Elapsed is the whole job (start, read, factorize, write); iterate is the factorization's wall time; collectives is its time inside MPI (transfer and waiting for the slowest rank)."
  for mode in strong weak; do
    echo
    if [ $mode = strong ]; then echo "## Strong scaling: scan rows 0:128 × 256 (32 768 frames, 1 GiB of uint16)"; else echo "## Weak scaling: 64 scan rows × 256 per rank (256 MiB of uint16 per rank)"; fi
    echo
    echo "| ranks | threads/rank | scan rows | elapsed s | iterate s | P = 1 (1 thread) ÷ this, iterate | collectives s | KiB/step | collectives/step | W, H = 1 process |"
    echo "|---|---|---|---|---|---|---|---|---|---|"
    base=""
    for p in 1 2 3 4; do
      rows=$([ $mode = strong ] && echo 128 || echo $((64 * p)))
      if [ ! -d "$work/reference-$rows" ]; then  # one process, 2 threads: what every run's W.npy must equal
        "$fastnmf" factorize "$input" --crop-scan "0:$rows,0:" "${common[@]}" --threads 2 --out "$work/reference-$rows" >"$work/reference-$rows.log" 2>&1 \
          || { cat "$work/reference-$rows.log" >&2; exit 1; }
      fi
      configs="$p:1"
      [ $p -eq 1 ] && [ $mode = strong ] && configs="1:2 1:1"
      for cfg in $configs; do
        ranks=${cfg%%:*}; threads=${cfg##*:}
        read -r elapsed iterate reduce kib calls same <<<"$(best "$ranks" "$rows" "$threads")"
        [ -z "$base" ] && [ "$threads" -eq 1 ] && base=$iterate
        speed=$([ -n "$base" ] && echo "scale=2; $base / $iterate" | bc || echo "–")
        note=$([ "$ranks" -gt 2 ] && echo " (oversubscribed)" || echo "")
        echo "| $ranks$note | $threads | $rows | $elapsed | $iterate | $speed | $reduce | $kib | $calls | $same |"
      done
    done
  done
} >"$out"
