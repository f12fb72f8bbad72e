"""ConstrainedNMF on the paper's set and on small arrays: recovery, every input form, the CLI's bits, errors."""
import os
import pickle
import subprocess
import sys

import numpy as np
import pytest

import fastnmf
from fastnmf import _data

from conftest import CLI, assert_recovers_truth, require

SHAPES = dict(scan_shape=(36, 36), detector_shape=(128, 128))


def small(seed=0, scan=(12, 12), det=(16, 16)):
    return fastnmf.simulate(scan, det, crystals=1, dose=2000, seed=seed)


def quick(**kw):
    params = dict(n_components=2, max_iter=40, n_restarts=2, random_state=3, n_jobs=1)
    params.update(kw)
    return fastnmf.ConstrainedNMF(**params)


@pytest.fixture(scope="module")
def fitted(paper):
    x, *_ = paper
    m = fastnmf.ConstrainedNMF(4, max_iter=150, n_restarts=2, random_state=1, **SHAPES)
    h = m.fit_transform(x.reshape(36 * 36, -1))
    return m, h


def test_recovers_the_papers_four_components(paper, fitted):
    _, true_w, true_h, _, _ = paper
    m, h = fitted
    assert m.components_.shape == (4, 128 * 128) and h.shape == (36 * 36, 4)
    assert_recovers_truth(m.components_, h.T, true_w, true_h)
    assert m.n_iter_ == 150 and len(m.history_["mse"]) == 150
    assert m.history_["delta_w"][-1] < m.history_["delta_w"][1]
    np.testing.assert_allclose(m.components_.sum(axis=1), 1, rtol=1e-4)


def test_reconstruction_error_is_the_frobenius_norm_of_the_residual(paper, fitted):
    x, *_ = paper
    m, h = fitted
    residual = x.reshape(36 * 36, -1).astype(np.float64) - m.inverse_transform(h).astype(np.float64)
    assert m.reconstruction_err_ == pytest.approx(np.linalg.norm(residual), rel=1e-3)
    assert m.mse_ == pytest.approx(np.mean(residual ** 2), rel=1e-3)


def test_transform_of_the_fitted_data_gives_the_fitted_maps(paper, fitted):
    x, *_ = paper
    m, h = fitted
    again = m.transform(x.reshape(36 * 36, -1))
    assert np.abs(again - h).max() <= 1e-4 * h.max()
    # A 4-D array brings its own shapes.
    assert np.abs(m.transform(x) - h).max() <= 1e-4 * h.max()


def test_same_bits_as_the_cli_with_the_same_kernels(paper):
    x, _, _, _, path = paper
    require(os.access(CLI, os.X_OK), "the fastnmf CLI is not built")
    m = fastnmf.ConstrainedNMF(4, max_iter=20, n_restarts=2, random_state=3).fit(x)
    # The library is compiled for x86-64-v3 (AVX2): the CLI's JIT, held to the same instructions, gives the same bits.
    out = os.path.join(os.path.dirname(path), "cli-k4")
    env = dict(os.environ, DOTNET_EnableAVX512="0")
    subprocess.run([CLI, "factorize", path, "-k", "4", "--iterations", "20", "--restarts", "2", "--seed", "3",
                    "--report", "false", "--out", out], check=True, capture_output=True, env=env, timeout=300)
    assert np.array_equal(np.load(os.path.join(out, "W.npy")).reshape(4, -1), m.components_)
    assert np.array_equal(np.load(os.path.join(out, "H.npy")), m.maps_)


def test_every_input_form_gives_the_same_bits(tmp_path):
    x4 = small()
    x2 = x4.reshape(144, 256)
    shapes = dict(scan_shape=(12, 12), detector_shape=(16, 16))
    ref = quick(**shapes).fit(x2).components_
    path = tmp_path / "x.npy"
    np.save(path, x4)
    mapped = np.load(path, mmap_mode="r")
    forms = {
        "4-D": (x4, {}),
        "Fortran order": (np.asfortranarray(x2), shapes),
        "float64": (x2.astype(np.float64), shapes),
        "uint16": (x2.astype(np.uint16), shapes),
        "memory-mapped": (mapped, {}),
        "strided view": (np.concatenate([x2, x2], axis=1)[:, :256], shapes),
        "list": (x2.tolist(), shapes),
    }
    for name, (x, kw) in forms.items():
        got = quick(**kw).fit(x).components_
        assert np.array_equal(got, ref), name


