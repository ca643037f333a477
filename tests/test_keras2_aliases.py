"""keras 2.x leftovers, engine side: the keras 2.x aliases, removed
TensorBoard arguments, merge layers with separate inputs, cells without `object`, and the R
interfaces' defaults. Values are checked against Keras itself."""
from __future__ import annotations

import warnings

import numpy as np
import pytest

from rkbridge import api
from rkbridge.wrappers import args as A, layers, naming
from rkbridge._keras import keras

API = api.API


def _messages(fn, *args, **kwargs):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", A.RkDeprecationWarning)
        value = fn(*args, **kwargs)
    return value, [str(w.message) for w in caught
                   if issubclass(w.category, A.RkDeprecationWarning)]


def test_every_alias_targets_an_existing_function():
    for name, alias in naming.KERAS2_ALIASES.items():
        assert name in API and alias.target in API, name


def test_thresholded_relu_is_x_above_theta_else_zero():
    x = np.array([[-2.0, -1.0, 0.0, 0.5, 1.0, np.nextafter(1.0, 2.0), 1.5, 3.0]],
                 dtype="float32")
    for theta in (1.0, 0.5, 0.0, 2.0):
        layer = API["layer_activation_thresholded_relu"](theta=theta)
        assert isinstance(layer, keras.layers.ReLU)
        assert np.array_equal(np.asarray(layer(x)), np.where(x > theta, x, 0.0)), theta
    layer = API["layer_activation_thresholded_relu"]()  # keras 2.x's default theta = 1
    assert layer.threshold == 1.0 and layer.max_value is None and layer.negative_slope == 0
    assert API["layer_activation_thresholded_relu"](None, 0.25).threshold == 0.25
    with pytest.raises(Exception, match="max_value"):
        API["layer_activation_thresholded_relu"](max_value=2.0)


def test_selu_layer_is_an_activation_layer():
    layer = API["layer_activation_selu"]()
    x = np.array([[-1.0, 0.5, 2.0]], dtype="float32")
    assert layer.get_config()["activation"] == "selu"
    np.testing.assert_allclose(np.asarray(layer(x)), np.asarray(keras.activations.selu(x)))


def test_cudnn_layers_are_gru_lstm_with_cudnn_settings():
    gru, msgs = _messages(API["layer_cudnn_gru"], None, 3.0, return_sequences=True)
    assert type(gru) is keras.layers.GRU and gru.units == 3 and gru.return_sequences
    cfg = gru.get_config()
    assert (cfg["activation"], cfg["recurrent_activation"], cfg["reset_after"],
            cfg["use_bias"], cfg["dropout"], cfg["recurrent_dropout"], cfg["unroll"]) == \
        ("tanh", "sigmoid", True, True, 0.0, 0.0, False)
    assert msgs and "layer_gru()" in msgs[0]
    lstm, msgs = _messages(API["layer_cudnn_lstm"], None, 2.0, unit_forget_bias=False)
    assert type(lstm) is keras.layers.LSTM and lstm.units == 2
    assert lstm.get_config()["unit_forget_bias"] is False
    assert msgs and "layer_lstm()" in msgs[0]
    with pytest.raises(Exception, match="recurrent_activation"):
        _messages(API["layer_cudnn_lstm"], units=2.0, recurrent_activation="relu")


def test_loss_and_metric_aliases_compute_as_keras():
    yt = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]], dtype="float32")
    yp = np.array([[1.0, 0.0], [1.0, 0.0], [2.0, 2.5]], dtype="float32")
    np.testing.assert_allclose(np.asarray(API["loss_logcosh"](yt, yp)),
                               np.asarray(keras.losses.log_cosh(yt, yp)))
    assert type(API["loss_logcosh"]()) is keras.losses.LogCosh
    cos, msgs = _messages(API["loss_cosine_proximity"], yt, yp)
    cosine = (yt * yp).sum(1) / np.linalg.norm(yt, axis=1) / np.linalg.norm(yp, axis=1)
    np.testing.assert_allclose(np.asarray(cos), -cosine, rtol=1e-6)  # minus: a loss
    assert msgs and "loss_cosine_similarity()" in msgs[0]
    assert type(_messages(API["loss_cosine_proximity"])[0]) is keras.losses.CosineSimilarity
    # metric_cosine_proximity: TensorFlow's v1 metric, the loss function (minus cosine)
    val, msgs = _messages(API["metric_cosine_proximity"], yt, yp)
    np.testing.assert_allclose(np.asarray(val), -cosine, rtol=1e-6)
    assert msgs
    fn, _ = _messages(API["metric_cosine_proximity"])
    assert fn.__name__ == "cosine_proximity"
    m = API["metric_logcosh_error"]()
    assert type(m) is keras.metrics.LogCoshError and m.name == "logcosh"
    cb = API["callback_terminate_on_naan"]()
    assert type(cb) is keras.callbacks.TerminateOnNaN


