"""The paper's analysis (Fig. 9) of any diffractions: similarities, rotations, clustering, cluster averages."""
import ctypes as C
from dataclasses import dataclass, field

import numpy as np

from . import _abi
from ._library import LIB, check


@dataclass
class ComponentAnalysis:
    """What :func:`analyze` finds. Matrices are k × k; ``rotation[i, j]`` is the angle (degrees, counter-clockwise as
    displayed, in (−180, 180]) by which j is rotated relative to i; ``linkage`` is SciPy's (k − 1) × 4 format (ready for
    ``scipy.cluster.hierarchy.dendrogram``); ``labels`` are 1-based flat clusters; ``cluster_averages[label]`` is the
    cluster's members rotated onto its representative and averaged (detector-shaped)."""
    cosine: np.ndarray
    diffraction_similarity: np.ndarray
    rotation: np.ndarray
    linkage: np.ndarray
    labels: np.ndarray
    cluster_averages: dict = field(default_factory=dict)


def analyze(components, detector_shape=None, *, maps=None, mask=None, centre=None, phi_samples=360,
            cluster_by="diffraction", linkage="average", n_clusters=None, distance_threshold=0.5,
            amorphous_isotropy=0.8):
    """Analyses diffractions ``components`` — (k, det_rows, det_cols), or (k, n_features) with ``detector_shape`` —
    from FastNmf or any tool (e.g. HyperSpy's factors, transposed). With ``maps`` (k, scan_rows, scan_cols), clusters
    are represented and averaged by the counts each component explains; without, by medoids and plain means.
    ``cluster_by`` 'diffraction' (rotation-invariant, Eqs. 10–11) or 'cosine' (Eq. 9); ``linkage`` SciPy's 'single',
    'complete', 'average' or 'ward'; the tree is cut at ``distance_threshold`` (1 − similarity) or into at most
    ``n_clusters``."""
    w = np.asarray(components, dtype=np.float32)
    if w.ndim == 3:
        shape = w.shape[1:]
    elif w.ndim == 2 and detector_shape is not None:
        shape = tuple(detector_shape)
    else:
        raise ValueError(f"components has shape {w.shape}: give (k, det_rows, det_cols), or (k, n_features) with "
                         "detector_shape.")
    k = w.shape[0]
    if len(shape) != 2 or shape[0] * shape[1] != w[0].size:
        raise ValueError(f"components hold {w[0].size} pixels each; detector_shape {tuple(shape)} does not.")
    w = np.ascontiguousarray(w.reshape(k, -1))
    m = None if mask is None else np.ascontiguousarray(np.asarray(mask).reshape(-1) != 0, dtype=np.uint8)
    if m is not None and m.size != w.shape[1]:
        raise ValueError(f"mask has {m.size} values; the detector has {w.shape[1]} pixels.")
    h, scan = None, (0, 0)
    if maps is not None:
        h = np.asarray(maps, dtype=np.float32)
        if h.ndim != 3 or h.shape[0] != k:
            raise ValueError(f"maps has shape {h.shape}; give (k, scan_rows, scan_cols) with k = {k}.")
        scan = h.shape[1:]
        h = np.ascontiguousarray(h)
    p = _abi.AnalysisParams()
    check(LIB.fastnmf_analysis_params_init(C.byref(p), C.sizeof(_abi.AnalysisParams)))
    if cluster_by not in _abi.SIMILARITIES:
        raise ValueError(f"cluster_by={cluster_by!r}; use 'diffraction' or 'cosine'.")
    if linkage not in _abi.LINKAGES:
        raise ValueError(f"linkage={linkage!r}; use 'single', 'complete', 'average' or 'ward'.")
    p.cluster_by = _abi.SIMILARITIES[cluster_by]
    p.linkage = _abi.LINKAGES[linkage]
    p.cluster_count = 0 if n_clusters is None else int(n_clusters)
    p.distance_threshold = float(distance_threshold)
    p.amorphous_isotropy = float(amorphous_isotropy)
    row, col = (-1.0, -1.0) if centre is None else (float(centre[0]), float(centre[1]))
    f32 = lambda a: None if a is None else a.ctypes.data_as(C.POINTER(C.c_float))  # noqa: E731
    handle = C.c_void_p()
    check(LIB.fastnmf_analysis_create(f32(w), k, shape[0], shape[1],
                                      None if m is None else m.ctypes.data_as(C.POINTER(C.c_uint8)), f32(h),
                                      scan[0], scan[1], row, col, int(phi_samples), C.byref(p), C.byref(handle)))
    try:
        d = lambda a: a.ctypes.data_as(C.POINTER(C.c_double))  # noqa: E731
        cosine, similarity, rotation = (np.empty((k, k)) for _ in range(3))
        check(LIB.fastnmf_analysis_get_similarities(handle, d(cosine), d(similarity), d(rotation), k * k, None))
        tree = np.empty((k - 1, 4))
        check(LIB.fastnmf_analysis_get_linkage(handle, d(tree), tree.size, None))
        labels = np.empty(k, dtype=np.int32)
        check(LIB.fastnmf_analysis_get_cluster_labels(handle, labels.ctypes.data_as(C.POINTER(C.c_int32)), k, None))
        averages = {}
        for label in sorted(set(labels.tolist())):
            a = np.empty(shape, dtype=np.float32)
            check(LIB.fastnmf_analysis_get_cluster_average(handle, label, f32(a), a.size, None))
            averages[label] = a
        return ComponentAnalysis(cosine, similarity, rotation, tree, labels, averages)
    finally:
        LIB.fastnmf_analysis_destroy(handle)
