"""A keras 2.x script's 0-based merge/dot axis read with the keras3 rule: Keras's shape error
says how the axis was read and names the option (babi_memnn's `layer_dot(axes = c(2, 2))` on
(None, 54, 64) and (None, 4, 64)); with the option the same call computes Keras's Dot(2, 2)."""
from __future__ import annotations

import numpy as np
import pytest

import rkbridge as rk
from rkbridge.wrappers import axes
from rkbridge._keras import keras
from rkbridge.errors import RkValueError


@pytest.fixture(autouse=True)
def default_rule():
    axes.set_axis_rule(None)
    yield
    axes.set_axis_rule(None)


def test_dot_shape_error_says_how_axes_were_read():
    m, u = keras.Input((54, 64)), keras.Input((4, 64))
    with pytest.raises(RkValueError) as err:
        rk.layer_dot([m, u], axes=np.array([2.0, 2.0]))
    msg = str(err.value)
    assert "Incompatible input shapes" in msg  # Keras's own message first
    assert "`axes = c(2, 2)` was read with the keras3 rule" in msg
    assert 'options(rkbridge.dialect = "keras2")' in msg


def test_concatenate_shape_error_says_how_axis_was_read():
    # unet's layer_concatenate(axis = 3) of image batches: keras 2.x meant the channels
    a, b = keras.Input((4, 5, 3)), keras.Input((4, 5, 2))
    with pytest.raises(RkValueError, match=r"`axis = 3` was read with the keras3 rule"):
        rk.layer_concatenate([a, b], axis=3)  # keras3: the width axis, channels differ
    axes.set_axis_rule("keras2")
    assert tuple(rk.layer_concatenate([a, b], axis=3).shape) == (None, 4, 5, 5)


def test_keras2_rule_gives_keras_dot_values():
    m, u = keras.Input((54, 64)), keras.Input((4, 64))
    axes.set_axis_rule("keras2")
    out = rk.layer_dot([m, u], axes=[2, 2])
    assert tuple(out.shape) == (None, 54, 4)
    rng = np.random.default_rng(1)
    mv, uv = rng.normal(size=(2, 54, 64)).astype("float32"), \
        rng.normal(size=(2, 4, 64)).astype("float32")
    got = np.asarray(keras.Model([m, u], out)([mv, uv]))
    np.testing.assert_allclose(got, np.einsum("bik,bjk->bij", mv, uv), rtol=1e-4, atol=1e-4)


def test_errors_without_an_axis_argument_are_unchanged():
    a, b = keras.Input((5, 3)), keras.Input((4, 2))
    with pytest.raises(ValueError) as err:
        rk.layer_concatenate([a, b])  # default axis: no hint, Keras's error as it was
    assert "keras3 rule" not in str(err.value)
