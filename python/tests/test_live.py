"""LiveScan through the C ABI: a projection pushed row by row in any order equals the estimator's whole-scan
projection bit for bit; a learning scan's W, pushed as uint16 rows, matches a batch fit's; lost frames and misuse."""
import numpy as np
import pytest

import fastnmf


def _worst_match(reference, w):
    r = reference.reshape(reference.shape[0], -1).astype(np.float64)
    m = w.reshape(w.shape[0], -1).astype(np.float64)
    r /= np.linalg.norm(r, axis=1, keepdims=True)
    m /= np.linalg.norm(m, axis=1, keepdims=True)
    return float((r @ m.T).max(axis=1).min())


@pytest.fixture(scope="module")
def scan():
    """A 24×24 scan of 48×48 frames with two crystals (the C ABI's learning test set), float32 counts."""
    return fastnmf.simulate((24, 24), (48, 48), crystals=2, dose=2e4, seed=11)


def test_projection_pushed_in_reverse_row_order_equals_the_whole_scan_projection(scan):
    est = fastnmf.ConstrainedNMF(3, max_iter=40, n_restarts=1, random_state=3).fit(scan)
    live = fastnmf.LiveScan.project(est, (24, 24))
    frames = scan.reshape(24 * 24, 48, 48)
    for row in reversed(range(24)):
        live.push(frames[row * 24:(row + 1) * 24], row * 24)
        if row == 12:
            assert live.progress["final_rows"] == 0, "final rows are a prefix of the scan: rows 0-11 are still pending"
    live.complete()
    whole = est.transform(scan)
    assert live.progress == {"received": 576, "lost": 0, "final_rows": 24, "complete": True}
    np.testing.assert_array_equal(live.maps().reshape(3, -1).T, whole)
    assert np.array_equal(live.w().reshape(3, -1), est.components_)


def test_learning_from_uint16_rows_matches_a_batch_fit_and_the_finish_reaches_it(scan):
    # Live learning runs the paper's plain protocol: the batch fit it is held to does too.
    batch = fastnmf.ConstrainedNMF(3, max_iter=150, n_restarts=2, random_state=3, amorphous_share="keep").fit(scan)
    live = fastnmf.LiveScan.learn(3, (48, 48), (24, 24), random_state=3, start_frames=96, refresh_frames=48,
                                  finish_iterations=20)
    counts = scan.reshape(24 * 24, 48 * 48).astype(np.uint16)
    assert live.w() is None, "no W before the start rows"
    for row in range(24):
        live.push(counts[row * 24:(row + 1) * 24], row * 24)
    live.complete()
    learned = live.w()
    assert live.learner()["refreshes"] >= 5
    assert _worst_match(batch.components_, learned) >= 0.98
    assert live.finish() is True
    assert _worst_match(batch.components_, live.w()) >= 0.99
    assert np.all(live.agreement() > 0.9)
    maps = live.maps()
    assert maps.shape == (3, 24, 24) and np.all(np.isfinite(maps)) and maps.max() > 0


def test_lost_frames_skip_the_finish_and_misuse_is_one_clear_error(scan):
    live = fastnmf.LiveScan.learn(3, (48, 48), (24, 24), random_state=1, start_frames=96, refresh_frames=48)
    frames = scan.reshape(24 * 24, 48, 48)
    live.push(frames[:300], 0)
    live.mark_lost(300, 2)
    with pytest.raises(fastnmf.FastNmfValueError, match="already received"):
        live.push(frames[5:6], 5)
    with pytest.raises(ValueError, match="not whole 48×48 frames"):
        live.push(np.zeros((3, 10)), 302)
    live.push(frames[302:], 302)
    with pytest.raises(fastnmf.FastNmfValueError, match="not complete"):
        live.finish()
    live.complete()
    assert live.finish() is False
    assert live.agreement() is None
    assert np.isnan(live.maps()[0].reshape(-1)[300])
    assert live.states().reshape(-1)[300:303].tolist() == [2, 2, 1]
    with pytest.raises(ValueError, match="n_components"):
        fastnmf.LiveScan.learn(2.5, (48, 48), (24, 24))
    with pytest.raises(fastnmf.FastNmfValueError, match="k = 65"):
        fastnmf.LiveScan.learn(65, (48, 48), (24, 24))
