"""Live scans: the maps while the frames arrive, through the C ABI's fastnmf_live_* (next to a detector, in Python).

``LiveScan.project(estimator, scan_shape)`` projects each pushed frame onto a fitted ``ConstrainedNMF`` (its [·]_H
applied to a scan row once its neighbours are in); ``LiveScan.learn(n_components, detector_shape, scan_shape)``
learns W during the scan from the paper's ALS statistics and, after ``complete()``, ``finish()`` runs the batch
protocol from it. Frames come in any order, each position once, as float32 or uint16 arrays of whole frames.
"""
import ctypes as C
import numbers

import numpy as np

from . import _abi
from ._errors import FastNmfError
from ._library import LIB, check

class LiveScan:
    """One live scan (a fastnmf_live handle, freed with the object). One call at a time: a program that pushes from
    one thread and reads the maps from another must serialise the two."""

    def __init__(self, handle, components, detector_shape, scan_shape, learning):
        self._handle = handle
        self.n_components = components
        self.detector_shape = tuple(detector_shape)
        self.scan_shape = tuple(scan_shape)
        self.learning = learning

    @classmethod
    def project(cls, estimator, scan_shape, *, n_jobs=1):
        """Projection of a ``scan_shape`` scan onto a fitted ``ConstrainedNMF`` (its W, mask and map constraint);
        once complete, the maps equal the estimator's projection of the whole scan bit for bit."""
        estimator._require_fitted()
        rows, cols = _scan(scan_shape)
        handle = C.c_void_p()
        check(LIB.fastnmf_live_create(estimator._projector()._handle, rows, cols, _threads(n_jobs), C.byref(handle)))
        return cls(handle, estimator.components_.shape[0], estimator.detector_shape_, (rows, cols), learning=False)

    @classmethod
    def learn(cls, n_components, detector_shape, scan_shape, *, method="constrained", constraints=("w", "h"),
              mask=None, random_state=0, n_jobs=None, start_frames=0, refresh_frames=0, passes=1, final_passes=8,
              start_iterations=25, finish_iterations=30, forget_factor=1.0):
        """W learned during a ``scan_shape`` scan of ``detector_shape`` frames, k = ``n_components`` (1–64), with the
        paper's protocol (``method``/``constraints`` as ``ConstrainedNMF``). It starts with the batch protocol on the
        first whole scan rows holding ``start_frames`` frames (0: max(8k, 512)), refreshes W every ``refresh_frames``
        (0: a sixteenth of the scan); ``forget_factor`` < 1 lets old frames fade (repeated or in-situ scans)."""
        rows, cols = _scan(scan_shape)
        det_rows, det_cols = (int(v) for v in detector_shape)
        if method not in _abi.METHODS:
            raise ValueError(f"method={method!r}; use 'constrained', 'als' or 'mu'.")
        if not isinstance(n_components, numbers.Integral) or isinstance(n_components, bool):
            raise ValueError(f"n_components={n_components!r} must be an integer from 1 to 64.")
        p = _abi.Params()
        check(LIB.fastnmf_params_init(C.byref(p), C.sizeof(_abi.Params)))
        given = set(constraints or ())
        p.method = _abi.METHODS[method]
        p.components = int(n_components)
        p.threads = _threads(n_jobs)
        p.seed = int(random_state)
        p.diffraction_constraint = _abi.W_DARK_SPOT_FILL if "w" in given else _abi.W_NON_NEGATIVE
        p.map_constraint = _abi.H_CONVOLUTION if "h" in given else _abi.H_NON_NEGATIVE
        learn = _abi.LiveLearnParams()
        check(LIB.fastnmf_live_learn_params_init(C.byref(learn), C.sizeof(_abi.LiveLearnParams)))
        learn.start_frames, learn.refresh_frames = int(start_frames), int(refresh_frames)
        learn.passes, learn.final_passes = int(passes), int(final_passes)
        learn.start_iterations, learn.finish_iterations = int(start_iterations), int(finish_iterations)
        learn.forget_factor = float(forget_factor)
        factorizer = C.c_void_p()
        check(LIB.fastnmf_factorizer_create(C.byref(p), C.byref(factorizer)))
        try:
            if mask is not None:
                m = np.ascontiguousarray(np.asarray(mask).reshape(-1) != 0, dtype=np.uint8)
                check(LIB.fastnmf_factorizer_set_mask(factorizer, m.ctypes.data_as(C.POINTER(C.c_uint8)), det_rows,
                                                      det_cols))
            handle = C.c_void_p()
            check(LIB.fastnmf_live_create_learn(factorizer, C.byref(learn), det_rows, det_cols, rows, cols,
                                                C.byref(handle)))
        finally:
            LIB.fastnmf_factorizer_destroy(factorizer)
        return cls(handle, int(n_components), (det_rows, det_cols), (rows, cols), learning=True)

    def push(self, frames, first_position):
        """Frames for scan positions ``first_position``, … (row-major): an array of whole frames, (n, det_rows,
        det_cols) or (n, det_rows × det_cols), float32 or uint16 (other dtypes are converted to float32)."""
        a = np.asarray(frames)
        pixels = self.detector_shape[0] * self.detector_shape[1]
        if a.size % pixels != 0 or a.size == 0:
            raise ValueError(f"frames of {a.shape} are not whole {self.detector_shape[0]}×{self.detector_shape[1]} frames.")
        if a.dtype != np.uint16:
            a = a.astype(np.float32, copy=False)
        a = np.ascontiguousarray(a)
        count = a.size // pixels
        if a.dtype == np.uint16:
            check(LIB.fastnmf_live_push_u16(self._handle, a.ctypes.data_as(C.POINTER(C.c_uint16)), count, int(first_position)))
        else:
            check(LIB.fastnmf_live_push_f32(self._handle, a.ctypes.data_as(C.POINTER(C.c_float)), count, int(first_position)))

    def mark_lost(self, first_position, count):
        """Positions whose frames will not come (a sequence gap): NaN in the maps, never filled by another frame."""
        check(LIB.fastnmf_live_mark_lost(self._handle, int(first_position), int(count)))

    def complete(self):
        """The scan ended: pending positions are lost (a learning scan refreshes W and makes its final passes)."""
        check(LIB.fastnmf_live_complete(self._handle))

    @property
    def progress(self):
        """Frames received, positions lost, scan rows final and whether the scan is complete, as a dict."""
        received, lost = C.c_int64(), C.c_int64()
        final, done = C.c_int32(), C.c_int32()
        check(LIB.fastnmf_live_get_progress(self._handle, C.byref(received), C.byref(lost), C.byref(final), C.byref(done)))
        return {"received": received.value, "lost": lost.value, "final_rows": final.value, "complete": bool(done.value)}

    def maps(self):
        """The maps so far, (k, scan_rows, scan_cols): 0 where nothing arrived yet, NaN where lost; after
        ``finish()`` the final H."""
        out = np.empty((self.n_components, *self.scan_shape), dtype=np.float32)
        check(LIB.fastnmf_live_get_maps(self._handle, out.ctypes.data_as(C.POINTER(C.c_float)), out.size, None))
        return out

    def residual(self):
        """‖x − W h‖² per position, (scan_rows, scan_cols) (a learning scan's after ``finish()``, on the learned W)."""
        out = np.empty(self.scan_shape, dtype=np.float64)
        check(LIB.fastnmf_live_get_residual(self._handle, out.ctypes.data_as(C.POINTER(C.c_double)), out.size, None))
        return out

    def states(self):
        """Each position's state, (scan_rows, scan_cols) of 'pending', 'received' or 'lost' codes 0, 1, 2 (uint8)."""
        out = np.empty(self.scan_shape, dtype=np.uint8)
        check(LIB.fastnmf_live_get_states(self._handle, out.ctypes.data_as(C.POINTER(C.c_uint8)), out.size, None))
        return out

    def w(self):
        """The W in use, (k, det_rows, det_cols); None while a learning scan waits for its start rows."""
        out = np.empty((self.n_components, *self.detector_shape), dtype=np.float32)
        try:
            check(LIB.fastnmf_live_get_w(self._handle, out.ctypes.data_as(C.POINTER(C.c_float)), out.size, None))
        except FastNmfError as e:
            if e.status == "NO_RESULT":
                return None
            raise
        return out

    def learner(self):
        """A learning scan's counters: start positions, W refreshes, passes, re-seeded components."""
        values = [C.c_int32() for _ in range(4)]
        check(LIB.fastnmf_live_get_learning(self._handle, *(C.byref(v) for v in values)))
        return dict(zip(("start_positions", "refreshes", "passes", "reseeds"), (v.value for v in values)))

    def finish(self):
        """After ``complete()``: the batch protocol from the learned W and H; True if it ran (False when skipped:
        finish_iterations 0, or positions lost)."""
        finished = C.c_int32()
        check(LIB.fastnmf_live_finish(self._handle, C.byref(finished)))
        return bool(finished.value)

    def agreement(self):
        """For each finished diffraction, its cosine with the closest learned one; None without a finish."""
        out = np.empty(self.n_components, dtype=np.float64)
        try:
            check(LIB.fastnmf_live_get_agreement(self._handle, out.ctypes.data_as(C.POINTER(C.c_double)), out.size, None))
        except FastNmfError as e:
            if e.status == "NO_RESULT":
                return None
            raise
        return out

    def __del__(self):
        handle, self._handle = getattr(self, "_handle", None), None
        if handle and LIB is not None:
            LIB.fastnmf_live_destroy(handle)


def _scan(scan_shape):
    rows, cols = (int(v) for v in scan_shape)
    return rows, cols


def _threads(n_jobs):
    if n_jobs in (None, -1, 0):
        return 0
    if not isinstance(n_jobs, numbers.Integral) or n_jobs < 1:
        raise ValueError(f"n_jobs={n_jobs!r}; use a positive number of threads, or None/-1 for all cores.")
    return int(n_jobs)
