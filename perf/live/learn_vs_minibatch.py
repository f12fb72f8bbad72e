"""Learn mode against scikit-learn's MiniBatchNMF on the same frames, in one run: time and recovery.

    python3 perf/live/learn_vs_minibatch.py [--fastnmf PATH] [--k 4]

The paper's simulated set (36x36 scan, 128x128 detector, seed 1) is streamed in scan order:
  * fastnmf: `fastnmf live --replay sim.npy --learn -k K --finish-iterations 0` (over a loopback Merlin replay, the
    learned W and the scan projected onto it), and the same with the default finish (30 batch iterations);
  * scikit-learn: MiniBatchNMF(K, batch_size = one scan row) with one partial_fit per row in scan order (one pass),
    then transform of every frame.
Both are compared with the truth: each true component matched to one found component (the assignment that maximises
the summed diffraction cosine), with its raw diffraction cosine (a crystal's found diffraction usually carries the
amorphous background, which lowers it) and its map's Pearson correlation.
"""
import argparse
import json
import os
import subprocess
import tempfile
import time

import numpy as np
from scipy.optimize import linear_sum_assignment

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_CLI = os.path.join(HERE, "..", "..", "src", "FastNmf.Cli", "bin", "Release", "net10.0", "fastnmf")


def match(w_true, h_true, w, h):
    """Per true component: (diffraction cosine, map Pearson) of the found one the assignment gives it."""
    def unit(a):
        a = a.astype(np.float64)
        return a / np.maximum(np.linalg.norm(a, axis=1, keepdims=True), 1e-300)
    cos = unit(w_true) @ unit(w).T
    rows, cols = linear_sum_assignment(-cos)
    out = []
    for t, f in zip(rows, cols):
        p = np.corrcoef(h_true[t].astype(np.float64), h[f].astype(np.float64))[0, 1]
        out.append((cos[t, f], p))
    return out


def fastnmf_learn(cli, sim, k, out, finish):
    t = time.perf_counter()
    subprocess.run([cli, "live", "--replay", sim, "--learn", "-k", str(k), "--seed", "1", "--finish-iterations", str(finish),
                    "--out", out], check=True, capture_output=True, timeout=600)
    wall = time.perf_counter() - t
    summary = json.load(open(os.path.join(out, "summary.json")))
    w = np.load(os.path.join(out, "W.npy")).reshape(k, -1)
    h = np.load(os.path.join(out, "H.npy")).reshape(k, -1)
    return wall, summary["stream"]["sustained_frames_per_second"], w, h


def minibatch(x, k, rows, cols):
    from sklearn.decomposition import MiniBatchNMF
    frames = x.reshape(rows * cols, -1)
    m = MiniBatchNMF(n_components=k, batch_size=cols, init="random", random_state=0)
    t = time.perf_counter()
    for r in range(rows):
        m.partial_fit(frames[r * cols:(r + 1) * cols])
    learned = time.perf_counter() - t
    h = m.transform(frames).T
    total = time.perf_counter() - t
    return learned, total, m.components_, h


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--fastnmf", default=DEFAULT_CLI)
    ap.add_argument("--k", type=int, default=4)
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        sim = os.path.join(d, "sim.npy")
        subprocess.run([a.fastnmf, "simulate", "--out", sim, "--truth", os.path.join(d, "truth"), "--seed", "1"], check=True, capture_output=True)
        x = np.load(sim)
        rows, cols = x.shape[:2]
        w_true = np.load(os.path.join(d, "truth", "W_true.npy")).reshape(a.k, -1)
        h_true = np.load(os.path.join(d, "truth", "H_true.npy")).reshape(a.k, -1)
        names = json.load(open(os.path.join(d, "truth", "truth.json")))["components"]
        results = []
        for finish in (0, 30):
            wall, fps, w, h = fastnmf_learn(a.fastnmf, sim, a.k, os.path.join(d, f"learn{finish}"), finish)
            results.append((f"fastnmf live --learn (finish {finish})", wall, f"{fps:.0f} frames/s streamed", match(w_true, h_true, w, h)))
        learned, total, w, h = minibatch(x, a.k, rows, cols)
        results.append(("sklearn MiniBatchNMF, partial_fit per row", total, f"{rows * cols / learned:.0f} frames/s partial_fit", match(w_true, h_true, w, h)))
    print(f"paper's set {x.shape}, k = {a.k}, frames in scan order, one pass; {os.cpu_count()} cores")
    for name, seconds, rate, m in results:
        print(f"{name:44s} {seconds:7.2f} s  ({rate})")
        print("    " + "; ".join(f"{n}: cos {c:.3f}, map {p:.3f}" for n, (c, p) in zip(names, m)))


if __name__ == "__main__":
    main()