def test_float32_and_uint16_arrays_are_read_in_place(tmp_path):
    x = small().reshape(144, 256)
    for a in (x, x.astype(np.uint16), np.asfortranarray(x)):
        assert _data.frames(a, (12, 12), (16, 16)).array is a
    np.save(tmp_path / "x.npy", x.astype(np.uint16))
    mapped = np.load(tmp_path / "x.npy", mmap_mode="r")
    f = _data.frames(mapped, (12, 12), (16, 16))
    assert f.array is mapped and f.is_uint16


def test_seed_gives_the_same_bits_and_another_seed_other_ones():
    x = small()
    a = quick(random_state=5).fit(x).components_
    b = quick(random_state=5).fit(x).components_
    c = quick(random_state=6).fit(x).components_
    assert np.array_equal(a, b) and not np.array_equal(a, c)
    m = quick(random_state=None).fit(x)
    assert np.array_equal(quick(random_state=m.seed_).fit(x).components_, m.components_)


def test_methods_constraints_kernels_and_mask_change_the_run():
    x = small()
    base = quick().fit(x).components_
    for kw in (dict(method="als"), dict(method="mu"), dict(constraints=("h",)), dict(constraints="w"),
               dict(kernel="lorentzian"), dict(kernel=np.ones((5, 5))), dict(probe_fwhm=4.0),
               dict(fill_route="polar")):
        assert not np.array_equal(quick(**kw).fit(x).components_, base), kw
    mask = np.zeros((16, 16), bool)
    mask[7:9, 7:9] = True
    m = quick(mask=mask).fit(x)
    assert np.all(m.components_[:, mask.reshape(-1)] == 0)
    np.testing.assert_allclose(m.components_.sum(axis=1), 1, rtol=1e-4)
    assert m.analyze().labels.shape == (2,)


def test_amorphous_share_keep_is_the_papers_plain_protocol(paper, fitted):
    x, true_w, *_ = paper
    default, _ = fitted
    plain = fastnmf.ConstrainedNMF(4, max_iter=150, n_restarts=2, random_state=1, amorphous_share="keep", **SHAPES)
    plain.fit(x.reshape(36 * 36, -1))

    def crystal_cosines(w):
        w = w / np.linalg.norm(w, axis=1, keepdims=True)
        t = true_w.reshape(4, -1)
        t = t / np.linalg.norm(t, axis=1, keepdims=True)
        return (t[1:] @ w.T).max(axis=1)

    # The default removes the amorphous share from the crystalline diffractions; the plain protocol leaves it in.
    assert crystal_cosines(default.components_).min() > 0.9
    assert crystal_cosines(plain.components_).max() < 0.8


def test_inverse_transform_and_pickle():
    x = small()
    m = quick().fit(x)
    h = m.transform(x)
    assert m.inverse_transform(h).shape == (144, 256)
    again = pickle.loads(pickle.dumps(m))
    assert np.array_equal(again.transform(x), h)
    assert "n_components=2" in repr(m)


def test_bad_input_is_one_clear_error():
    x = small().reshape(144, 256)
    shapes = dict(scan_shape=(12, 12), detector_shape=(16, 16))
    bad = x.copy()
    bad[30, 17] = np.nan
    with pytest.raises(ValueError, match=r"element \(2, 6, 1, 1\) is NaN"):
        quick(**shapes).fit(bad)
    bad[30, 17] = np.inf
    with pytest.raises(ValueError, match="infinity"):
        quick(**shapes).fit(bad)
    bad[30, 17] = -1
    with pytest.raises(fastnmf.FastNmfValueError, match="negative") as e:
        quick(**shapes).fit(bad)
    assert e.value.status == "BAD_DATA"
    with pytest.raises(ValueError, match="n_components=300"):
        quick(n_components=300, **shapes).fit(x)
    with pytest.raises(ValueError, match="method='svd'"):
        quick(method="svd", **shapes).fit(x)
    with pytest.raises(ValueError, match="amorphous_share='maybe'"):
        quick(amorphous_share="maybe", **shapes).fit(x)
    with pytest.raises(ValueError, match="fill_route='exact'"):
        quick(fill_route="exact", **shapes).fit(x)
    with pytest.raises(ValueError, match="detector_shape"):
        quick(scan_shape=(12, 12)).fit(x)
    with pytest.raises(ValueError, match="scan_shape"):
        quick(scan_shape=(10, 10), detector_shape=(16, 16)).fit(x)
    with pytest.raises(fastnmf.NotFittedError):
        quick().transform(x)
    with pytest.raises(ValueError, match="X has 255 features, but ConstrainedNMF is expecting 256 features"):
        quick(**shapes).fit(x).transform(x[:, :255])
    import scipy.sparse
    with pytest.raises(TypeError, match="sparse"):
        quick(**shapes).fit(scipy.sparse.csr_matrix(x))
    with pytest.raises(ValueError, match="2D array"):
        quick().fit(x[0])


