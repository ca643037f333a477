"""The dialect switch (CONVENTIONS section 8): every row of `dialect.DIFFERENCES` has its test
here, named in the row; keras3's meaning by default, the keras 2.x R interface's one switch
away; docs/dialects.md is the table."""
from __future__ import annotations

import sys
import warnings
from pathlib import Path

import numpy as np
import pytest

import rkbridge as rk
from rkbridge.wrappers import axes, dialect
from rkbridge._keras import keras
from rkbridge.errors import RkValueError

ROOT = Path(__file__).resolve().parents[1]
BOTH_RULES = r"batch axis under the keras3 rule.*keras 2\.x.*rkbridge\.dialect = \"keras2\""

# The axis arguments the keras 2.x R interface (2.15) passed to Keras with as.integer() only,
# read argument by argument from its R sources; all else it converted with as_axis(), as
# keras3 does. k_normalize_batch_in_training(reduction_axes) is gone from Keras 3 (an error).
KERAS215_UNCHANGED = {
    ("layer_concatenate", "axis"), ("layer_dot", "axes"),
    ("layer_activation_softmax", "axis"), ("activation_softmax", "axis"),
    ("layer_layer_normalization", "axis"), ("layer_activation_parametric_relu", "shared_axes"),
    ("constraint_maxnorm", "axis"), ("constraint_minmaxnorm", "axis"),
    ("constraint_unitnorm", "axis"),
}


@pytest.fixture(autouse=True)
def default_dialect(monkeypatch):
    for var in ("RKBRIDGE_DIALECT", "RKBRIDGE_AXIS"):
        monkeypatch.delenv(var, raising=False)
    rk.set_dialect(None)
    yield
    rk.set_dialect(None)


def _run(layer, x: np.ndarray) -> np.ndarray:
    inp = keras.Input(x.shape[1:])
    return np.asarray(keras.Model(inp, layer(inp))(x))


X = np.random.default_rng(1).normal(size=(4, 3, 5)).astype("float32")


# -- the table ------------------------------------------------------------------------------

def test_every_row_has_its_test():
    here = sys.modules[__name__]
    assert dialect.DIFFERENCES
    for d in dialect.DIFFERENCES:
        assert callable(getattr(here, d.test, None)), d


def test_the_axis_rows_are_what_keras_2_15_passed_unchanged():
    assert set(dialect.AXES) == KERAS215_UNCHANGED
    for function, arg in KERAS215_UNCHANGED:
        assert axes.rule_for(function, arg) == axes.SELECTABLE
        assert 'options(rkbridge.dialect = "keras2")' in axes.doc_note(function, arg)
    # what both interfaces converted, or left to Keras, is not a difference
    assert axes.rule_for("layer_batch_normalization", "axis") == axes.ONE_BASED
    assert axes.rule_for("layer_multi_head_attention", "attention_axes") == axes.KERAS


def test_docs_dialects_md_is_the_table():
    assert (ROOT / "docs" / "dialects.md").read_text() == dialect.markdown()


def test_one_switch_with_its_older_names(monkeypatch):
    assert rk.current_dialect() == "keras3"
    assert rk.set_dialect("keras2") == "keras3"
    assert rk.axis_rule() == "keras2"
    assert rk.set_axis_rule("keras3") == "keras2"
    assert rk.current_dialect() == "keras3"
    with pytest.raises(RkValueError, match=r"keras3.*keras2.*rkbridge\.dialect"):
        rk.set_dialect("keras1")
    monkeypatch.setenv("RKBRIDGE_AXIS", "keras2")
    rk.set_dialect(None)
    assert rk.current_dialect() == "keras2"
    monkeypatch.setenv("RKBRIDGE_DIALECT", "keras3")  # the new name wins
    rk.set_dialect(None)
    assert rk.current_dialect() == "keras3"


# -- one test per row -----------------------------------------------------------------------

def test_concatenate_axis():
    a, b = keras.Input((4, 5, 3)), keras.Input((4, 5, 2))
    assert tuple(rk.layer_concatenate([a, b], axis=4).shape) == (None, 4, 5, 5)
    c = keras.Input((4, 5, 3))
    with pytest.warns(UserWarning, match=BOTH_RULES):  # keras3 code may mean the batch axis
        assert tuple(rk.layer_concatenate([a, c], axis=1).shape) == (None, 4, 5, 3)
    rk.set_dialect("keras2")
    assert tuple(rk.layer_concatenate([a, b], axis=3).shape) == (None, 4, 5, 5)


def test_dot_axes():
    x, y = keras.Input((3,)), keras.Input((3,))
    with pytest.raises(RkValueError, match=BOTH_RULES):
        rk.layer_dot([x, y], axes=1)
    v = np.array([[1.0, 2.0, 3.0]], "float32")
    assert np.allclose(keras.Model([x, y], rk.layer_dot([x, y], axes=2))([v, v]), 14.0)
    rk.set_dialect("keras2")
    assert np.allclose(keras.Model([x, y], rk.layer_dot([x, y], axes=1))([v, v]), 14.0)


def test_layer_activation_softmax_axis():
    over_rows = _run(keras.layers.Softmax(axis=1), X)
    assert np.allclose(_run(rk.layer_activation_softmax(axis=2), X), over_rows)
    with pytest.raises(RkValueError, match=BOTH_RULES):
        rk.layer_activation_softmax(axis=1)
    rk.set_dialect("keras2")
    assert np.allclose(_run(rk.layer_activation_softmax(axis=1), X), over_rows)


