"""Finds and loads libfastnmf.so and declares the C functions the package calls (native/include/fastnmf.h)."""
import ctypes as C
import os

from . import _abi
from ._errors import FastNmfError, error_for

ENVIRONMENT_VARIABLE = "FASTNMF_LIBRARY"
_HERE = os.path.dirname(os.path.abspath(__file__))

_P = C.c_void_p
_F = C.POINTER(C.c_float)
_D = C.POINTER(C.c_double)
_U16 = C.POINTER(C.c_uint16)
_I32 = C.POINTER(C.c_int32)
_U8 = C.POINTER(C.c_uint8)
_SIZE = C.c_size_t
_SIZEP = C.POINTER(C.c_size_t)
_HANDLE = C.POINTER(C.c_void_p)

# name: argument types; every function returns a status (int) except the three noted in _SPECIAL.
_FUNCTIONS = {
    "fastnmf_describe_backend": [C.c_char_p, _SIZE, _SIZEP],
    "fastnmf_params_init": [C.POINTER(_abi.Params), C.c_uint32],
    "fastnmf_layout_init": [C.POINTER(_abi.Layout), C.c_uint32, C.c_int32, C.c_int32, C.c_int32, C.c_int32],
    "fastnmf_simulation_init": [C.POINTER(_abi.Simulation), C.c_uint32],
    "fastnmf_simulate": [C.POINTER(_abi.Simulation), _F, _SIZE, _SIZEP],
    "fastnmf_factorizer_create": [C.POINTER(_abi.Params), _HANDLE],
    "fastnmf_factorizer_destroy": [_P],
    "fastnmf_factorizer_set_mask": [_P, _U8, C.c_int32, C.c_int32],
    "fastnmf_factorizer_set_kernel": [_P, _F, C.c_int32],
    "fastnmf_factorizer_set_kernel_probe": [_P, C.c_int32, C.c_double, C.c_double, C.c_int32, C.c_double],
    "fastnmf_factorizer_set_protocol": [_P, C.c_int32, C.c_int32],
    "fastnmf_factorizer_set_fast": [_P, C.c_int32, C.c_int32, C.c_int32, C.c_int32, C.c_int32],
    "fastnmf_factorizer_set_progress": [_P, _abi.PROGRESS_FN, _P],
    "fastnmf_factorizer_run_f32": [_P, _F, _SIZE, C.POINTER(_abi.Layout)],
    "fastnmf_factorizer_run_u16": [_P, _U16, _SIZE, C.POINTER(_abi.Layout)],
    "fastnmf_factorizer_get_result_info": [_P, C.POINTER(_abi.ResultInfo)],
    "fastnmf_factorizer_get_w": [_P, _F, _SIZE, _SIZEP],
    "fastnmf_factorizer_get_h": [_P, _F, _SIZE, _SIZEP],
    "fastnmf_factorizer_get_history": [_P, _D, _D, _D, _SIZE, _SIZEP],
    "fastnmf_factorizer_get_model": [_P, _HANDLE],
    "fastnmf_analysis_params_init": [C.POINTER(_abi.AnalysisParams), C.c_uint32],
    "fastnmf_analysis_create": [_F, C.c_int32, C.c_int32, C.c_int32, _U8, _F, C.c_int32, C.c_int32, C.c_double,
                                C.c_double, C.c_int32, C.POINTER(_abi.AnalysisParams), _HANDLE],
    "fastnmf_analysis_get_similarities": [_P, _D, _D, _D, _SIZE, _SIZEP],
    "fastnmf_analysis_get_linkage": [_P, _D, _SIZE, _SIZEP],
    "fastnmf_analysis_get_cluster_labels": [_P, _I32, _SIZE, _SIZEP],
    "fastnmf_analysis_get_cluster_average": [_P, C.c_int32, _F, _SIZE, _SIZEP],
    "fastnmf_analysis_destroy": [_P],
    "fastnmf_model_create": [_F, C.c_int32, C.c_int32, C.c_int32, _U8, C.c_int32, _F, C.c_int32, _HANDLE],
    "fastnmf_model_get_info": [_P, C.POINTER(_abi.ModelInfo)],
    "fastnmf_model_project_f32": [_P, _F, _SIZE, _SIZE, _F, _SIZE, _D, _SIZE],
    "fastnmf_model_project_u16": [_P, _U16, _SIZE, _SIZE, _F, _SIZE, _D, _SIZE],
    "fastnmf_model_project_scan_f32": [_P, _F, _SIZE, C.POINTER(_abi.Layout), C.c_int32, _F, _SIZE, _D, _SIZE],
    "fastnmf_model_project_scan_u16": [_P, _U16, _SIZE, C.POINTER(_abi.Layout), C.c_int32, _F, _SIZE, _D, _SIZE],
    "fastnmf_model_destroy": [_P],
    "fastnmf_live_create": [_P, C.c_int32, C.c_int32, C.c_int32, _HANDLE],
    "fastnmf_live_learn_params_init": [C.POINTER(_abi.LiveLearnParams), C.c_uint32],
    "fastnmf_live_create_learn": [_P, C.POINTER(_abi.LiveLearnParams), C.c_int32, C.c_int32, C.c_int32, C.c_int32,
                                  _HANDLE],
    "fastnmf_live_push_f32": [_P, _F, _SIZE, C.c_int64],
    "fastnmf_live_push_u16": [_P, _U16, _SIZE, C.c_int64],
    "fastnmf_live_mark_lost": [_P, C.c_int64, _SIZE],
    "fastnmf_live_complete": [_P],
    "fastnmf_live_get_progress": [_P, C.POINTER(C.c_int64), C.POINTER(C.c_int64), _I32, _I32],
    "fastnmf_live_get_maps": [_P, _F, _SIZE, _SIZEP],
    "fastnmf_live_get_residual": [_P, _D, _SIZE, _SIZEP],
    "fastnmf_live_get_states": [_P, _U8, _SIZE, _SIZEP],
    "fastnmf_live_get_w": [_P, _F, _SIZE, _SIZEP],
    "fastnmf_live_get_learning": [_P, _I32, _I32, _I32, _I32],
    "fastnmf_live_finish": [_P, _I32],
    "fastnmf_live_get_agreement": [_P, _D, _SIZE, _SIZEP],
    "fastnmf_live_destroy": [_P],
}

