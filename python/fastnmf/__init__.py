"""FastNmf in Python: the paper's constrained NMF of 4D-STEM data through libfastnmf.so.

``ConstrainedNMF`` is a scikit-learn-style estimator (HyperSpy's ``decomposition(algorithm=...)`` takes it);
``analyze`` is the paper's component analysis; ``LiveScan`` projects frames onto a fitted estimator or learns W while
a scan is recorded. The library is found through FASTNMF_LIBRARY, the installed package,
or a checkout's CMake build (``library_path``).
"""
from ._errors import (FastNmfBackendError, FastNmfCancelled, FastNmfError, FastNmfMemoryError, FastNmfNumericalError,
                      FastNmfValueError, NotFittedError)
from ._library import PATH as library_path
from ._library import abi_version, describe_backend
from .analysis import ComponentAnalysis, analyze
from .estimator import ConstrainedNMF
from .live import LiveScan
from .simulation import simulate

__version__ = "0.3.0"

__all__ = [
    "ConstrainedNMF", "LiveScan", "analyze", "simulate", "ComponentAnalysis", "describe_backend", "abi_version", "library_path",
    "FastNmfError", "FastNmfValueError", "FastNmfCancelled", "FastNmfNumericalError", "FastNmfMemoryError",
    "FastNmfBackendError", "NotFittedError",
]
