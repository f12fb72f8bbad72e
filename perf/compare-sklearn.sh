#!/usr/bin/env bash
# Side by side, in one run, on the same .npy (the paper's simulated data set, 36x36x128x128, k = 4):
# scikit-learn NMF (CD and MU; float32, tol=0, init='random', one restart) and FastNmf (MU, ALS, constrained; 10
# restarts advancing together), at the same iteration count. Prints ms per restart-iteration, the final MSE and the
# ratio to scikit-learn's CD — for FastNmf the factorization (summary.json), then the whole `factorize` command timed
# around the process (read, factorize, PCA, analysis, report) — then the roofline: read bandwidth vs one pass over X,
# measured in the same run.
#   ITERATIONS=500 bash perf/compare-sklearn.sh      (default 500; CI runs a short 50)
set -euo pipefail
cd "$(dirname "$0")/.."
ITERATIONS=${ITERATIONS:-500}
RESTARTS=${RESTARTS:-10}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
dotnet build -c Release -v q -nologo FastNmf.sln >/dev/null
fastnmf() { src/FastNmf.Cli/bin/Release/net10.0/fastnmf "$@"; }

fastnmf simulate --out "$work/sim.npy" --seed 1 >/dev/null
/usr/bin/python3 - "$work/sim.npy" "$ITERATIONS" > "$work/sklearn.tsv" <<'PY'
import sys, time, warnings
import numpy as np
from sklearn.decomposition import NMF
warnings.filterwarnings("ignore")
data = np.load(sys.argv[1])
iterations = int(sys.argv[2])
X = data.reshape(data.shape[0] * data.shape[1], -1).astype(np.float32)  # samples = scan positions
for solver in ("cd", "mu"):
    model = NMF(n_components=4, init="random", solver=solver, beta_loss="frobenius", tol=0, max_iter=iterations, random_state=0)
    start = time.perf_counter()
    W = model.fit_transform(X)
    elapsed = time.perf_counter() - start
    mse = float(np.mean((X - W @ model.components_) ** 2, dtype=np.float64))
    print(f"scikit-learn {solver.upper()}\t{1000 * elapsed / model.n_iter_:.3f}\t{mse:.6f}\t{elapsed:.2f}")
PY

for method in mu als constrained; do
  start=$(date +%s.%N)
  fastnmf factorize "$work/sim.npy" -k 4 --method "$method" --iterations "$ITERATIONS" --restarts "$RESTARTS" --out "$work/$method" >/dev/null
  end=$(date +%s.%N)
  /usr/bin/python3 - "$work/$method/summary.json" "$method" "$RESTARTS" "$ITERATIONS" "$start" "$end" >> "$work/sklearn.tsv" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
restarts, iterations, command = int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[6]) - float(sys.argv[5])
print(f"FastNmf {sys.argv[2]} ({restarts} restarts, {s['storage']}, backend {s['backend']})\t{s['ms_per_restart_iteration']:.3f}\t{s['final_mse']:.6f}\t{s['wall_time_s']:.2f}")
print(f"  the whole command (read, factorize, PCA, report)\t{1000 * command / (restarts * iterations):.3f}\t\t{command:.2f}")
PY
done

echo "iterations per restart: $ITERATIONS (scikit-learn: 1 restart; FastNmf: $RESTARTS restarts, time divided by restarts)"
/usr/bin/python3 - "$work/sklearn.tsv" <<'PY'
import sys
rows = [line.rstrip("\n").split("\t") for line in open(sys.argv[1])]
cd = float(rows[0][1])
print(f"{'':58}{'ms/restart-iter':>16}{'final MSE':>12}{'wall s':>9}{'vs sklearn CD':>15}")
for name, ms, mse, wall in rows:
    mse = f"{float(mse):12.6f}" if mse else " " * 12
    print(f"{name:58}{float(ms):16.3f}{mse}{float(wall):9.2f}{cd / float(ms):14.1f}x")
PY
echo -n "roofline: "
dotnet run -c Release --no-build --project perf/FastNmf.Benchmarks -- roofline | paste -sd ';' | sed 's/;/; /g'