_SPECIAL = {
    "fastnmf_get_abi_version": ([], C.c_uint32),
    "fastnmf_last_error": ([], C.c_char_p),
    "fastnmf_status_name": ([C.c_int], C.c_char_p),
}


def candidates():
    """Where the library is looked for, in order: FASTNMF_LIBRARY, the installed package, a checkout's CMake build."""
    found = []
    if os.environ.get(ENVIRONMENT_VARIABLE):
        found.append(os.environ[ENVIRONMENT_VARIABLE])
    found.append(os.path.join(_HERE, "libfastnmf.so"))
    found.append(os.path.normpath(os.path.join(_HERE, "..", "..", "build", "native", "publish", "libfastnmf.so")))
    return found


def _load():
    tried = []
    for path in candidates():
        if not os.path.isfile(path):
            tried.append(f"{path}: not found")
            continue
        try:
            lib = C.CDLL(path)
        except OSError as e:
            tried.append(f"{path}: {e}")
            continue
        missing = [name for name in (*_FUNCTIONS, *_SPECIAL) if not hasattr(lib, name)]
        if missing:
            raise ImportError(f"{path} lacks {', '.join(missing)}: it is older than this package; rebuild the library "
                              "from the same checkout (cmake --build build) and reinstall.")
        for name, argtypes in _FUNCTIONS.items():
            f = getattr(lib, name)
            f.argtypes = argtypes
            f.restype = C.c_int
        for name, (argtypes, restype) in _SPECIAL.items():
            f = getattr(lib, name)
            f.argtypes = argtypes
            f.restype = restype
        version = lib.fastnmf_get_abi_version()
        if version != _abi.ABI_VERSION:
            raise ImportError(f"{path} has ABI version {version}; this package speaks version {_abi.ABI_VERSION}: "
                              "rebuild the library from the same checkout (cmake --build build) and reinstall.")
        return lib, path
    raise ImportError("libfastnmf.so not found. Build it (cmake -S . -B build && cmake --build build) and "
                      f"`pip install ./python`, or set {ENVIRONMENT_VARIABLE}=/path/to/libfastnmf.so. Tried: "
                      + "; ".join(tried))


LIB, PATH = _load()


def check(status):
    """Raises the status's exception with the library's message for a nonzero status (call right after the call,
    on the same thread: the message is thread-local)."""
    if status != 0:
        message = LIB.fastnmf_last_error().decode("utf-8", "replace")
        name = _abi.STATUS_NAMES.get(status, f"status {status}")
        raise error_for(name, message)


def describe_backend():
    """The kernels and backend a run would use here, as the library describes them."""
    n = C.c_size_t(0)
    LIB.fastnmf_describe_backend(None, 0, C.byref(n))
    buffer = C.create_string_buffer(n.value)
    check(LIB.fastnmf_describe_backend(buffer, n.value, None))
    return buffer.value.decode("utf-8")


def abi_version():
    return int(LIB.fastnmf_get_abi_version())


__all__ = ["LIB", "PATH", "check", "describe_backend", "abi_version", "FastNmfError"]
