"""Property tests of the array transport through R (rpy2): random shapes (rank 1 to 6, zero-
length dimensions included), R's three numeric types and special values go Python -> R ->
engine -> R -> Python unchanged, with R's index meaning at every step.

R is embedded in this Python process (rpy2) and reticulate attaches to the same interpreter,
so the engine array R hands over is checked here directly, bit for bit.
"""
from __future__ import annotations

import os
import sys
import types

import numpy as np
import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from hypothesis.extra import numpy as hnp  # noqa: E402

ro = pytest.importorskip("rpy2.robjects")
from rpy2.robjects import numpy2ri  # noqa: E402

# The R package must be installed where R looks (R_LIBS) for this test to run.
_HAVE_PKG = bool(ro.r('isTRUE(requireNamespace("rkbridge", quietly = TRUE))')[0])
pytestmark = pytest.mark.skipif(not _HAVE_PKG, reason="R package rkbridge not installed")

# Where R leaves the engine's view of each array it sends (a copy, since the view borrows R's
# memory only during the call).
_sink = types.ModuleType("rk_transport_sink")
_sink.seen = []
_sink.keep = lambda a: _sink.seen.append(np.array(a, copy=True))
sys.modules["rk_transport_sink"] = _sink

_convert = ro.default_converter + numpy2ri.converter

if _HAVE_PKG:
    ro.r('''
    rk_prop_roundtrip <- function(x) {
      rkbridge:::bridge()
      sink <- reticulate::import("rk_transport_sink", convert = FALSE)
      engine <- rkbridge:::rk_to_engine(x)                 # R -> engine: a view of R's memory
      sink$keep(engine)
      back <- rkbridge:::arrays_to_r(rkbridge:::bridge()$echo(engine))  # engine -> R
      list(back = back, same_dim = identical(as.integer(dim(back) %||% length(back)),
                                             as.integer(dim(x) %||% length(x))))
    }
    `%||%` <- function(a, b) if (is.null(a)) b else a
    ''')

SPECIAL_DOUBLES = [np.inf, -np.inf, -0.0, 0.0, 1.7976931348623157e308, -1.7976931348623157e308,
                   5e-324, -5e-324, 2.2250738585072014e-308, 1e-300, 1e300, np.nan]

shapes = st.integers(1, 6).flatmap(
    lambda rank: st.tuples(*[st.integers(0, 4) for _ in range(rank)]))


def _elements(kind: str):
    if kind == "double":
        return st.one_of(st.sampled_from(SPECIAL_DOUBLES),
                         st.floats(allow_nan=False, allow_infinity=True, width=64))
    if kind == "integer":  # R's NA_integer_ is INT_MIN, so the range stops one above it
        return st.integers(-(2**31) + 1, 2**31 - 1)
    return st.booleans()


DTYPES = {"double": np.float64, "integer": np.int32, "logical": np.bool_}

arrays = st.sampled_from(sorted(DTYPES)).flatmap(
    lambda kind: st.tuples(st.just(kind), shapes.flatmap(
        lambda shape: hnp.arrays(DTYPES[kind], shape, elements=_elements(kind)))))


def _same(a: np.ndarray, b: np.ndarray) -> bool:
    """Equal shapes and elements; doubles compared bit for bit (-0 and NaN included)."""
    if a.shape != b.shape:
        return False
    if a.dtype.kind == "f":
        a = np.ascontiguousarray(a, dtype=np.float64)
        b = np.ascontiguousarray(b, dtype=np.float64)
        nan = np.isnan(a)
        return bool((nan == np.isnan(b)).all()) and bool(
            (a.view(np.int64)[~nan] == b.view(np.int64)[~nan]).all())
    return bool((a == b).all())


