"""R's generics and `[` on tensors (rkbridge/wrappers/tensor_methods.py), checked
against NumPy computing the same thing with R's meaning (1-based, column-major), and
freeze_weights(which =)."""
from __future__ import annotations

import math

import numpy as np
import pytest

import rkbridge as rk
from rkbridge.wrappers import tensor_methods as T
from rkbridge._keras import keras, ops

# R's matrix(1:12, 3): column-major
M = np.arange(1, 13, dtype="float32").reshape(3, 4, order="F")


def _np(x):
    return np.asarray(ops.convert_to_numpy(x))


def test_subset_one_based_inclusive_and_from_the_end():
    t = ops.convert_to_tensor(M)
    assert np.array_equal(_np(T.op_subset(t, 1, "all")), M[0, :])
    assert np.array_equal(_np(T.op_subset(t, "all", slice(2, 3))), M[:, 1:3])
    assert np.array_equal(_np(T.op_subset(t, -1)), M[-1])
    assert np.array_equal(_np(T.op_subset(t, np.array([3.0, 1.0]), np.array([4, 2]))),
                          M[np.ix_([2, 0], [3, 1])])
    assert np.array_equal(_np(T.op_subset(t, "..", 2)), M[:, 1])
    assert _np(T.op_subset(t, None)).shape == (1, 3, 4)
    mask = M > 5
    assert np.array_equal(_np(T.op_subset(t, mask)),
                          M.reshape(-1, order="F")[mask.reshape(-1, order="F")])
    assert np.array_equal(_np(T.op_subset(t, np.array([[1, 1], [3, 4.0]]))), [1.0, 12.0])
    with pytest.raises(rk.errors.RkValueError, match="1-based"):
        T.op_subset(t, 0)


def test_subset_set_recycles_in_r_order_and_changes_variables():
    t = ops.convert_to_tensor(M)
    out = _np(T.op_subset_set(t, "all", np.array([1.0, 3.0]), value=np.array([-1, -2, -3.0])))
    want = M.copy()
    want[:, [0, 2]] = np.array([-1, -2, -3.0]).reshape(3, 1)
    assert np.array_equal(out, want)
    v = keras.Variable(M)
    assert T.op_subset_set(v, 2, 3, value=0.0) is v
    assert _np(v)[1, 2] == 0.0 and _np(v).sum() == M.sum() - M[1, 2]


def test_r_generics_match_r_semantics():
    x = ops.convert_to_tensor(np.array([-7.5, -2.0, 3.0, 5.5], "float32"))
    assert np.allclose(_np(T.tensor_op("%%", x, 3.0)), np.mod([-7.5, -2, 3, 5.5], 3))
    assert np.allclose(_np(T.tensor_op("round", ops.convert_to_tensor([0.5, 1.5, 2.5]))),
                       [0, 2, 2])
    assert np.allclose(_np(T.tensor_op("gamma", x)),
                       [math.gamma(-7.5), np.nan, 2.0, math.gamma(5.5)], equal_nan=True,
                       rtol=1e-5)
    assert np.allclose(_np(T.tensor_op("log", ops.abs(x), base=2)),
                       np.log2([7.5, 2, 3, 5.5]))
    t = ops.convert_to_tensor(M)
    assert np.allclose(_np(T.tensor_op("cummax", t - 6)),
                       np.maximum.accumulate(M.reshape(-1, order="F") - 6))
    assert np.allclose(_np(T.tensor_summary(t, op="range")), [1, 12])
    assert int(_np(T.tensor_summary(ops.greater(t, 6), op="sum"))) == 6
    # symbolic tensors: lgamma through a functional model
    inp = keras.Input((4,))
    model = keras.Model(inp, T.tensor_op("lgamma", inp))
    got = model.predict(M + 0.5, verbose=0)
    assert np.allclose(got, np.vectorize(math.lgamma)(M + 0.5), rtol=1e-5)


def test_freeze_weights_which():
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2, name="a"),
                              keras.layers.Dense(2, name="b"), keras.layers.Dense(1, name="c")])
    rk.freeze_weights(model, which=["b"])
    assert [l.trainable for l in model.layers] == [True, False, True]
    rk.unfreeze_weights(model, which=[1.0, -1.0])
    assert [l.trainable for l in model.layers] == [True, False, True]
    rk.freeze_weights(model, which=lambda layer: layer.name == "a")
    assert [l.trainable for l in model.layers] == [False, True, True]


def test_mean_median_and_t_of_tensors_equal_numpy():
    t = ops.convert_to_tensor(M)
    assert np.allclose(_np(T.tensor_statistic(t, op="mean")), M.mean())
    assert np.allclose(_np(T.tensor_statistic(t, op="median")), np.median(M))
    assert np.allclose(_np(T.tensor_statistic(ops.greater(t, 6), op="mean")), 0.5)
    assert np.array_equal(_np(T.tensor_t(t)), M.T)
    assert _np(T.tensor_t(ops.convert_to_tensor([1.0, 2.0]))).shape == (1, 2)
    with pytest.raises(rk.errors.RkValueError, match="op_transpose"):
        T.tensor_t(ops.ones((2, 2, 2)))
