"""ConstrainedNMF: the paper's protocol as a scikit-learn-style estimator (HyperSpy's decomposition accepts it)."""
import ctypes as C
import inspect
import numbers
import sys

import numpy as np

from . import _abi, _data
from ._errors import FastNmfCancelled, NotFittedError
from ._library import LIB, check, describe_backend
from ._model import Model


class ConstrainedNMF:
    """X ≈ W H by the paper's constrained ALS (or plain ALS / MU), through libfastnmf.

    scikit-learn's layout: X is (n_samples, n_features) = (scan positions in scan order, detector pixels), or a 4-D
    (scan_rows, scan_cols, det_rows, det_cols) array. ``components_`` (n_components, n_features) are the diffractions
    (unit L1 norm over the kept pixels, masked pixels 0), sorted by the L2 norm of their maps; ``fit_transform`` and
    ``transform`` return the maps as (n_samples, n_components) in counts, so X ≈ transform(X) @ components_.

    Parameters
    ----------
    n_components : int or None
        k. None: the largest the data allow, min(n_samples, kept pixels) − 1.
    method : {'constrained', 'als', 'mu'}
        The paper's protocol (default), plain ALS (Eqs. 7–8 with [·]₊), or multiplicative updates.
    constraints : iterable of {'w', 'h'}
        The constrained method's steps: 'w' the polar dark-spot fill [·]_W (needs the detector's shape), 'h' the map
        convolution [·]_H (needs the scan's shape); a step left out is [·]₊.
    kernel : {'gaussian', 'lorentzian', 'pseudo-voigt'} or 2-D array
        [·]_H's kernel: a point-spread shape from ``probe_fwhm`` and ``scan_step`` (same unit; ``kernel_size`` 0 spans
        ±FWHM; ``eta`` mixes the pseudo-Voigt), or explicit odd-sized weights (normalised to sum 1). The default is the
        paper's 3×3 Gaussian: a 2 nm probe at 1.5 nm steps.
    max_iter, n_restarts : int
        Iterations per restart (500) and random restarts (10); the lowest final MSE is kept.
    tol : float
        Early stop when both relative changes fall below it; 0 (default) runs every iteration, as the paper.
    random_state : int, numpy RandomState/Generator or None
        Seed of restart 0 (the seed used is ``seed_``); results are bit-identical for a seed. None draws one.
    mask : array of bool, detector-shaped or (n_features,)
        Detector pixels to leave out (e.g. the direct beam).
    scan_shape, detector_shape : (rows, cols)
        How a 2-D X's samples and features fold into the scan and the detector (a 4-D X gives both). Without
        scan_shape the scan is one column; without detector_shape the detector is one row, so [·]_W needs it.
    centre : (row, col) or None
        [·]_W's pattern centre in detector pixels (None: the detector centre).
    phi_samples, outlier_factor
        [·]_W's angular samples per radius (360) and the outlier cut (2).
    amorphous_share : {'remove', 'keep'}
        After [·]_W, remove from every diffraction the share of the amorphous (most rotationally symmetric) one that its
        radial floor holds ('remove', the default), or keep it: the paper's plain protocol.
    fill_route : {'pixel', 'polar'}
        How [·]_W reaches the pixels: each pixel against its exact radius's baseline ('pixel', default) or the paper's
        r–φ route ('polar').
    fast : bool
        The fast mode for big scans (README "Fast mode", ``fastnmf factorize --fast``): every restart tried for 30
        iterations and the best one kept; where the scan binned 2×2 (or more a side, to at most 128×128 positions)
        keeps 10 positions per component, the protocol runs there first and ``fine_iterations`` (50) on the full scan
        finish it. Measured against the exact protocol: the same final MSE within 10⁻⁶ and the same recovery on the
        paper's set and a k = 30 set, in a tenth of the time. False (default): the exact protocol.
    trial_iterations, keep_restarts : int or None
        Restarts pruned early: every restart runs ``trial_iterations`` (< max_iter), then only the ``keep_restarts``
        (default 1) lowest MSEs go on, each with exactly the result it has without pruning. Given, they win over
        ``fast``'s choice; None leaves them to ``fast``, or off.
    coarse_scan, fine_iterations : int or None
        Warm start from the scan binned ``coarse_scan`` × ``coarse_scan`` positions (>= 2; needs the scan's shape and
        a kernel from a FWHM), then ``fine_iterations`` (default 50, < max_iter) on the full scan. Given, they win over
        ``fast``'s choice; None leaves them to ``fast``, or off.
    n_jobs : int or None
        Worker threads; None or -1 use every core.
    backend : {'auto', 'managed', 'openblas', 'mkl'}; storage : {'auto', 'dense', 'sparse', 'uint16'}
        The library's kernels and X's storage (the same results either way, other speed).
    batch_restarts : bool
        All restarts share each pass over X (the same results, faster).
    verbose : int
        0 silent; 1 a line per restart; 2 a line every 50 iterations.

    Attributes
    ----------
    components_, n_components_, n_features_in_, n_iter_ (iterations of the kept restart), reconstruction_err_ (the
    Frobenius norm ‖X − WH‖ over the kept pixels), mse_, history_ (per-iteration 'mse', 'delta_w', 'delta_h' of the kept
    restart), chosen_restart_, seed_, backend_ (kernels and backend used), elapsed_ (seconds), scan_shape_,
    detector_shape_, maps_ (n_components, scan_rows, scan_cols: the fitted H).
    """

    def __init__(self, n_components=None, *, method="constrained", constraints=("w", "h"), kernel="gaussian",
                 probe_fwhm=2.0, scan_step=1.5, kernel_size=0, eta=0.5, max_iter=500, n_restarts=10, tol=0.0,
                 random_state=None, mask=None, scan_shape=None, detector_shape=None, centre=None, phi_samples=360,
                 outlier_factor=2.0, amorphous_share="remove", fill_route="pixel", fast=False, trial_iterations=None,
                 keep_restarts=None, coarse_scan=None, fine_iterations=None, n_jobs=None, backend="auto", storage="auto", batch_restarts=True, verbose=0):
        self.n_components = n_components
        self.method = method
        self.constraints = constraints
        self.kernel = kernel
        self.probe_fwhm = probe_fwhm
        self.scan_step = scan_step
        self.kernel_size = kernel_size
        self.eta = eta
        self.max_iter = max_iter
        self.n_restarts = n_restarts
        self.tol = tol
        self.random_state = random_state
        self.mask = mask
        self.scan_shape = scan_shape
        self.detector_shape = detector_shape
        self.centre = centre
        self.phi_samples = phi_samples
        self.outlier_factor = outlier_factor
        self.amorphous_share = amorphous_share
        self.fill_route = fill_route
        self.fast = fast
        self.trial_iterations = trial_iterations
        self.keep_restarts = keep_restarts
        self.coarse_scan = coarse_scan
        self.fine_iterations = fine_iterations
        self.n_jobs = n_jobs
        self.backend = backend
        self.storage = storage
        self.batch_restarts = batch_restarts
        self.verbose = verbose

    # ---- scikit-learn's estimator protocol -------------------------------------------------------------------------

    @classmethod
    def _get_param_names(cls):
        return sorted(p.name for p in inspect.signature(cls.__init__).parameters.values()
                      if p.name != "self" and p.kind != p.VAR_KEYWORD)

    def get_params(self, deep=True):
        """The constructor's parameters (scikit-learn's get_params)."""
        return {name: getattr(self, name) for name in self._get_param_names()}

    def set_params(self, **params):
        """Sets constructor parameters (scikit-learn's set_params); returns self."""
        valid = self._get_param_names()
        for name, value in params.items():
            if name not in valid:
                raise ValueError(f"Invalid parameter {name!r} for estimator {self!r}. Valid parameters are: {valid!r}.")
            setattr(self, name, value)
        return self

    def __repr__(self):
        defaults = {p.name: p.default for p in inspect.signature(type(self).__init__).parameters.values()}
        changed = []
        for name in self._get_param_names():
            value = getattr(self, name)
            default = defaults.get(name)
            same = value is default or (not isinstance(value, np.ndarray) and not isinstance(default, np.ndarray)
                                        and _equal(value, default))
            if not same:
                changed.append(f"{name}={value!r}" if not isinstance(value, np.ndarray) else f"{name}=array{value.shape}")
        return f"{type(self).__name__}({', '.join(changed)})"

    def _get_tags(self):
        # scikit-learn 1.x reads every tag from here (its defaults, with this estimator's own values).
        return {
            "non_deterministic": False, "requires_positive_X": True, "requires_positive_y": False,
            "X_types": ["2darray"], "poor_score": True, "no_validation": False, "multioutput": False,
            "allow_nan": False, "stateless": False, "multilabel": False, "_skip_test": False, "_xfail_checks": False,
            "multioutput_only": False, "binary_only": False, "requires_fit": True, "preserves_dtype": [np.float32],
            "requires_y": False, "pairwise": False,
        }

    def _more_tags(self):
        return {"requires_positive_X": True, "preserves_dtype": [np.float32], "poor_score": True}

    def __getstate__(self):
        state = self.__dict__.copy()
        state.pop("_model", None)   # a library handle: rebuilt from components_ and the kernel after unpickling
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)

    # ---- fit, transform --------------------------------------------------------------------------------------------

    def fit(self, X, y=None):
        """Factorizes X; returns self."""
        self._fit(X)
        return self

    def fit_transform(self, X, y=None):
        """Factorizes X and returns its maps, (n_samples, n_components) float32 in counts."""
        self._fit(X)
        return np.ascontiguousarray(self.maps_.reshape(self.n_components_, -1).T)

    def transform(self, X):
        """The maps of X under the fitted components: the model's projection [(WᵀW)⁻¹Wᵀx]₊ per frame, and for the
        constrained method with [·]_H its convolution over the whole maps, exactly the factorization's H-step (so on
        the data it was fitted to, the fitted maps). Returns (n_samples, n_components) float32."""
        self._require_fitted()
        a = _data.as_array(X, "X")
        features = a.shape[1] if a.ndim == 2 else a.shape[2] * a.shape[3] if a.ndim == 4 else None
        if features is not None and features != self.n_features_in_:
            raise ValueError(f"X has {features} features, but {type(self).__name__} is expecting "
                             f"{self.n_features_in_} features as input.")
        f = _data.frames(a, self._scan_shape_for(a), self.detector_shape_ if a.ndim == 2 else None, "X")
        return self._projector().project(f, self._threads(), whole_maps=self._smooths_maps())

    def inverse_transform(self, X):
        """Maps (n_samples, n_components) back to diffractions: X @ components_, (n_samples, n_features)."""
        self._require_fitted()
        h = np.asarray(X, dtype=np.float32)
        if h.ndim != 2 or h.shape[1] != self.n_components_:
            raise ValueError(f"X has shape {h.shape}; inverse_transform expects (n_samples, {self.n_components_}).")
        return h @ self.components_

    def analyze(self, **options):
        """The paper's analysis of the fitted components with their maps: see :func:`fastnmf.analyze`."""
        from .analysis import analyze
        self._require_fitted()
        options.setdefault("mask", self._mask_bytes)
        options.setdefault("centre", self.centre)
        options.setdefault("phi_samples", self.phi_samples)
        return analyze(self.components_, self.detector_shape_, maps=self.maps_, **options)

    # ---- internals -------------------------------------------------------------------------------------------------

    def _fit(self, X):
        f = _data.frames(X, self.scan_shape, self.detector_shape, "X")
        params, k = self._params(f)
        mask = self._mask_for(f)
        factorizer = C.c_void_p()
        check(LIB.fastnmf_factorizer_create(C.byref(params), C.byref(factorizer)))
        interrupted = []
        try:
            if mask is not None:
                check(LIB.fastnmf_factorizer_set_mask(factorizer, mask.ctypes.data_as(C.POINTER(C.c_uint8)),
                                                      f.detector_shape[0], f.detector_shape[1]))
            self._set_kernel(factorizer)
            self._set_protocol(factorizer)
            check(LIB.fastnmf_factorizer_set_fast(factorizer, *self._fast_levers()))
            callback = _abi.PROGRESS_FN(self._progress_callback(interrupted))
            check(LIB.fastnmf_factorizer_set_progress(factorizer, callback, None))
            run = LIB.fastnmf_factorizer_run_u16 if f.is_uint16 else LIB.fastnmf_factorizer_run_f32
            try:
                check(run(factorizer, f.pointer(), f.length(), C.byref(f.layout)))
            except FastNmfCancelled:
                if interrupted:
                    raise KeyboardInterrupt("fastnmf: the fit was interrupted; no result was kept.") from None
                raise
            self._keep_result(factorizer, f, k, mask, params.seed)
        finally:
            LIB.fastnmf_factorizer_destroy(factorizer)

    def _params(self, f):
        p = _abi.Params()
        check(LIB.fastnmf_params_init(C.byref(p), C.sizeof(_abi.Params)))
        if self.method not in _abi.METHODS:
            raise ValueError(f"method={self.method!r}; use 'constrained', 'als' or 'mu'.")
        constraints = self._constraints()
        constrained = self.method == "constrained"
        if constrained and "w" in constraints and self.detector_shape is None and f.array.ndim == 2:
            raise ValueError("detector_shape=(rows, cols) is needed for the diffraction constraint [·]_W (the polar "
                             "dark-spot fill works on detector images); give it, pass a 4-D X, or leave 'w' out of "
                             "constraints.")
        kept = f.n_features - (int(np.count_nonzero(self._mask_for(f))) if self.mask is not None else 0)
        limit = min(f.n_samples, kept)
        k = self.n_components
        if f.n_samples == 1:
            raise ValueError(f"Found array with 1 sample(s) (shape {f.array.shape}); a factorization needs at least "
                             "2 scan positions (n_samples = 1).")
        if kept <= 1:
            raise ValueError(f"Found array with {kept} feature(s) kept (n_features = {f.n_features}); a factorization "
                             "needs at least 2 detector pixels.")
        if k is None:
            k = limit - 1
        if not isinstance(k, numbers.Integral) or isinstance(k, bool) or not 1 <= k < limit:
            raise ValueError(f"n_components={k!r} must be an integer with 1 <= n_components < min(n_samples, kept "
                             f"pixels) = {limit}.")
        p.method = _abi.METHODS[self.method]
        p.components = int(k)
        p.iterations = _positive_int(self.max_iter, "max_iter")
        p.restarts = _positive_int(self.n_restarts, "n_restarts")
        p.threads = self._threads()
        p.seed = self._seed()
        p.diffraction_constraint = _abi.W_DARK_SPOT_FILL if "w" in constraints else _abi.W_NON_NEGATIVE
        p.map_constraint = _abi.H_CONVOLUTION if "h" in constraints else _abi.H_NON_NEGATIVE
        p.backend = _choice(self.backend, _abi.BACKENDS, "backend")
        p.storage = _choice(self.storage, _abi.STORAGES, "storage")
        if not (isinstance(self.tol, numbers.Real) and self.tol >= 0):
            raise ValueError(f"tol={self.tol!r} must be a number >= 0 (0 runs every iteration).")
        p.tolerance = float(self.tol)
        if self.centre is not None:
            row, col = self.centre
            p.polar_centre_row, p.polar_centre_col = float(row), float(col)
        p.phi_samples = int(self.phi_samples)
        p.outlier_factor = float(self.outlier_factor)
        p.batch_restarts = 1 if self.batch_restarts else 0
        _choice(self.amorphous_share, _abi.AMORPHOUS_SHARES, "amorphous_share")  # checked before a handle exists
        _choice(self.fill_route, _abi.FILL_ROUTES, "fill_route")
        self._fast_levers()
        return p, int(k)

    def _constraints(self):
        given = self.constraints if self.constraints is not None else ()
        items = list(given.replace(",", "").replace(" ", "")) if isinstance(given, str) else list(given)
        if any(c not in ("w", "h") for c in items):
            raise ValueError(f"constraints={self.constraints!r}: use 'w' ([·]_W) and/or 'h' ([·]_H), e.g. ('w', 'h').")
        return set(items)

    def _mask_for(self, f):
        if self.mask is None:
            return None
        m = np.asarray(self.mask)
        if m.size != f.n_features:
            raise ValueError(f"mask has {m.size} values; the detector has {f.n_features} pixels "
                             f"({f.detector_shape[0]}×{f.detector_shape[1]}).")
        return np.ascontiguousarray(m.reshape(-1) != 0, dtype=np.uint8)

    def _set_kernel(self, factorizer):
        if isinstance(self.kernel, str):
            if self.kernel not in _abi.KERNEL_SHAPES:
                raise ValueError(f"kernel={self.kernel!r}; use 'gaussian', 'lorentzian', 'pseudo-voigt' or a 2-D array "
                                 "of weights.")
            if (self.kernel, float(self.probe_fwhm), float(self.scan_step), int(self.kernel_size)) == ("gaussian", 2.0, 1.5, 0):
                return  # the paper's kernel, the library's default
            check(LIB.fastnmf_factorizer_set_kernel_probe(factorizer, _abi.KERNEL_SHAPES[self.kernel],
                                                          float(self.probe_fwhm), float(self.scan_step),
                                                          int(self.kernel_size), float(self.eta)))
            return
        weights = np.ascontiguousarray(self.kernel, dtype=np.float32)
        if weights.ndim != 2 or weights.shape[0] != weights.shape[1]:
            raise ValueError(f"kernel has shape {weights.shape}; explicit weights are a square, odd-sized 2-D array.")
        check(LIB.fastnmf_factorizer_set_kernel(factorizer, weights.ctypes.data_as(C.POINTER(C.c_float)),
                                                weights.shape[0]))

    def _set_protocol(self, factorizer):
        share = _choice(self.amorphous_share, _abi.AMORPHOUS_SHARES, "amorphous_share")
        route = _choice(self.fill_route, _abi.FILL_ROUTES, "fill_route")
        check(LIB.fastnmf_factorizer_set_protocol(factorizer, share, route))

    def _fast_levers(self):
        """fastnmf_factorizer_set_fast's arguments (0 = not given), checked in the estimator's own words."""
        if not isinstance(self.fast, (bool, np.bool_)):
            raise ValueError(f"fast={self.fast!r} must be True or False.")
        levers = []
        for name in ("trial_iterations", "keep_restarts", "coarse_scan", "fine_iterations"):
            value = getattr(self, name)
            levers.append(0 if value is None else _positive_int(value, name))
        trial, keep, coarse, fine = levers
        if keep and not trial and not self.fast:
            raise ValueError(f"keep_restarts={keep} needs trial_iterations (or fast=True): it counts the restarts that "
                             "go on after the trial.")
        if fine and not coarse and not self.fast:
            raise ValueError(f"fine_iterations={fine} needs coarse_scan (or fast=True): it counts the iterations on "
                             "the full scan after the binned one.")
        if coarse == 1:
            raise ValueError("coarse_scan=1 bins nothing; use 2 or more positions a side, or None.")
        mode = _abi.FAST_PRESET if self.fast else _abi.FAST_OFF
        return mode, trial, keep, coarse, fine

    def _progress_callback(self, interrupted):
        verbose = int(self.verbose or 0)

        def report(_user, progress):
            try:
                p = progress.contents
                last = p.iteration + 1 == p.iterations
                if verbose >= 2 and ((p.iteration + 1) % 50 == 0 or last):
                    print(f"restart {p.restart + 1}, iteration {p.iteration + 1}/{p.iterations}: MSE {p.mse:.6g}",
                          file=sys.stderr)
                elif verbose == 1 and last:
                    print(f"restart {p.restart + 1}: final MSE {p.mse:.8g}", file=sys.stderr)
                return 0
            except KeyboardInterrupt:
                # Ctrl+C arrives here, on the thread that runs the fit: cancel the run cleanly.
                interrupted.append(True)
                return 1

        return report

    def _keep_result(self, factorizer, f, k, mask, seed):
        info = _abi.ResultInfo()
        info.struct_size = C.sizeof(_abi.ResultInfo)
        check(LIB.fastnmf_factorizer_get_result_info(factorizer, C.byref(info)))
        w = np.empty(info.w_length, dtype=np.float32)
        h = np.empty(info.h_length, dtype=np.float32)
        check(LIB.fastnmf_factorizer_get_w(factorizer, w.ctypes.data_as(C.POINTER(C.c_float)), w.size, None))
        check(LIB.fastnmf_factorizer_get_h(factorizer, h.ctypes.data_as(C.POINTER(C.c_float)), h.size, None))
        n = info.iterations
        history = {name: np.empty(n, dtype=np.float64) for name in ("mse", "delta_w", "delta_h")}
        ptr = lambda a: a.ctypes.data_as(C.POINTER(C.c_double))  # noqa: E731
        check(LIB.fastnmf_factorizer_get_history(factorizer, ptr(history["mse"]), ptr(history["delta_w"]),
                                                 ptr(history["delta_h"]), n, None))
        model = C.c_void_p()
        check(LIB.fastnmf_factorizer_get_model(factorizer, C.byref(model)))
        self._model = Model(model)
        kept = f.n_features - (int(mask.sum()) if mask is not None else 0)
        self.components_ = w.reshape(k, f.n_features)
        self.maps_ = h.reshape(k, f.scan_shape[0], f.scan_shape[1])
        self.n_components_ = k
        self.n_features_in_ = f.n_features
        self.n_iter_ = int(n)
        self.mse_ = float(info.mse)
        self.reconstruction_err_ = float(np.sqrt(info.mse * kept * f.n_samples))
        self.history_ = history
        self.chosen_restart_ = int(info.chosen_restart)
        self.seed_ = int(seed)
        self.elapsed_ = float(info.elapsed_seconds)
        self.backend_ = describe_backend()
        self.scan_shape_ = f.scan_shape
        self.detector_shape_ = f.detector_shape
        self._mask_bytes = mask
        self._kernel_weights = self._model.kernel()

    def _projector(self):
        model = getattr(self, "_model", None)
        if model is None:
            constraint = _abi.H_CONVOLUTION if self._smooths_maps() else _abi.H_NON_NEGATIVE
            model = Model.create(self.components_, self.detector_shape_, self._mask_bytes, constraint, self._kernel_weights)
            self._model = model
        return model

    def _smooths_maps(self):
        return self.method == "constrained" and "h" in self._constraints()

    def _scan_shape_for(self, a):
        # A 4-D X brings its scan; a 2-D one of the fitted scan's size is that scan, any other one scan column.
        if a.ndim != 2:
            return None
        scan = self.scan_shape if self.scan_shape is not None else self.scan_shape_
        return tuple(scan) if a.shape[0] == scan[0] * scan[1] else None

    def _threads(self):
        if self.n_jobs in (None, -1, 0):
            return 0
        if not isinstance(self.n_jobs, numbers.Integral) or self.n_jobs < 1:
            raise ValueError(f"n_jobs={self.n_jobs!r}; use a positive number of threads, or None/-1 for all cores.")
        return int(self.n_jobs)

    def _seed(self):
        rs = self.random_state
        if rs is None:
            return int(np.random.default_rng().integers(0, 2 ** 63))
        if isinstance(rs, numbers.Integral) and not isinstance(rs, bool):
            if rs < 0 or rs >= 2 ** 64:
                raise ValueError(f"random_state={rs!r} must be between 0 and 2**64 - 1.")
            return int(rs)
        if isinstance(rs, np.random.RandomState):
            return int(rs.randint(0, np.iinfo(np.int32).max))
        if isinstance(rs, np.random.Generator):
            return int(rs.integers(0, 2 ** 63))
        raise ValueError(f"random_state={rs!r} cannot be used to seed the run: use an int, a RandomState, a Generator or None.")

    def _require_fitted(self):
        if not hasattr(self, "components_"):
            raise NotFittedError(f"This {type(self).__name__} instance is not fitted yet. Call 'fit' with appropriate "
                                 "arguments before using this estimator.")


def _positive_int(value, name):
    if not isinstance(value, numbers.Integral) or isinstance(value, bool) or value < 1:
        raise ValueError(f"{name}={value!r} must be an integer >= 1.")
    return int(value)


def _choice(value, choices, name):
    if value not in choices:
        raise ValueError(f"{name}={value!r}; use one of {', '.join(map(repr, choices))}.")
    return choices[value]


def _equal(a, b):
    try:
        return bool(a == b)
    except (TypeError, ValueError):
        return False