@settings(max_examples=int(os.environ.get("RK_PROPERTY_EXAMPLES", "60")), deadline=None,
          database=None,  # no .hypothesis folder left in the package
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(arrays)
def test_python_r_engine_r_python_roundtrip(case):
    kind, arr = case
    _sink.seen.clear()
    with _convert.context():
        r_arr = ro.conversion.get_conversion().py2rpy(arr)
    assert ro.r("typeof")(r_arr)[0] == kind
    res = ro.r["rk_prop_roundtrip"](r_arr)
    assert bool(res.rx2("same_dim")[0])
    # the engine saw R's array with R's index meaning: x[i, j, ...] is view[i-1, j-1, ...]
    (engine,) = _sink.seen
    expected_engine = arr.astype(bool) if kind == "logical" else arr
    assert engine.shape == arr.shape
    assert _same(engine, expected_engine)
    with _convert.context():
        back = np.asarray(ro.conversion.get_conversion().rpy2py(res.rx2("back")))
    back = back.reshape(arr.shape, order="F") if back.shape != arr.shape else back
    assert _same(back.astype(arr.dtype) if kind != "double" else back, arr)
    if kind == "double":
        assert back.dtype == np.float64


def test_index_meaning_is_kept():
    """A fixed case that a transposing transport would fail: x[i, j, k] == 100i + 10j + k."""
    i, j, k = np.meshgrid(np.arange(1, 3), np.arange(1, 4), np.arange(1, 5), indexing="ij")
    arr = (100 * i + 10 * j + k).astype(np.float64)
    _sink.seen.clear()
    with _convert.context():
        r_arr = ro.conversion.get_conversion().py2rpy(arr)
    assert list(ro.r("dim")(r_arr)) == [2, 3, 4]
    assert ro.r("function(x) x[2, 3, 4]")(r_arr)[0] == 234.0
    ro.r["rk_prop_roundtrip"](r_arr)
    assert _sink.seen[0][1, 2, 3] == 234.0
    assert _sink.seen[0][0, 1, 2] == 123.0


# -- ownership: what the engine keeps stays valid through R's garbage collections ----------

_kept = types.ModuleType("rk_ownership_sink")
_kept.items = []
_kept.keep = lambda x: _kept.items.append(x)  # the engine's object itself: no copy
sys.modules["rk_ownership_sink"] = _kept

if _HAVE_PKG:
    ro.r('''
    rk_prop_kept <- function(seed, kinds, n) {
      rkbridge:::bridge()
      sink <- reticulate::import("rk_ownership_sink", convert = FALSE)
      set.seed(seed)
      cols <- lapply(kinds, function(k) switch(k,
        double = rnorm(n), integer = sample.int(1000L, n, TRUE), logical = runif(n) > 0.5,
        factor = factor(sample(c("a", "b", "c"), n, TRUE), levels = c("c", "a", "b")),
        asis = I(rnorm(n))))
      names(cols) <- paste0("c", seq_along(cols))
      df <- as.data.frame(cols)
      m <- matrix(rnorm(n * 3), n, 3)
      f <- cols[[1]]
      # the reference: copies, taken before the engine sees anything
      ref <- list(columns = lapply(cols, function(c)
                    as.numeric(if (is.factor(c)) as.integer(c) else unclass(c))),
                  matrix = m + 0, first = as.numeric(if (is.factor(f)) as.integer(f) else unclass(f)))
      sink$keep(rkbridge:::rk_to_engine(df))                 # a data.frame
      sink$keep(rkbridge:::rk_to_engine(list(m, df$c1)))     # a list of inputs
      sink$keep(rkbridge:::rk_to_engine(f))                  # a factor or a vector
      rm(df, m, f, cols)
      for (i in 1:3) {                                # reuse the freed memory, then collect
        junk <- lapply(1:40, function(i) rep(-12345.678, 1000)); rm(junk); gc()
      }
      ref
    }
    ''')

_KINDS = ["double", "integer", "logical", "factor", "asis"]


def _values(x) -> np.ndarray:
    """A kept engine object as float64 values (a factor's 1-based codes; a length-1 R
    vector arrives as a scalar)."""
    if hasattr(x, "codes"):
        return np.atleast_1d(np.asarray(x.codes, dtype=np.float64))
    return np.atleast_1d(np.asarray(x, dtype=np.float64))


@settings(max_examples=int(os.environ.get("RK_PROPERTY_EXAMPLES", "60")) // 3 or 1,
          deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(seed=st.integers(1, 10**6), n=st.integers(1, 400),
       kinds=st.lists(st.sampled_from(_KINDS), min_size=1, max_size=6))
def test_kept_inputs_survive_garbage_collections(seed, n, kinds):
    _kept.items.clear()
    ref = ro.r["rk_prop_kept"](seed, ro.StrVector(kinds), n)
    frame, inputs, single = _kept.items
    ref_cols = [np.array(list(c), dtype=np.float64) for c in ref.rx2("columns")]
    assert frame.names == [f"c{i + 1}" for i in range(len(kinds))]
    for kind, col, expected in zip(kinds, frame.columns, ref_cols):
        assert _values(col).shape == (n,)
        assert np.array_equal(_values(col), expected), kind
    assert np.array_equal(np.asarray(inputs[0]),
                          np.array(list(ref.rx2("matrix"))).reshape((n, 3), order="F"))
    assert np.array_equal(_values(inputs[1]), ref_cols[0])
    assert np.array_equal(_values(single), np.array(list(ref.rx2("first"))))
