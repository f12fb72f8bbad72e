"""Inside HyperSpy: s.decomposition(algorithm=ConstrainedNMF(...)) on the paper's 4-D set gives factors and loadings that
recover the truth at the foundation tests' thresholds; and the README's example runs as written."""
import os
import re
import subprocess
import sys

import numpy as np
import pytest

import fastnmf

from conftest import REPO, assert_recovers_truth, require


def _hyperspy():
    try:
        import hyperspy.api as hs
    except ImportError as e:
        require(False, f"HyperSpy is not installed ({e}); Debian: python3-hyperspy")
    return hs


def test_decomposition_recovers_the_papers_components(paper):
    hs = _hyperspy()
    x, true_w, true_h, _, _ = paper
    s = hs.signals.Signal2D(x)  # navigation (36, 36), signal (128, 128)
    estimator = fastnmf.ConstrainedNMF(4, scan_shape=(36, 36), detector_shape=(128, 128), max_iter=150,
                                       n_restarts=2, random_state=1)
    s.decomposition(algorithm=estimator, output_dimension=4, print_info=False)
    factors = s.get_decomposition_factors().data      # (4, 128, 128): the diffractions
    loadings = s.get_decomposition_loadings().data    # (4, 36, 36): the maps
    assert factors.shape == (4, 128, 128) and loadings.shape == (4, 36, 36)
    assert_recovers_truth(factors, loadings, true_w, true_h)
    # The same numbers as the estimator alone.
    np.testing.assert_array_equal(factors.reshape(4, -1), estimator.components_)
    # And the paper's analysis on HyperSpy's factors.
    a = fastnmf.analyze(factors, maps=loadings)
    assert a.diffraction_similarity.shape == (4, 4) and np.allclose(np.diag(a.diffraction_similarity), 1)
    assert a.linkage.shape == (3, 4)


def _readme_block(title):
    text = open(os.path.join(REPO, "README.md"), encoding="utf-8").read()
    m = re.search(r"<!-- " + re.escape(title) + r" -->\s*```python\n(.*?)```", text, re.S)
    assert m, f"README has no python block marked <!-- {title} -->"
    return m.group(1)


@pytest.mark.parametrize("title", ["python-numpy-example", "python-hyperspy-example"])
def test_readme_examples_run_as_written(title, tmp_path):
    if "hyperspy" in title:
        _hyperspy()
    code = _readme_block(title)
    # The fastnmf these tests import (installed, or a checkout's python/ on PYTHONPATH).
    package_parent = os.path.dirname(os.path.dirname(fastnmf.__file__))
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([package_parent, os.environ.get("PYTHONPATH", "")]))
    run = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=600, env=env)
    assert run.returncode == 0, run.stdout + run.stderr