def test_activation_softmax_axis():
    over_rows = np.asarray(keras.activations.softmax(X, axis=1))
    assert np.allclose(rk.activation_softmax(X, axis=2), over_rows)
    with pytest.warns(UserWarning, match=BOTH_RULES):  # any tensor: a warning, not an error
        first = rk.activation_softmax(X, axis=1)
    assert np.allclose(first, keras.activations.softmax(X, axis=0))
    rk.set_dialect("keras2")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert np.allclose(rk.activation_softmax(X, axis=1), over_rows)


def test_layer_normalization_axis():
    # a keras 2.15 script's layer_layer_normalization(axis = 1) normalizes the features
    features = _run(keras.layers.LayerNormalization(axis=1), X)
    assert not np.allclose(features, _run(keras.layers.LayerNormalization(axis=-1), X))
    assert np.allclose(_run(rk.layer_layer_normalization(axis=2), X), features, atol=1e-5)
    with pytest.raises(RkValueError, match=BOTH_RULES):
        rk.layer_layer_normalization(axis=1)
    with pytest.raises(RkValueError, match=BOTH_RULES):
        rk.layer_layer_normalization(axis=[1, 2])
    rk.set_dialect("keras2")
    assert np.allclose(_run(rk.layer_layer_normalization(axis=1), X), features, atol=1e-5)
    assert np.allclose(_run(rk.layer_layer_normalization(axis=-1), X),
                       _run(keras.layers.LayerNormalization(axis=-1), X), atol=1e-5)


def test_prelu_shared_axes():
    assert rk.layer_activation_parametric_relu(shared_axes=[2, 3]).shared_axes == [1, 2]
    with pytest.raises(RkValueError, match=BOTH_RULES):
        rk.layer_activation_parametric_relu(shared_axes=[1, 2])
    rk.set_dialect("keras2")
    assert rk.layer_activation_parametric_relu(shared_axes=[1, 2]).shared_axes == [1, 2]


def test_constraint_axis():
    w = np.array([[3.0, 0.0], [4.0, 1.0]], "float32")
    per_column = np.asarray(keras.constraints.UnitNorm(axis=0)(w))
    for c in (rk.constraint_unitnorm(axis=1), rk.constraint_maxnorm(max_value=1, axis=1),
              rk.constraint_minmaxnorm(max_value=1, axis=1)):
        assert c.axis == 0
    assert np.allclose(rk.constraint_unitnorm(axis=1)(w), per_column)
    with pytest.raises(RkValueError, match="rkbridge.dialect"):
        rk.constraint_unitnorm(axis=0)  # a keras 2.x default, written out: not a keras3 axis
    rk.set_dialect("keras2")
    assert np.allclose(rk.constraint_unitnorm(axis=0)(w), per_column)
    assert rk.constraint_maxnorm(axis=1).axis == 1


def _model() -> keras.Model:
    m = rk.keras_model_sequential(input_shape=[2])
    rk.layer_dense(m, units=1)
    rk.compile(m, optimizer="sgd", loss="mse")
    return m


XY = (np.ones((8, 2), "float32"), np.ones((8, 1), "float32"))


def _epochs(**kwargs) -> int:
    return len(rk.fit(_model(), *XY, verbose=0, **kwargs).metrics["loss"])


def test_fit_epochs_default():
    assert _epochs() == 1
    rk.set_dialect("keras2")
    assert _epochs() == 10
    assert _epochs(epochs=3) == 3


def test_fit_initial_epoch():
    # keras3: start at epoch 2 of 3 (1-based); 0 and 1 both start at the first
    assert _epochs(epochs=3, initial_epoch=2) == 2
    assert _epochs(epochs=3, initial_epoch=1) == 3
    assert _epochs(epochs=3, initial_epoch=0) == 3
    assert _epochs(epochs=3, initial_epoch=2, dialect="keras2") == 1  # fit_generator()'s
    rk.set_dialect("keras2")  # 2 epochs done: train the third
    assert _epochs(epochs=3, initial_epoch=2) == 1
    assert _epochs(epochs=3, initial_epoch=0) == 3


def test_evaluate_value():
    # The engine gives the loss first in both dialects; R/model.R turns keras2's into a
    # named numeric vector by the dialect the engine reports (tests/testthat/test-dialect.R).
    m = _model()
    rk.compile(m, optimizer="sgd", loss="mse", metrics=["mae"])
    for d in ("keras3", "keras2"):
        rk.set_dialect(d)
        assert dialect.current() == d
        assert list(rk.evaluate(m, *XY, verbose=0)) == ["loss", "mae"]


def test_symbolic_tensor_shape():
    # R/tensor-numpy.R gives keras2 code this TensorShape of Keras's tuple (keras3's R list);
    # tests/testthat/test-dialect.R checks both from R.
    import tensorflow as tf
    shape = keras.Input((3, 4)).shape
    assert shape == (None, 3, 4)
    assert tf.TensorShape(shape).as_list() == [None, 3, 4]
    assert "x$shape" in dialect.markdown() and "x$shape()" not in dialect.markdown()


# -- in the same issue ----------------------------------------------------------------------

def test_text_vectorization_ngrams_from_r_numbers():
    assert rk.layer_text_vectorization(ngrams=2.0).get_config()["ngrams"] == 2
    assert rk.layer_text_vectorization(ngrams=np.array([1.0, 2.0])).get_config()["ngrams"] \
        == (1, 2)


def test_random_normal_shape_as_tensors():
    import tensorflow as tf
    assert tuple(rk.k_random_normal(tf.constant([1, 2, 3], "int32")).shape) == (1, 2, 3)
    assert tuple(rk.k_random_normal([tf.constant(2), tf.constant(3)]).shape) == (2, 3)
    assert tuple(rk.k_random_normal(np.array([2.0, 3.0])).shape) == (2, 3)

