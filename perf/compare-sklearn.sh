#!/usr/bin/env bash
# Side by side, in one run, on the same .npy (the paper's simulated data set, 36x36x128x128, k = 4):
# scikit-learn NMF (CD and MU; float32, tol=0, init='random', one restart) and FastNmf (MU, ALS, constrained; 10
# restarts advancing together), at the same iteration count. Prints ms per restart-iteration, the final MSE and the
# ratio to scikit-learn's CD, then the roofline: read bandwidth vs one pass over X, measured in the same run.
#   ITERATIONS=500 bash perf/compare-sklearn.sh      (default 500; CI runs a short 50)
set -euo pipefail
cd "$(dirname "$0")/.."
ITERATIONS=${ITERATIONS:-500}
RESTARTS=${RESTARTS:-10}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
dotnet build -c Release -v q -nologo FastNmf.sln >/dev/null
fastnmf() { dotnet run -c Release --no-build --project src/FastNmf.Cli -- "$@"; }

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
  fastnmf factorize "$work/sim.npy" -k 4 --method "$method" --iterations "$ITERATIONS" --restarts "$RESTARTS" --out "$work/$method" >/dev/null
  /usr/bin/python3 - "$work/$method/summary.json" "$method" "$RESTARTS" >> "$work/sklearn.tsv" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
print(f"FastNmf {sys.argv[2]} ({sys.argv[3]} restarts, {s['storage']}, backend {s['backend']})\t{s['ms_per_restart_iteration']:.3f}\t{s['final_mse']:.6f}\t{s['wall_time_s']:.2f}")
PY
done

echo "iterations per restart: $ITERATIONS (scikit-learn: 1 restart; FastNmf: $RESTARTS restarts, time divided by restarts)"
/usr/bin/python3 - "$work/sklearn.tsv" <<'PY'
import sys
rows = [line.rstrip("\n").split("\t") for line in open(sys.argv[1])]
cd = float(rows[0][1])
print(f"{'':58}{'ms/restart-iter':>16}{'final MSE':>12}{'wall s':>9}{'vs sklearn CD':>15}")
for name, ms, mse, wall in rows:
    print(f"{name:58}{float(ms):16.3f}{float(mse):12.6f}{float(wall):9.2f}{cd / float(ms):14.1f}x")
PY
echo -n "roofline: "
dotnet run -c Release --no-build --project perf/FastNmf.Benchmarks -- roofline | paste -sd ';' | sed 's/;/; /g'
