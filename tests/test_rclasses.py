"""The engine side of R-defined classes (rkbridge/training/rclasses.py), with Python functions in the
place of R methods: the classes are real Keras subclasses with the R methods' signatures,
compute what Keras's own layers compute, train, save and load under their own names, and
report an error in a method as that method's error."""
from __future__ import annotations

import inspect
import os

import numpy as np
import pytest

from rkbridge import diagnose
from rkbridge.training import rclasses
from rkbridge.boundary import rfunctions
from rkbridge._keras import keras


def sig(*names: str, defaults: tuple[str, ...] = (), dots: bool = False) -> dict:
    return {"names": list(names), "has_default": [n in defaults for n in names],
            "dots": dots}


def dense_class(name: str = "PyDense") -> type:
    def init(self, units=4, **kwargs):
        rclasses.super_call(cls, self, "initialize", kwargs=kwargs)
        self.units = int(units)

    def build(self, input_shape):
        # what R gives: doubles for the shape
        self.w = self.add_weight(shape=[float(input_shape[-1]), float(self.units)],
                                 initializer="random_normal", name="w")
        self.b = self.add_weight(shape=float(self.units), initializer="zeros", name="b")

    def call(self, inputs):
        return keras.ops.matmul(inputs, self.w) + self.b

    def get_config(self):
        config = rclasses.super_call(cls, self, "get_config")
        config["units"] = self.units
        return config

    cls = rclasses.new_class(
        name, methods={"initialize": init, "build": build, "call": call,
                       "get_config": get_config},
        signatures={"initialize": {**sig("units", defaults=("units",), dots=True),
                                   "calls_super": True},
                    "build": sig("input_shape"), "call": sig("inputs"),
                    "get_config": sig()})
    return cls


def test_a_class_is_a_keras_subclass_with_the_r_signatures():
    cls = dense_class()
    assert issubclass(cls, keras.layers.Layer)
    assert list(inspect.signature(cls.call).parameters) == ["self", "inputs"]
    assert list(inspect.signature(cls.build).parameters) == ["self", "input_shape"]
    assert rclasses.class_kind(cls) == "layer"
    assert keras.saving.get_registered_name(cls) == "PyDense"
    assert keras.saving.get_registered_object("PyDense") is cls


def test_custom_dense_equals_keras_dense_with_the_same_weights():
    cls = dense_class()
    x = np.random.default_rng(1).random((6, 5)).astype("float32")
    layer = cls(units=3)
    out = np.asarray(layer(x))
    dense = keras.layers.Dense(3)
    dense.build((None, 5))
    dense.set_weights(layer.get_weights())
    np.testing.assert_allclose(out, np.asarray(dense(x)), rtol=1e-6)
    assert [tuple(w.shape) for w in layer.weights] == [(5, 3), (3,)]


def test_model_with_the_class_trains_saves_and_loads(tmp_path):
    cls = dense_class("PyDenseSaved")
    rng = np.random.default_rng(2)
    x = rng.random((64, 5)).astype("float32")
    y = x @ np.array([[1.0], [-2.0], [0.5], [1.0], [0.0]], dtype="float32")
    model = keras.Sequential([keras.Input((5,)), cls(units=1)])
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
    h = model.fit(x, y, epochs=8, batch_size=16, verbose=0)
    assert h.history["loss"][-1] < h.history["loss"][0] / 2
    path = os.path.join(tmp_path, "m.keras")
    model.save(path)
    back = keras.saving.load_model(path, custom_objects={"PyDenseSaved": cls})
    np.testing.assert_array_equal(back.predict(x, verbose=0), model.predict(x, verbose=0))
    assert type(back.layers[0]) is cls and back.layers[0].units == 1


def test_an_error_in_a_method_is_reported_as_that_method_s_error():
    def call(self, inputs):
        raise RuntimeError("The `call` method of Failing failed: the R message")

    cls = rclasses.new_class("Failing", methods={"call": rfunctions.r_function(call)},
                             signatures={"call": sig("inputs")})
    with pytest.raises(Exception) as info:
        keras.Sequential([keras.Input((3,)), cls()])
    err = diagnose.translate(info.value)
    assert isinstance(err, rclasses.RkMethodError)
    assert str(err) == "The `call` method of Failing failed: the R message"


def test_r6_initialize_gets_the_base_arguments_first():
    seen = {}

    def init(self, output_dim):
        seen["name"] = self.name
        self.output_dim = output_dim

    cls = rclasses.new_class("R6Style", methods={"initialize": init,
                                                 "call": lambda self, x: x},
                             signatures={"initialize": sig("output_dim"),
                                         "call": sig("x")}, r6=True)
    layer = cls(output_dim=2, name="given", input_shape=[3.0])
    assert seen["name"] == "given" and layer.output_dim == 2


def test_callback_hooks_see_one_based_epochs_and_plain_logs():
    seen = []
    cls = rclasses.new_class(
        "PyRecorder", inherit="callback",
        methods={"on_epoch_end": lambda self, epoch, logs: seen.append((epoch, logs))})
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    model.fit(np.ones((4, 2)), np.ones((4, 1)), epochs=2, verbose=0, callbacks=[cls()])
    assert [e for e, _ in seen] == [1, 2]
    assert all(isinstance(logs["loss"], float) for _, logs in seen)


def test_unknown_base_is_an_error_in_r_terms():
    with pytest.raises(rclasses.RkValueError, match="not a Keras base class"):
        rclasses.new_class("X", inherit="optimizer")
    with pytest.raises(rclasses.RkValueError, match="syntactic name"):
        rclasses.new_class("not a name")


def test_methods_refuse_a_thread_that_is_not_r_s():
    import threading

    cls = rclasses.new_class("Threaded", methods={"call": rfunctions.r_function(
        lambda self, inputs: inputs)}, signatures={"call": sig("inputs")})
    layer, caught = cls(), []

    def run() -> None:
        try:
            layer(np.ones((1, 2), dtype="float32"))
        except Exception as e:  # noqa: BLE001
            caught.append(diagnose.translate(e))

    t = threading.Thread(target=run)
    t.start()
    t.join()
    assert isinstance(caught[0], rfunctions.RkCallbackError)
    assert "background thread" in str(caught[0])


def test_private_keys_are_never_reused():
    cls = rclasses.new_class("Keyed", inherit="object")
    keys = {rclasses.private_key(cls()) for _ in range(50)}
    assert len(keys) == 50
