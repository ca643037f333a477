"""fit()'s history at the boundary: it reaches R as plain containers of transported arrays,
with Keras's values exactly, also when fit() was interrupted."""
from __future__ import annotations

import numpy as np

import rkbridge as rk
from rkbridge._keras import keras
from rkbridge.boundary import bridge, transport


def _values(cell):
    """A transported array as the values R receives (inline or boxed)."""
    if isinstance(cell, transport.ArrayBox):
        return list(np.asarray(cell.array).ravel(order="F"))
    assert bytes(cell[:4]) == b"RKA1"
    code, nd = np.frombuffer(cell, np.int32, 2, 4)
    start = -(-(12 + 4 * int(nd)) // 8) * 8
    return list(np.frombuffer(cell, transport._R_TYPES[transport.KIND_CODES[int(code)]][1],
                              offset=start))


def _plain(x) -> bool:
    """Only what reticulate converts to R values by itself, and transported arrays."""
    if isinstance(x, dict):
        return all(isinstance(k, str) and _plain(v) for k, v in x.items())
    if isinstance(x, list):
        return all(_plain(v) for v in x)
    return x is None or isinstance(x, (bool, int, float, str, bytearray))


def _model() -> keras.Model:
    m = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    m.compile(optimizer="sgd", loss="mse", metrics=["mae"])
    return m


X = np.linspace(0, 1, 60).reshape(20, 3)
Y = X.sum(axis=1, keepdims=True)


def test_fit_reaches_r_as_plain_data_with_keras_values():
    m = _model()
    out = bridge.call("fit", None, {"object": m, "x": X, "y": Y, "epochs": 3, "verbose": 0,
                                    "validation_split": 0.25})
    assert type(out) is dict and set(out) == {"params", "metrics"}
    assert _plain(out)
    assert list(out["metrics"]) == ["loss", "mae", "val_loss", "val_mae"]
    for name, cell in out["metrics"].items():
        assert _values(cell) == m.history.history[name]  # exactly Keras's numbers
    assert out["params"]["epochs"] == 3 and out["params"]["samples"] == 15
    assert out["params"]["metrics"] == list(out["metrics"])


def test_python_users_still_get_a_history_object():
    h = rk.fit(_model(), X, Y, epochs=2, verbose=0)
    assert isinstance(h, rk.History) and len(h.metrics["loss"]) == 2


class _StopAfter(keras.callbacks.Callback):
    def __init__(self, epochs: int):
        super().__init__()
        self.epochs = epochs

    def on_epoch_end(self, epoch, logs=None):
        if epoch + 1 == self.epochs:
            raise KeyboardInterrupt


def test_an_interrupted_fit_hands_r_the_finished_epochs_as_plain_data():
    m = _model()
    out = bridge.call("fit", None, {"object": m, "x": X, "y": Y, "epochs": 5, "verbose": 0,
                                    "callbacks": [_StopAfter(3)]})
    assert isinstance(out, bridge.Failure) and out.r_class == "rkbridge_interrupt"
    assert _plain(out.value) and set(out.value) == {"params", "metrics"}
    assert out.value["params"]["epochs"] == 5
    losses = _values(out.value["metrics"]["loss"])
    assert losses == m.history.history["loss"] and len(losses) in (2, 3)
