"""rk.evaluate() gives `loss` first, the per-output losses, then the metrics in compile order
(CONVENTIONS section 4; Keras's own dict comes back sorted by name), with Keras's values."""
from __future__ import annotations

import numpy as np
import pytest

import rkbridge as rk
from rkbridge._keras import keras


@pytest.fixture
def data():
    rng = np.random.default_rng(5)
    x = rng.random((40, 4), dtype=np.float32)
    return x, (x.sum(1) > 2).astype("float32")


def test_single_output_order_and_values(data):
    x, y = data
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="sgd", loss="binary_crossentropy",
                  metrics=["mse", "accuracy", "auc"])
    got = rk.evaluate(model, x, y)
    assert list(got) == ["loss", "mse", "accuracy", "auc"]
    ref = model.evaluate(x, y, verbose=0, return_dict=True)
    assert set(ref) == set(got)
    for k in got:
        assert got[k] == pytest.approx(float(ref[k]), rel=1e-6)


def test_multi_output_order_and_values(data):
    x, y = data
    i = keras.Input((4,))
    zz = keras.layers.Dense(1, name="zz")(i)
    aa = keras.layers.Dense(2, activation="softmax", name="aa")(i)
    model = keras.Model(i, [zz, aa])
    model.compile(optimizer="sgd", loss=["mse", "categorical_crossentropy"],
                  metrics=[["mae"], ["accuracy"]])
    y2 = np.eye(2, dtype="float32")[(x[:, 0] > 0.5).astype(int)]
    got = rk.evaluate(model, x, [y, y2])
    assert list(got) == ["loss", "zz_loss", "aa_loss", "zz_mae", "aa_accuracy"]
    ref = model.evaluate(x, [y, y2], verbose=0, return_dict=True)
    assert set(ref) == set(got)
    for k in got:
        assert got[k] == pytest.approx(float(ref[k]), rel=1e-6)


def test_loss_only_model(data):
    x, y = data
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    assert list(rk.evaluate(model, x, y)) == ["loss"]


def test_arguments_keras_lacks_are_dropped_with_a_warning():
    """keras 2.x scripts give evaluate() `epochs` (its R interface ignored `...`)."""
    import warnings
    from rkbridge.training import model as M
    m = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    m.compile(optimizer="sgd", loss="mse")
    x, y = np.ones((4, 2)), np.ones(4)
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        got = M.evaluate(m, x, y, epochs=1)
        p = M.predict(m, x, epochs=1)
    assert got["loss"] == pytest.approx(m.evaluate(x, y, verbose=0))
    np.testing.assert_allclose(p, m.predict(x, verbose=0), rtol=1e-6)
    said = [str(w.message) for w in seen]
    assert "evaluate() ignores `epochs`: Keras's evaluate() has no such argument." in said
    assert "predict() ignores `epochs`: Keras's predict() has no such argument." in said
