#!/usr/bin/python3
"""Writes linkage_golden.json: SciPy's linkage matrices and flat-cluster labels for fixed distance matrices, the
golden data of HierarchicalClusteringTests. Run with Debian's python3-scipy (1.10.1 when this was made):

    /usr/bin/python3 tests/FastNmf.Tests/Analysis/Golden/make_linkage_golden.py

Cases: Euclidean distances of random 3-D points (no ties), a matrix of small integers (many ties, which exercise
SciPy's tie-breaking), and 1 - cosine similarity of random non-negative vectors (the kind of distance the analysis
clusters). maxclust cuts are listed only for t <= n - 2: for larger t SciPy 1.10's search never tries the smallest
merge height and returns fewer clusters than its documentation promises (checked below), a case FastNmf answers as
documented instead.
"""
import json
import os

import numpy as np
import scipy
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.spatial.distance import pdist, squareform

rng = np.random.default_rng(20240611)


def cases():
    points = rng.random((12, 3))
    yield "euclidean12", squareform(pdist(points))
    ints = rng.integers(1, 6, size=(10, 10)).astype(float)
    ints = np.triu(ints, 1)
    yield "ties10", ints + ints.T
    vectors = rng.random((9, 40)) ** 3
    unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    similarity = np.clip(unit @ unit.T, -1, 1)
    d = 1 - similarity
    np.fill_diagonal(d, 0)
    d = (d + d.T) / 2
    yield "cosine9", d


out = {"scipy": scipy.__version__, "cases": []}
for name, d in cases():
    n = d.shape[0]
    y = squareform(d, checks=False)
    case = {"name": name, "distances": d.tolist(), "methods": []}
    for method in ["single", "complete", "average", "ward"]:
        z = linkage(y, method=method)
        heights = np.unique(z[:, 2])
        cuts = []
        for t in [0.0, float(np.median(heights)), float(heights[-1]) + 1.0, float(heights[len(heights) // 3])]:
            cuts.append({"criterion": "distance", "t": t, "labels": fcluster(z, t, "distance").tolist()})
        for t in range(1, n - 1):
            cuts.append({"criterion": "maxclust", "t": t, "labels": fcluster(z, t, "maxclust").tolist()})
        # The quirk this golden file leaves out: asking for n - 1 clusters of distinct heights yields fewer.
        if len(heights) == n - 1:
            assert fcluster(z, n - 1, "maxclust").max() < n - 1
        case["methods"].append({"method": method, "linkage": z.tolist(), "cuts": cuts})
    out["cases"].append(case)

path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "linkage_golden.json")
with open(path, "w") as f:
    json.dump(out, f, separators=(",", ":"))
    f.write("\n")
print(f"wrote {path}")
