"""The paper's simulated data set (Methods, Fig. 10), from the library."""
import ctypes as C

import numpy as np

from . import _abi
from ._library import LIB, check


def simulate(scan_shape=(36, 36), detector_shape=(128, 128), *, crystals=3, dose=1e4, seed=0):
    """The paper's simulated 4D-STEM set as a (scan_rows, scan_cols, det_rows, det_cols) float32 array of counts:
    ``crystals`` crystalline components (1–6) and one amorphous, ``dose`` mean electrons per diffraction (<= 0: the
    noise-free expectation), Poisson noise from ``seed``. The paper's set is the default (36×36 × 128×128, N = 10⁴);
    ``fastnmf simulate --truth DIR`` writes the same data with its true W and H."""
    s = _abi.Simulation()
    check(LIB.fastnmf_simulation_init(C.byref(s), C.sizeof(_abi.Simulation)))
    s.scan_rows, s.scan_cols = (int(v) for v in scan_shape)
    s.det_rows, s.det_cols = (int(v) for v in detector_shape)
    s.crystals, s.dose, s.seed = int(crystals), float(dose), int(seed)
    out = np.empty((s.scan_rows, s.scan_cols, s.det_rows, s.det_cols), dtype=np.float32)
    check(LIB.fastnmf_simulate(C.byref(s), out.ctypes.data_as(C.POINTER(C.c_float)), out.size, None))
    return out
