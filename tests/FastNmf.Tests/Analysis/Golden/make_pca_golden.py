#!/usr/bin/python3
"""Writes pca_golden.json: NumPy's squared singular values of small deterministic X matrices (the same integer counts
PcaTests builds, masked the same way) and the rank-k MSEs, the cross-check of Pca.Spectrum. Run with Debian's python3:

    /usr/bin/python3 tests/FastNmf.Tests/Analysis/Golden/make_pca_golden.py

X is frame-major (one row per scan position j, one column per kept detector pixel u); the value at (j, pixel p) is the
integer count ((h >> 28) & 15) + (3 if j % 5 == p % 4 else 0), h = ((j*7919 + p*104729 + j*p*31) * 2654435761) mod 2^32
(a multiplicative hash: X has full rank), as float32. MSE_k = (||X||^2 -
sum_{i<=k} s_i^2) / (n_uv * n_xy), uncentred (no mean is removed: NMF has none). scikit-learn's TruncatedSVD (also
uncentred) gives the same singular values (asserted below); its PCA centres the data and would not.
"""
import json
import os

import numpy as np
from sklearn.decomposition import TruncatedSVD


def counts(scan, det_rows, det_cols, masked):
    n_xy = scan
    pixels = [p for p in range(det_rows * det_cols) if not masked(p // det_cols, p % det_cols)]
    x = np.zeros((n_xy, len(pixels)), dtype=np.float32)
    for j in range(n_xy):
        for i, p in enumerate(pixels):
            h = ((j * 7919 + p * 104729 + j * p * 31) * 2654435761) % 4294967296
            x[j, i] = ((h >> 28) & 15) + (3 if j % 5 == p % 4 else 0)
    return x


cases = [
    # name, scan rows, scan cols, det rows, det cols, mask radius about (rows/2, cols/2) (pixels with r^2 <= radius^2)
    ("frames_fewer", 9, 8, 12, 10, 2.0),
    ("pixels_fewer", 16, 16, 8, 8, 0.0),
]
out = {"numpy": np.__version__, "cases": []}
for name, sr, sc, dr, dc, radius in cases:
    def masked(r, c):
        return radius > 0 and (r - dr // 2) ** 2 + (c - dc // 2) ** 2 <= radius * radius

    x = counts(sr * sc, dr, dc, masked).astype(np.float64)
    s2 = np.linalg.svd(x, compute_uv=False) ** 2
    svd = TruncatedSVD(n_components=min(x.shape) - 1, algorithm="arpack").fit(x)
    assert np.allclose(svd.singular_values_ ** 2, s2[: min(x.shape) - 1], rtol=1e-9), "scikit-learn disagrees with NumPy"
    total = float((x * x).sum())
    n = x.shape[0] * x.shape[1]
    k = min(x.shape) - 1
    mse = [(total - float(s2[:i].sum())) / n for i in range(k + 1)]
    out["cases"].append({"name": name, "scan_rows": sr, "scan_cols": sc, "det_rows": dr, "det_cols": dc, "mask_radius": radius,
                         "n_uv": x.shape[1], "eigenvalues": s2[:k].tolist(), "sum_of_squares": total, "mse": mse})

path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "pca_golden.json")
with open(path, "w") as f:
    json.dump(out, f, separators=(",", ":"))
    f.write("\n")
print(f"wrote {path}")
