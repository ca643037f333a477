"""Python -> rpy2 -> R -> rkbridge -> engine -> R -> Python: arrays keep their values and
index meaning, and models are the same objects on both sides."""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

RNG = np.random.default_rng(42)
CASES = [
    RNG.random(7),
    RNG.random((5, 3)),
    RNG.normal(size=(2, 3, 4)),
    RNG.random((2, 3, 2, 4)),
    RNG.random((2, 1, 3, 2, 2)),
    RNG.integers(-1000, 1000, size=(4, 3)).astype(np.int32),
    RNG.integers(0, 5, size=(2, 2, 3)).astype(np.int32),
    RNG.random((3, 4)) > 0.5,
    np.zeros((0, 3)),
    np.array([[np.inf, -np.inf], [-0.0, 1e-300]]),
]


@pytest.mark.parametrize("arr", CASES, ids=lambda a: f"{a.dtype}{a.shape}")
def test_arrays_round_trip_with_index_meaning(r, np2r, arr):
    echo = r("rkbridge:::rk_echo")
    r_type = r("function(x) typeof(rkbridge:::rk_echo(x))")
    back = np.asarray(np2r(echo, arr))
    if arr.ndim == 1:
        back = back.reshape(arr.shape)
    assert back.shape == arr.shape
    expected_type = {"f": "double", "i": "integer", "b": "logical"}[arr.dtype.kind]
    assert np2r(r_type, arr)[0] == expected_type
    assert np.array_equal(back.astype(arr.dtype), arr)
    if arr.size:
        idx = tuple(s - 1 for s in arr.shape)  # the last element, the most order-sensitive
        assert back[idx] == arr[idx]


def test_r_indexing_matches_engine_indexing(r, np2r):
    """x[i, j, k] in R is element [i-1, j-1, k-1] in the engine, and R's dim() is NumPy's
    shape (nothing transposed)."""
    arr = np.arange(24, dtype=np.float64).reshape(2, 3, 4)
    r_elem = r("function(x, i, j, k) x[i, j, k]")
    r_dim = r("function(x) dim(rkbridge:::rk_echo(x))")
    assert list(np2r(r_dim, arr)) == [2, 3, 4]
    assert np2r(r_elem, arr, 2, 1, 3)[0] == arr[1, 0, 2]


def test_r_matrix_reaches_engine_with_same_meaning(r):
    out = r("""
      m <- matrix(c(1, 2, 3, 4, 5, 6), nrow = 2)   # rows (1, 3, 5) and (2, 4, 6)
      rkbridge:::rk_echo(m)[2, ]
    """)
    assert list(out) == [2.0, 4.0, 6.0]


def test_model_from_python_is_the_same_object_in_r(r, rk, shared):
    m = rk.keras_model_sequential(input_shape=[3])
    rk.layer_dense(m, units=2)
    shared.model = m
    r("""
      m <- reticulate::import("rk_shared")$model
      w <- get_weights(m)
      w[[1]][] <- 7; w[[2]][] <- -1
      set_weights(m, w)
    """)
    kernel, bias = m.get_weights()
    assert np.all(kernel == 7) and np.all(bias == -1)


def test_model_from_r_is_the_same_object_in_python(r, rk, shared):
    r("""
      m <- keras_model_sequential(input_shape = c(4)) %>% layer_dense(3, name = "from_r")
      shared <- reticulate::import("rk_shared")
      shared$r_model <- m
    """)
    m = shared.r_model
    assert m.layers[0].name == "from_r"
    m.set_weights([np.ones((4, 3)), np.zeros(3)])
    p = r("predict(shared$r_model, matrix(1, nrow = 2, ncol = 4))")
    assert np.allclose(np.asarray(p), 4.0) and tuple(r("dim")(p)) == (2, 3)


# A Python program that drives R (rpy2) which drives the engine (reticulate) ends with
# three runtimes tearing down in one process. Known ways that went wrong: R's finalizers
# releasing Python objects without the GIL (abort), reticulate's polling thread scheduling a
# call into the finalized interpreter (a segfault in about one run of four), rpy2 waiting
# forever for a GIL that reticulate's exit finalizer kept (src/embedded.c,
# rkbridge/boundary/embedding.py). Crashes at exit are intermittent, so the program runs
# EXIT_RUNS times: a crash in one run of four survives that with probability 0.75**20 (0.3%),
# one in ten with 12%; rarer ones are only caught by repetition across test runs.
EXIT_RUNS = 20
EXIT_PROGRAM = textwrap.dedent("""
    import rpy2.robjects as ro
    ro.r('suppressPackageStartupMessages(library(rkbridge))')
    ro.r('m <- keras_model_sequential(input_shape = c(2)) %>% layer_dense(1)')
    ro.r('m %>% compile(optimizer = "sgd", loss = "mse")')
    ro.r('h <- fit(m, matrix(runif(16), 8), runif(8), epochs = 2, batch_size = 4, verbose = 0)')
    ro.r('p <- predict(m, matrix(runif(4), 2)); stopifnot(identical(dim(p), c(2L, 1L)))')
    print("DRIVEN")
""")


def _run_exit_program(_):
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2")
    return subprocess.run([sys.executable, "-c", EXIT_PROGRAM], capture_output=True, text=True,
                          timeout=300, cwd=ROOT, env=env)


def test_python_program_driving_r_exits_cleanly():
    with ThreadPoolExecutor(max_workers=min(2, os.cpu_count() or 1)) as pool:
        runs = list(pool.map(_run_exit_program, range(EXIT_RUNS)))
    bad = [(i, r.returncode, r.stderr[-1500:]) for i, r in enumerate(runs)
           if r.returncode != 0 or "DRIVEN" not in r.stdout or "Fatal Python error" in r.stderr]
    assert [r.returncode for r in runs] == [0] * EXIT_RUNS, bad[:3]
    assert bad == []