def test_ctrl_c_during_a_fit_cancels_it_cleanly(monkeypatch):
    import builtins
    calls = []

    def interrupt(*args, **kwargs):
        calls.append(args)
        raise KeyboardInterrupt

    monkeypatch.setattr(builtins, "print", interrupt)
    m = quick(verbose=2, max_iter=500)
    with pytest.raises(KeyboardInterrupt, match="interrupted"):
        m.fit(small())
    monkeypatch.undo()
    assert calls and not hasattr(m, "components_")


def test_get_and_set_params_round_trip():
    m = fastnmf.ConstrainedNMF(3, max_iter=7)
    p = m.get_params()
    assert p["n_components"] == 3 and p["max_iter"] == 7 and p["constraints"] == ("w", "h")
    assert fastnmf.ConstrainedNMF(**p).get_params() == p
    assert m.set_params(max_iter=9) is m and m.max_iter == 9
    with pytest.raises(ValueError, match="Invalid parameter"):
        m.set_params(iterations=3)


def test_the_library_reports_itself():
    assert fastnmf.abi_version() == 2
    assert "backend" in fastnmf.describe_backend()
    assert os.path.isfile(fastnmf.library_path)
    assert sys.modules["fastnmf"].__version__


def test_fast_mode_on_the_papers_set_recovers_the_truth_with_the_exact_runs_mse(paper):
    x, true_w, true_h, _, _ = paper
    exact = fastnmf.ConstrainedNMF(4, random_state=0, **SHAPES).fit(x)
    fast = fastnmf.ConstrainedNMF(4, random_state=0, fast=True, **SHAPES).fit(x)
    assert_recovers_truth(fast.components_, fast.maps_, true_w, true_h)
    assert abs(fast.mse_ - exact.mse_) <= 1e-3 * exact.mse_
    assert fast.maps_.shape == (4, 36, 36)


def test_trial_prunes_restarts_and_the_kept_one_is_the_exact_runs(capsys):
    x = small(seed=4)
    exact = quick(n_restarts=4).fit(x)
    capsys.readouterr()
    trial = quick(n_restarts=4, trial_iterations=5, keep_restarts=2, verbose=2).fit(x)
    finished = [line for line in capsys.readouterr().err.splitlines() if "iteration 40/40" in line]
    assert len(finished) == 2, finished  # two restarts went on to the last iteration, two stopped after the trial
    assert trial.n_iter_ == 40
    # On this set the exact run's best restart is among the trial's two: kept, with its unpruned bits.
    assert trial.chosen_restart_ == exact.chosen_restart_
    assert np.array_equal(exact.components_, trial.components_) and np.array_equal(exact.maps_, trial.maps_)
    pruned = quick(n_restarts=4, trial_iterations=5)
    assert pruned.get_params()["trial_iterations"] == 5 and "trial_iterations=5" in repr(pruned)


def test_coarse_scan_runs_the_binned_scan_first():
    x = fastnmf.simulate((16, 16), (16, 16), crystals=1, dose=2000, seed=2)
    exact = quick(max_iter=120).fit(x)
    coarse = quick(max_iter=120, coarse_scan=2, fine_iterations=30).fit(x)
    assert coarse.maps_.shape == (2, 16, 16)
    assert abs(coarse.mse_ - exact.mse_) <= 0.05 * exact.mse_  # a toy scan binned to 8 × 8: within a few percent
    assert not np.array_equal(coarse.components_, exact.components_)


def test_fast_levers_are_checked_in_the_estimators_words():
    x = small()
    with pytest.raises(ValueError, match="keep_restarts=2 needs trial_iterations"):
        quick(keep_restarts=2).fit(x)
    with pytest.raises(ValueError, match="fine_iterations=20 needs coarse_scan"):
        quick(fine_iterations=20).fit(x)
    with pytest.raises(ValueError, match="coarse_scan=1"):
        quick(coarse_scan=1).fit(x)
    with pytest.raises(ValueError, match="trial_iterations=0"):
        quick(trial_iterations=0).fit(x)
    with pytest.raises(ValueError, match="fast='yes'"):
        quick(fast="yes").fit(x)
    # A trial as long as the run: the library refuses it, naming the trial.
    with pytest.raises(ValueError, match="trial_iterations"):
        quick(trial_iterations=40).fit(x)

