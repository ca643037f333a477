"""A walk through the engine's Python API: the R names and arguments, 1-based indices and
axes, models changed in place, R-shaped results (CONVENTIONS.md section 5)."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import rkbridge as rk
from rkbridge.api import API
from rkbridge.errors import RkIndexError


def test_every_api_function_is_a_module_attribute_with_its_r_name():
    for name in ("keras_model_sequential", "keras_model", "layer_input", "layer_dense",
                 "compile", "fit", "evaluate", "predict", "get_layer", "freeze_weights",
                 "save_model", "load_model", "serialize_model", "model_to_yaml",
                 "application_resnet50", "clone_model", "optimizer_adam", "loss_mean_squared_error"):
        assert name in API and getattr(rk, name) is API[name], name


def test_functions_that_change_their_first_argument_return_it(tmp_path):
    """Models, layers, tokenizers and generators are changed in place, and the function gives
    back the object it changed (the R side returns that invisibly, so pipes keep working);
    loading gives a new object."""
    def model():
        m = rk.keras_model_sequential(input_shape=[3])
        rk.layer_dense(m, units=2, name="a")
        rk.layer_dense(m, units=1, name="b")
        return m

    m = model()
    assert rk.compile(m, optimizer="sgd", loss="mse") is m and m.optimizer is not None
    assert rk.freeze_weights(m) is m and not any(l.trainable for l in m.layers)
    assert rk.unfreeze_weights(m) is m and all(l.trainable for l in m.layers)
    assert rk.set_weights(m, [np.full(w.shape, 0.5) for w in m.get_weights()]) is m
    assert all(np.all(w == 0.5) for w in m.get_weights())
    weights = str(tmp_path / "m.weights.h5")
    assert rk.save_model_weights(m, weights) is m
    other = model()
    assert rk.load_model_weights(other, weights) is other
    assert all(np.all(w == 0.5) for w in other.get_weights())
    saved = str(tmp_path / "m.keras")
    assert rk.save_model(m, saved) is m
    loaded = rk.load_model(saved)
    assert loaded is not m and [l.name for l in loaded.layers] == ["a", "b"]
    assert rk.pop_layer(m) is m and [l.name for l in m.layers] == ["a"]

    tok = rk.text_tokenizer()
    assert rk.fit_text_tokenizer(tok, ["a b c", "a b"]) is tok
    assert tok.word_index == {"a": 1, "b": 2, "c": 3}
    lookup = rk.layer_string_lookup()
    assert rk.adapt(lookup, np.array(["x", "y", "x"])) is lookup
    assert list(rk.get_vocabulary(lookup)) == ["[UNK]", "x", "y"]
    assert rk.set_vocabulary(lookup, ["p", "q"]) is lookup
    assert list(rk.get_vocabulary(lookup)) == ["[UNK]", "p", "q"]
    gen = rk.image_data_generator(featurewise_center=True)
    assert rk.fit_image_data_generator(gen, np.ones((4, 5, 5, 1))) is gen
    assert np.allclose(gen.mean, 1.0)


def test_sequential_workflow_python_style(tmp_path):
    model = rk.keras_model_sequential(name="walk")
    assert rk.layer_dense(model, units=8, activation="relu", input_shape=[3]) is model
    rk.layer_dense(model, units=2, activation="softmax")
    assert rk.compile(model, optimizer=rk.optimizer_adam(learning_rate=0.01),
                      loss="categorical_crossentropy", metrics="accuracy") is model
    df = pd.DataFrame({"a": np.linspace(0, 1, 40), "b": np.linspace(1, 0, 40),
                       "c": np.tile([0.0, 1.0], 20)})
    y = rk.to_categorical((df["c"] > 0.5).astype(int).to_numpy(), 2)
    h = rk.fit(model, df, y, epochs=3, batch_size=8, verbose=0)
    assert isinstance(h, rk.History)
    assert len(h.metrics["loss"]) == 3 and len(h.metrics["accuracy"]) == 3
    assert h.params["epochs"] == 3
    ev = rk.evaluate(model, df, y)
    assert set(ev) == {"loss", "accuracy"} and all(isinstance(v, float) for v in ev.values())
    assert rk.predict(model, df).shape == (40, 2)
    classes = rk.predict_classes(model, df)
    assert set(np.unique(classes)) <= {0, 1}
    # persistence from Python with the same names
    rk.save_model(model, str(tmp_path / "walk.keras"))
    back = rk.load_model(str(tmp_path / "walk.keras"))
    np.testing.assert_allclose(rk.predict(back, df), rk.predict(model, df), atol=1e-6)


def test_one_based_indices_and_axes():
    model = rk.keras_model_sequential(input_shape=[4])
    for n in ("first", "second", "third"):
        rk.layer_dense(model, 2, name=n)
    assert rk.get_layer(model, index=1).name == "first"
    assert rk.get_layer(model, index=-1).name == "third"
    with pytest.raises(RkIndexError):
        rk.get_layer(model, index=0)
    rk.freeze_weights(model, to=-2)
    assert [l.trainable for l in model.layers] == [False, False, True]
    x = np.arange(6.0).reshape(2, 3)
    # k_sum with axis = 2 sums the features (R's rowSums); axis = 1 sums over samples
    np.testing.assert_allclose(rk.as_numpy(rk.k_sum(x, axis=2)), x.sum(axis=1))
    np.testing.assert_allclose(rk.as_numpy(rk.k_sum(x, axis=1)), x.sum(axis=0))


def test_functional_model_and_weights():
    inp = rk.layer_input(shape=[3], name="in")
    out = rk.layer_dense(inp, 2, name="d")
    model = rk.keras_model(inp, out)
    w = rk.get_weights(model)
    assert w[0].shape == (3, 2) and w[1].shape == (2,)
    rk.set_weights(model, [np.ones((3, 2)), np.zeros(2)])
    np.testing.assert_allclose(rk.predict(model, np.ones((1, 3))), [[3.0, 3.0]])
    twin = rk.unserialize_model(rk.serialize_model(model))
    np.testing.assert_allclose(rk.get_weights(twin)[0], np.ones((3, 2)))
