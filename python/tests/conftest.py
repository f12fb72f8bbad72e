"""Shared data for the Python tests: the paper's simulated set with its truth (written by the fastnmf CLI)."""
import itertools
import json
import os
import subprocess

import numpy as np
import pytest

REPO = os.path.normpath(os.path.join(os.path.dirname(__file__), "..", ".."))
CLI = os.path.join(REPO, "src", "FastNmf.Cli", "bin", "Release", "net10.0", "fastnmf")


def require(condition, reason):
    """Skips the test where something it needs is missing; under FASTNMF_REQUIRE_PYTHON=1 (CI) that is a failure."""
    if condition:
        return
    if os.environ.get("FASTNMF_REQUIRE_PYTHON") == "1":
        pytest.fail(reason + " (FASTNMF_REQUIRE_PYTHON=1)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def paper(tmp_path_factory):
    """(X 4-D float32, true W (4, 128·128), true H (4, 36·36), names, the .npy path) of the paper's set, seed 1."""
    require(os.access(CLI, os.X_OK), f"the fastnmf CLI is not built ({CLI}): dotnet build -c Release")
    d = tmp_path_factory.mktemp("paper")
    subprocess.run([CLI, "simulate", "--out", str(d / "sim.npy"), "--truth", str(d / "truth"), "--seed", "1"],
                   check=True, capture_output=True, timeout=300)
    x = np.load(d / "sim.npy")
    w = np.load(d / "truth" / "W_true.npy").reshape(4, -1)
    h = np.load(d / "truth" / "H_true.npy").reshape(4, -1)
    names = json.loads((d / "truth" / "truth.json").read_text())["components"]
    return x, w, h, names, str(d / "sim.npy")


def _cosine(a, b):
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))


def _pearson(a, b):
    return float(np.corrcoef(np.asarray(a, np.float64), np.asarray(b, np.float64))[0, 1])


def _remove_share(v, basis):
    v, basis = np.asarray(v, np.float64), np.asarray(basis, np.float64)
    bb = basis @ basis
    return v - (v @ basis / bb if bb > 0 else 0.0) * basis


def assert_recovers_truth(diffractions, maps, true_w, true_h):
    """The foundation tests' thresholds (tests/FastNmf.Tests/Factorization/RecoveryTests.cs): each true component
    matched (best sum of diffraction cosine and map Pearson) by its own found one; amorphous diffraction cosine
    >= 0.99; each crystal's map Pearson >= 0.98 and diffraction cosine >= 0.95 once the amorphous share is removed."""
    w, h = np.asarray(diffractions).reshape(len(diffractions), -1), np.asarray(maps).reshape(len(maps), -1)
    kt, kf = len(true_w), len(w)
    cos = np.array([[_cosine(true_w[t], w[f]) for f in range(kf)] for t in range(kt)])
    pear = np.array([[_pearson(true_h[t], h[f]) for f in range(kf)] for t in range(kt)])
    best = max(itertools.permutations(range(kf), kt), key=lambda p: sum(cos[t, p[t]] + pear[t, p[t]] for t in range(kt)))
    assert len(set(best)) == kt
    assert cos[0, best[0]] >= 0.99, f"amorphous diffraction cosine {cos[0, best[0]]:.4f}"
    for t in range(1, kt):
        cleared = _cosine(_remove_share(true_w[t], true_w[0]), _remove_share(w[best[t]], true_w[0]))
        assert pear[t, best[t]] >= 0.98, f"component {t}: map Pearson {pear[t, best[t]]:.4f}"
        assert cleared >= 0.95, f"component {t}: diffraction cosine without the amorphous share {cleared:.4f}"
    return best
