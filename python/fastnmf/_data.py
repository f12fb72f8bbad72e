"""Input arrays as the C ABI reads them: a pointer, a length and a fastnmf_layout, without a copy where it can."""
import ctypes as C
from dataclasses import dataclass

import numpy as np

from . import _abi


@dataclass
class Frames:
    """An array of diffractions the library can read in place."""
    array: np.ndarray           # float32 or uint16, kept alive while the library reads it
    layout: _abi.Layout
    scan_shape: tuple
    detector_shape: tuple

    @property
    def n_samples(self):
        return self.scan_shape[0] * self.scan_shape[1]

    @property
    def n_features(self):
        return self.detector_shape[0] * self.detector_shape[1]

    @property
    def is_uint16(self):
        return self.array.dtype == np.uint16

    def pointer(self):
        kind = C.c_uint16 if self.is_uint16 else C.c_float
        return self.array.ctypes.data_as(C.POINTER(kind))

    def length(self):
        """Elements from the first one to one past the last one the layout reaches."""
        item = self.array.itemsize
        reach = sum((n - 1) * (s // item) for n, s in zip(self.array.shape, self.array.strides))
        return reach + 1


def as_array(X, what="X"):
    """X as a NumPy array of float32 or uint16 (uint16 and float32 as given, other numbers converted), refusing what
    the library cannot read with scikit-learn's wording."""
    if hasattr(X, "toarray") or type(X).__module__.startswith("scipy.sparse"):
        raise TypeError(f"A sparse matrix was passed as {what}, but dense data is required. "
                        "Use X.toarray() to convert to a dense numpy array.")
    a = X if isinstance(X, np.ndarray) else np.asarray(X)
    if a.dtype.kind == "c":
        raise ValueError(f"Complex data not supported: {what} is {a.dtype}.")
    if a.dtype == np.float32 or a.dtype == np.uint16:
        return a
    if a.dtype.kind not in "biuf":
        try:
            return a.astype(np.float32)
        except TypeError as e:
            raise TypeError(f"{what} of dtype {a.dtype} cannot be read as numbers: {e}") from None
        except ValueError as e:
            raise ValueError(f"{what} of dtype {a.dtype} cannot be read as numbers: {e}") from None
    return a.astype(np.float32)


def _readable(a):
    """a itself when its strides are non-negative multiples of its item size, else a C-ordered copy."""
    if a.size and all(s >= 0 and s % a.itemsize == 0 for s in a.strides):
        return a
    return np.ascontiguousarray(a)


def frames(X, scan_shape=None, detector_shape=None, what="X"):
    """X (n_samples × n_features, samples = scan positions in scan order; or 4-D (scan_rows, scan_cols, det_rows,
    det_cols)) as Frames. A 2-D X without scan_shape is one column of scan positions; without detector_shape, one row
    of pixels."""
    a = as_array(X, what)
    if a.ndim == 4:
        scan, det = tuple(a.shape[:2]), tuple(a.shape[2:])
        if scan_shape is not None and tuple(scan_shape) != scan:
            raise ValueError(f"{what} is {a.shape}: its scan is {scan}, but scan_shape is {tuple(scan_shape)}.")
        if detector_shape is not None and tuple(detector_shape) != det:
            raise ValueError(f"{what} is {a.shape}: its detector is {det}, but detector_shape is {tuple(detector_shape)}.")
        a4 = a
    elif a.ndim == 2:
        n_samples, n_features = a.shape
        if n_samples < 1:
            raise ValueError(f"Found array with 0 sample(s) (shape={a.shape}) while a minimum of 1 is required.")
        if n_features < 1:
            raise ValueError(f"Found array with 0 feature(s) (shape={a.shape}) while a minimum of 1 is required.")
        scan = tuple(scan_shape) if scan_shape is not None else (n_samples, 1)
        det = tuple(detector_shape) if detector_shape is not None else (1, n_features)
        if len(scan) != 2 or scan[0] * scan[1] != n_samples:
            raise ValueError(f"{what} has {n_samples} samples (scan positions), but scan_shape {scan} holds "
                             f"{scan[0] * scan[1] if len(scan) == 2 else '?'}.")
        if len(det) != 2 or det[0] * det[1] != n_features:
            raise ValueError(f"{what} has {n_features} features (detector pixels), but detector_shape {det} holds "
                             f"{det[0] * det[1] if len(det) == 2 else '?'}.")
        a = _readable(a)
        item = a.itemsize
        s0, s1 = a.strides[0] // item, a.strides[1] // item
        layout = _abi.Layout(C.sizeof(_abi.Layout), scan[0], scan[1], det[0], det[1], 0,
                             scan[1] * s0, s0, det[1] * s1, s1)
        return Frames(a, layout, scan, det)
    else:
        raise ValueError(f"Expected 2D array (n_samples, n_features) or a 4-D scan, got {a.ndim}D array instead: "
                         f"shape {a.shape}. Reshape your data, e.g. X.reshape(-1, n_features) or X.reshape(1, -1).")
    a4 = _readable(a4)
    item = a4.itemsize
    strides = [s // item for s in a4.strides]
    layout = _abi.Layout(C.sizeof(_abi.Layout), *a4.shape, 0, *strides)
    return Frames(a4, layout, scan, det)
