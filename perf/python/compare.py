"""fastnmf.ConstrainedNMF against the C ABI it wraps and against scikit-learn's NMF, timed in one run.

    python3 perf/python/compare.py            # the paper's set and protocol (500 iterations x 10 restarts)
    ITERATIONS=50 RESTARTS=2 REPEATS=1 python3 perf/python/compare.py   # a quick run

Each time is the best of REPEATS (the C ABI and the estimator interleaved), after one warm-up run. "C ABI" is the same factorization through raw ctypes calls (create, run_f32 on the
4-D array, get_w, get_h): what the estimator adds is its overhead. scikit-learn runs one restart of its coordinate
descent ('cd', init='random', tol=0) for the same iterations; the comparison is per restart-iteration.
"""
import ctypes as C
import os
import platform
import time

import numpy as np

import fastnmf
from fastnmf import _abi
from fastnmf._library import LIB, check

ITERATIONS = int(os.environ.get("ITERATIONS", 500))
RESTARTS = int(os.environ.get("RESTARTS", 10))
REPEATS = int(os.environ.get("REPEATS", 3))
K = 4


def cpu_name():
    """The CPU's model name (lscpu's), so an absolute time names its machine."""
    fields = {}
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                key, _, value = line.partition(":")
                fields.setdefault(key.strip(), value.strip())
    except OSError:
        pass
    name = fields.get("model name") or platform.processor() or platform.machine()
    if "cpu family" in fields and "model" in fields:
        name += f" (family {fields['cpu family']}, model {fields['model']})"  # a virtual CPU's name may hide which it is
    return name


def best(run):
    times = []
    for _ in range(REPEATS):
        t = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - t)
    return min(times), result


def best_once(run):
    t = time.perf_counter()
    result = run()
    return time.perf_counter() - t, result


def c_abi(x):
    p = _abi.Params()
    check(LIB.fastnmf_params_init(C.byref(p), C.sizeof(p)))
    p.components, p.iterations, p.restarts, p.seed = K, ITERATIONS, RESTARTS, 1
    layout = _abi.Layout()
    check(LIB.fastnmf_layout_init(C.byref(layout), C.sizeof(layout), *x.shape))
    f = C.c_void_p()
    check(LIB.fastnmf_factorizer_create(C.byref(p), C.byref(f)))
    try:
        check(LIB.fastnmf_factorizer_run_f32(f, x.ctypes.data_as(C.POINTER(C.c_float)), x.size, C.byref(layout)))
        w = np.empty(K * x.shape[2] * x.shape[3], np.float32)
        h = np.empty(K * x.shape[0] * x.shape[1], np.float32)
        check(LIB.fastnmf_factorizer_get_w(f, w.ctypes.data_as(C.POINTER(C.c_float)), w.size, None))
        check(LIB.fastnmf_factorizer_get_h(f, h.ctypes.data_as(C.POINTER(C.c_float)), h.size, None))
        return w
    finally:
        LIB.fastnmf_factorizer_destroy(f)


def estimator(x):
    m = fastnmf.ConstrainedNMF(K, max_iter=ITERATIONS, n_restarts=RESTARTS, random_state=1)
    m.fit_transform(x)
    return m


def sklearn_nmf(x2):
    from sklearn.decomposition import NMF
    m = NMF(K, init="random", solver="cd", max_iter=ITERATIONS, tol=0, random_state=0)
    m.fit_transform(x2)
    return m


def main():
    x = fastnmf.simulate(seed=1)
    print(f"{cpu_name()}, {os.cpu_count()} cores; {fastnmf.describe_backend()}")
    print(f"paper's set {x.shape}, k = {K}, {ITERATIONS} iterations x {RESTARTS} restarts, best of {REPEATS}")
    c_abi(x)  # warm-up: the library's first run pays its one-off setup
    # Interleaved, so a slow spell of this shared machine hits both alike.
    t_abi = t_est = float("inf")
    for _ in range(REPEATS):
        t, w = best_once(lambda: c_abi(x))
        t_abi = min(t_abi, t)
        t, m = best_once(lambda: estimator(x))
        t_est = min(t_est, t)
    assert np.array_equal(m.components_.reshape(-1), w), "the estimator and the C ABI give the same W"
    rows = [("C ABI (raw ctypes)", t_abi, RESTARTS), ("fastnmf.ConstrainedNMF", t_est, RESTARTS)]
    try:
        t_sk, _ = best(lambda: sklearn_nmf(x.reshape(36 * 36, -1)))
        rows.append(("scikit-learn NMF (cd, 1 restart)", t_sk, 1))
    except ImportError:
        t_sk = None
    print(f"{'':34s} {'seconds':>9s} {'ms per restart-iteration':>26s}")
    for name, t, restarts in rows:
        print(f"{name:34s} {t:9.3f} {1000 * t / (restarts * ITERATIONS):26.3f}")
    print(f"estimator overhead over the C ABI: {100 * (t_est / t_abi - 1):+.1f} %")
    if t_sk is not None:
        print(f"per restart-iteration, fastnmf is {t_sk / (t_est / RESTARTS):.1f}x scikit-learn")


if __name__ == "__main__":
    main()
