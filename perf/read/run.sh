#!/usr/bin/env bash
# Reading throughput of each uncompressed input format from the page cache (issue 14: ≥ 1 GB/s of file):
#   bash perf/read/run.sh [DIR] [SCAN]
# writes the samples with make_samples.py (once), then reads each through its reader three times (-- read; the later
# passes from the page cache) and prints the passes.
set -euo pipefail
cd "$(dirname "$0")/../.."
dir=${1:-/tmp/fastnmf-read-samples}
scan=${2:-128}
[ -e "$dir/sample.h5" ] || /usr/bin/python3 perf/read/make_samples.py "$dir" "$scan"
dotnet build -c Release -v q -nologo perf/FastNmf.Benchmarks >/dev/null
for f in sample.npy sample.mib sample.xml sample.h5; do
  echo "== $f ($(du -h "$dir/${f/.xml/.raw}" | cut -f1))"
  dotnet run -c Release --no-build --project perf/FastNmf.Benchmarks -- read "$dir/$f" $([ "$f" = sample.mib ] && echo --scan-shape "${scan}x${scan}")
done