def test_cosine_proximity_metric_in_fit_history():
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(2)])
    fn, _ = _messages(API["metric_cosine_proximity"])
    model.compile(optimizer="sgd", loss="mse", metrics=[fn])
    x = np.array([[1.0, 2.0], [3.0, 1.0]], dtype="float32")
    h = model.fit(x, x, epochs=1, verbose=0)
    assert "cosine_proximity" in h.history


def test_tensorboard_accepts_keras2_arguments(tmp_path):
    cb, msgs = _messages(API["callback_tensorboard"], log_dir=str(tmp_path), batch_size=32.0,
                         write_grads=True, embeddings_freq=1.0,
                         embeddings_layer_names=["emb"], embeddings_data=np.zeros(3),
                         embeddings_metadata=None)
    assert type(cb) is keras.callbacks.TensorBoard
    assert cb.embeddings_freq == 1 and cb.log_dir == str(tmp_path)
    assert sorted(m.split("`")[1] for m in msgs) == ["batch_size", "embeddings_data",
                                                     "embeddings_layer_names", "write_grads"]
    _, msgs = _messages(API["callback_tensorboard"], write_grads=False, log_dir=None)
    assert msgs == []


def test_merge_layers_take_inputs_as_separate_arguments(rk):
    a, b, c = (keras.Input((3,)) for _ in range(3))
    xs = [np.array([[1.0, 2.0, 3.0]]), np.array([[4.0, 5.0, 6.0]]), np.array([[2.0, 0.5, 1.0]])]
    out = rk.layer_multiply(a, b, c)
    got = keras.Model([a, b, c], out).predict(xs, verbose=0)
    np.testing.assert_allclose(got, xs[0] * xs[1] * xs[2])
    for out in (rk.layer_add(a, b), rk.layer_add([a, b]), rk.layer_add(inputs=[a, b])):
        np.testing.assert_allclose(keras.Model([a, b], out).predict(xs[:2], verbose=0),
                                   xs[0] + xs[1])
    assert isinstance(rk.layer_add(), keras.layers.Add)
    assert rk.layer_concatenate(axis=2.0).axis == 1
    cat = rk.layer_concatenate(a, b, axis=2.0)
    assert tuple(cat.shape) == (None, 6)
    np.testing.assert_allclose(keras.Model([a, b], cat).predict(xs[:2], verbose=0),
                               np.concatenate(xs[:2], axis=1))
    # keras 2.x: after a list of inputs, an unnamed number is the next argument
    assert tuple(rk.layer_concatenate([a, b], -1.0).shape) == (None, 6)
    dot = rk.layer_dot(a, b, axes=2.0)
    np.testing.assert_allclose(keras.Model([a, b], dot).predict(xs[:2], verbose=0),
                               (xs[0] * xs[1]).sum(1, keepdims=True))
    assert tuple(rk.layer_dot([a, b], np.array([2.0, 2.0])).shape) == (None, 1)
    # arrays compute at once
    np.testing.assert_allclose(np.asarray(rk.layer_subtract(xs[0], xs[1])), xs[0] - xs[1])


def test_cells_take_units_first(rk):
    for name, cls in (("layer_gru_cell", keras.layers.GRUCell),
                      ("layer_lstm_cell", keras.layers.LSTMCell),
                      ("layer_simple_rnn_cell", keras.layers.SimpleRNNCell)):
        cell = API[name](4.0)
        assert type(cell) is cls and cell.units == 4
    stacked = API["layer_stacked_rnn_cells"]([API["layer_gru_cell"](2.0)])
    assert type(stacked) is keras.layers.StackedRNNCells


@pytest.mark.parametrize("cls,r_name,default", [
    ("AveragePooling1D", "layer_average_pooling_1d", (2,)),
    ("AveragePooling2D", "layer_average_pooling_2d", (2, 2)),
    ("AveragePooling3D", "layer_average_pooling_3d", (2, 2, 2)),
])
def test_r_defaults_where_keras_requires(cls, r_name, default):
    assert set(layers.R_DEFAULTS) == {"AveragePooling1D", "AveragePooling2D",
                                      "AveragePooling3D"}
    layer = API[r_name]()
    assert tuple(layer.pool_size) == default
    assert tuple(layer.pool_size) == tuple(getattr(keras.layers, cls)(pool_size=2).pool_size)
    assert tuple(API[r_name](pool_size=3.0).pool_size) == (3,) * len(default)


def test_keras2_other_defaults_are_documented_not_applied():
    """keras 2.x's hard_sigmoid defaults: Keras's default stays, the docs name keras 2.x's."""
    from tools import generate_r
    for cls in [*layers.R_DEFAULTS, *layers.KERAS2_OTHER_DEFAULTS]:
        assert hasattr(keras.layers, cls)
    layer = API["layer_conv_lstm_2d"](filters=2.0, kernel_size=3.0)
    assert layer.get_config()["recurrent_activation"] == "sigmoid"
    block = generate_r.layer_block(layers.LAYERS["layer_conv_lstm_2d"])
    assert "keras 2.x R interface's default was `\"hard_sigmoid\"`" in block
    assert "`reset_after = FALSE`" in generate_r.layer_block(layers.LAYERS["layer_gru"])
