"""The C ABI's structs and constants (native/include/fastnmf.h, ABI version 2), as ctypes types."""
import ctypes as C

ABI_VERSION = 2

STATUS_NAMES = {
    0: "OK", 1: "NULL_POINTER", 2: "BAD_STRUCT_SIZE", 3: "INVALID_HANDLE", 4: "INVALID_ARGUMENT", 5: "BAD_LAYOUT",
    6: "BAD_DATA", 7: "NO_RESULT", 8: "BUFFER_TOO_SMALL", 9: "CANCELLED", 10: "NUMERICAL_FAILURE",
    11: "OUT_OF_MEMORY", 12: "BUSY", 13: "BACKEND_UNAVAILABLE", 14: "INTERNAL",
}

METHODS = {"constrained": 0, "als": 1, "mu": 2}
W_NONE, W_NON_NEGATIVE, W_DARK_SPOT_FILL = 0, 1, 2
H_NONE, H_NON_NEGATIVE, H_CONVOLUTION = 0, 1, 2
BACKENDS = {"auto": 0, "managed": 1, "openblas": 2, "mkl": 3}
STORAGES = {"auto": 0, "dense": 1, "sparse": 2, "uint16": 3}
KERNEL_SHAPES = {"gaussian": 0, "lorentzian": 1, "pseudo-voigt": 2}
AMORPHOUS_SHARES = {"remove": 0, "keep": 1}
FILL_ROUTES = {"pixel": 0, "polar": 1}
FAST_OFF, FAST_PRESET = 0, 1
SIMILARITIES = {"diffraction": 0, "cosine": 1}
LINKAGES = {"single": 0, "complete": 1, "average": 2, "ward": 3}


class Params(C.Structure):
    _fields_ = [
        ("struct_size", C.c_uint32), ("method", C.c_int32), ("components", C.c_int32), ("iterations", C.c_int32),
        ("restarts", C.c_int32), ("threads", C.c_int32), ("seed", C.c_uint64),
        ("diffraction_constraint", C.c_int32), ("map_constraint", C.c_int32), ("backend", C.c_int32),
        ("storage", C.c_int32), ("tolerance", C.c_double), ("polar_centre_row", C.c_double),
        ("polar_centre_col", C.c_double), ("phi_samples", C.c_int32), ("batch_restarts", C.c_int32),
        ("outlier_factor", C.c_double),
    ]


class Layout(C.Structure):
    _fields_ = [
        ("struct_size", C.c_uint32), ("scan_rows", C.c_int32), ("scan_cols", C.c_int32), ("det_rows", C.c_int32),
        ("det_cols", C.c_int32), ("reserved", C.c_int32), ("stride_scan_row", C.c_int64),
        ("stride_scan_col", C.c_int64), ("stride_det_row", C.c_int64), ("stride_det_col", C.c_int64),
    ]


class Progress(C.Structure):
    _fields_ = [
        ("struct_size", C.c_uint32), ("restart", C.c_int32), ("iteration", C.c_int32), ("iterations", C.c_int32),
        ("mse", C.c_double), ("delta_w", C.c_double), ("delta_h", C.c_double),
    ]


class ResultInfo(C.Structure):
    _fields_ = [
        ("struct_size", C.c_uint32), ("components", C.c_int32), ("scan_rows", C.c_int32), ("scan_cols", C.c_int32),
        ("det_rows", C.c_int32), ("det_cols", C.c_int32), ("restarts", C.c_int32), ("chosen_restart", C.c_int32),
        ("iterations", C.c_int32), ("first_scan_row", C.c_int32), ("mse", C.c_double),
        ("elapsed_seconds", C.c_double), ("w_length", C.c_uint64), ("h_length", C.c_uint64),
    ]


class AnalysisParams(C.Structure):
    _fields_ = [
        ("struct_size", C.c_uint32), ("cluster_by", C.c_int32), ("linkage", C.c_int32), ("cluster_count", C.c_int32),
        ("distance_threshold", C.c_double), ("amorphous_isotropy", C.c_double),
    ]


class ModelInfo(C.Structure):
    _fields_ = [
        ("struct_size", C.c_uint32), ("components", C.c_int32), ("det_rows", C.c_int32), ("det_cols", C.c_int32),
        ("kept_pixels", C.c_int32), ("map_constraint", C.c_int32), ("kernel_size", C.c_int32),
        ("reserved", C.c_int32), ("centre_row", C.c_double), ("centre_col", C.c_double), ("ridge", C.c_double),
    ]


class Simulation(C.Structure):
    _fields_ = [
        ("struct_size", C.c_uint32), ("scan_rows", C.c_int32), ("scan_cols", C.c_int32), ("det_rows", C.c_int32),
        ("det_cols", C.c_int32), ("crystals", C.c_int32), ("dose", C.c_double), ("seed", C.c_uint64),
    ]


class LiveLearnParams(C.Structure):
    _fields_ = [
        ("struct_size", C.c_uint32), ("start_frames", C.c_int32), ("refresh_frames", C.c_int32), ("passes", C.c_int32),
        ("final_passes", C.c_int32), ("start_iterations", C.c_int32), ("finish_iterations", C.c_int32),
        ("reserved", C.c_int32), ("forget_factor", C.c_double),
    ]


PROGRESS_FN = C.CFUNCTYPE(C.c_int, C.c_void_p, C.POINTER(Progress))
