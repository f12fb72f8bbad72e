"""A fitted model (fastnmf_model*): projects frames, or a whole scan with [·]_H, onto W."""
import ctypes as C

import numpy as np

from . import _abi
from ._library import LIB, check


class Model:
    """Owns one model handle (destroyed with the object). One call at a time."""

    def __init__(self, handle):
        self._handle = handle

    @classmethod
    def create(cls, w, detector_shape, mask, map_constraint, kernel):
        """A model from W (k × n_features), the mask (uint8 per pixel, or None), FASTNMF_H_* and kernel weights."""
        w = np.ascontiguousarray(w, dtype=np.float32)
        k = w.shape[0]
        kernel = None if kernel is None else np.ascontiguousarray(kernel, dtype=np.float32)
        handle = C.c_void_p()
        check(LIB.fastnmf_model_create(
            w.ctypes.data_as(C.POINTER(C.c_float)), k, detector_shape[0], detector_shape[1],
            None if mask is None else mask.ctypes.data_as(C.POINTER(C.c_uint8)), map_constraint,
            None if kernel is None else kernel.ctypes.data_as(C.POINTER(C.c_float)),
            0 if kernel is None else kernel.shape[0], C.byref(handle)))
        return cls(handle)

    def info(self):
        info = _abi.ModelInfo()
        info.struct_size = C.sizeof(_abi.ModelInfo)
        check(LIB.fastnmf_model_get_info(self._handle, C.byref(info)))
        return info

    def kernel(self):
        """The map kernel's weights, size × size."""
        size = self.info().kernel_size
        weights = np.empty((size, size), dtype=np.float32)
        check(LIB.fastnmf_model_get_kernel(self._handle, weights.ctypes.data_as(C.POINTER(C.c_float)), weights.size, None))
        return weights

    def project(self, frames, threads, whole_maps):
        """frames' maps, (n_samples, k) float32: with whole_maps the scan's projection with [·]_H over complete maps,
        else frame by frame."""
        k = self.info().components
        n = frames.n_samples
        if whole_maps:
            h = np.empty((k, n), dtype=np.float32)
            run = LIB.fastnmf_model_project_scan_u16 if frames.is_uint16 else LIB.fastnmf_model_project_scan_f32
            check(run(self._handle, frames.pointer(), frames.length(), C.byref(frames.layout), threads,
                      h.ctypes.data_as(C.POINTER(C.c_float)), h.size, None, 0))
            return np.ascontiguousarray(h.T)
        a = frames.array.reshape(n, frames.n_features) if frames.array.ndim == 4 else frames.array
        item = a.itemsize
        if a.strides[1] != item:
            a = np.ascontiguousarray(a)
        stride = a.strides[0] // item
        h = np.empty((n, k), dtype=np.float32)
        run = LIB.fastnmf_model_project_u16 if a.dtype == np.uint16 else LIB.fastnmf_model_project_f32
        kind = C.c_uint16 if a.dtype == np.uint16 else C.c_float
        check(run(self._handle, a.ctypes.data_as(C.POINTER(kind)), n, stride, h.ctypes.data_as(C.POINTER(C.c_float)),
                  h.size, None, 0))
        return h

    def __del__(self):
        handle, self._handle = getattr(self, "_handle", None), None
        if handle and LIB is not None:
            LIB.fastnmf_model_destroy(handle)
