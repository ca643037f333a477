"""Functional API, model surgery and applications through the engine's R-named functions."""
from __future__ import annotations

import os

import numpy as np
import pytest

import rkbridge as rk
from rkbridge.wrappers import applications
from rkbridge._keras import keras, tf
from rkbridge.errors import RkIndexError, RkNetworkError, RkValueError


def two_in_two_out():
    a = rk.layer_input(shape=[4], name="a")
    b = rk.layer_input(shape=[3], name="b")
    h = rk.layer_dense(rk.layer_concatenate([a, b]), 8, activation="relu")
    reg = rk.layer_dense(h, 1, name="reg")
    cls = rk.layer_dense(h, 3, activation="softmax", name="cls")
    return rk.keras_model(inputs=[a, b], outputs=[reg, cls])


def data(n=12, seed=0):
    r = np.random.default_rng(seed)
    xa, xb = r.random((n, 4)), r.random((n, 3))
    yr = r.random((n, 1))
    yc = rk.to_categorical(r.integers(0, 3, n), 3)
    return xa, xb, yr, yc


def test_multi_input_output_by_name_and_in_order():
    m = two_in_two_out()
    assert len(m.inputs) == 2 and len(m.outputs) == 2
    rk.compile(m, optimizer="adam", loss={"reg": "mse", "cls": "categorical_crossentropy"},
               loss_weights={"reg": 1.0, "cls": 0.5}, metrics={"cls": "accuracy"})
    xa, xb, yr, yc = data()
    h = rk.fit(m, {"b": xb, "a": xa}, {"cls": yc, "reg": yr}, epochs=2, verbose=0)
    assert {"loss", "reg_loss", "cls_loss", "cls_accuracy"} <= set(h.metrics)
    assert all(len(v) == 2 for v in h.metrics.values())
    rk.fit(m, [xa, xb], [yr, yc], epochs=1, verbose=0)
    ev = rk.evaluate(m, {"a": xa, "b": xb}, {"reg": yr, "cls": yc})
    assert set(ev) >= {"loss", "reg_loss", "cls_loss"}
    by_name = rk.predict(m, {"b": xb, "a": xa})
    in_order = rk.predict(m, [xa, xb])
    assert isinstance(by_name, list) and len(by_name) == 2
    assert by_name[0].shape == (12, 1) and by_name[1].shape == (12, 3)
    np.testing.assert_allclose(by_name[1], in_order[1], atol=1e-6)
    # the named loss weights are used: loss = reg_loss + 0.5 * cls_loss
    assert ev["loss"] == pytest.approx(ev["reg_loss"] + 0.5 * ev["cls_loss"], rel=1e-3)


def test_unknown_input_name_is_an_r_error():
    m = two_in_two_out()
    xa, xb, _, _ = data()
    with pytest.raises(RkValueError, match=r"named \"c\" but the model's inputs are named 'a', 'b'"):
        rk.predict(m, {"a": xa, "c": xb})


def test_shared_layer_is_one_layer_used_twice():
    ta, tb = rk.layer_input(shape=[5, 2]), rk.layer_input(shape=[5, 2])
    shared = rk.layer_lstm(units=3)
    ea, eb = rk.compose_layer(ta, shared), rk.compose_layer(tb, shared)
    out = rk.layer_dense(rk.layer_concatenate([ea, eb], axis=-1), 1)
    m = rk.keras_model([ta, tb], out)
    assert sum(isinstance(l, keras.layers.LSTM) for l in m.layers) == 1
    x = np.ones((2, 5, 2))
    p = rk.predict(m, [x, x])
    assert p.shape == (2, 1)


def test_merge_layers_compute_elementwise():
    a, b = rk.layer_input(shape=[3]), rk.layer_input(shape=[3])
    u = np.array([[1.0, 5.0, 3.0]])
    v = np.array([[4.0, 2.0, 3.0]])
    expected = {"layer_add": u + v, "layer_subtract": u - v, "layer_multiply": u * v,
                "layer_average": (u + v) / 2, "layer_maximum": np.maximum(u, v),
                "layer_minimum": np.minimum(u, v)}
    for name, want in expected.items():
        m = rk.keras_model([a, b], getattr(rk, name)([a, b]))
        np.testing.assert_allclose(rk.predict(m, [u, v]), want, err_msg=name)


def test_layer_dot_axes_are_one_based():
    a, b = rk.layer_input(shape=[4]), rk.layer_input(shape=[4])
    u = np.arange(1.0, 9.0).reshape(2, 4)
    v = np.ones((2, 4))
    for axes in (2, -1):  # 2 is the first feature axis, -1 the last: the same here
        m = rk.keras_model([a, b], rk.layer_dot([a, b], axes=axes))
        np.testing.assert_allclose(rk.predict(m, [u, v]), u.sum(axis=1, keepdims=True))
    with pytest.raises(RkValueError, match="1-based"):
        rk.layer_dot([a, b], axes=0)
    # 3-D: axes = 3 contracts the last (feature) axis, axes = 2 the time axis
    s, t = rk.layer_input(shape=[2, 3]), rk.layer_input(shape=[2, 3])
    m = rk.keras_model([s, t], rk.layer_dot([s, t], axes=2))
    x = np.arange(12.0).reshape(2, 2, 3)
    assert rk.predict(m, [x, x]).shape == (2, 3, 3)


def test_model_as_layer_and_feature_extractor():
    base = rk.keras_model_sequential(input_shape=[4])
    rk.layer_dense(base, 3, name="inner")
    outer = rk.keras_model_sequential()
    rk.compose_layer(outer, base)
    rk.layer_dense(outer, 2)
    assert rk.predict(outer, np.ones((5, 4))).shape == (5, 2)
    fe = rk.keras_model(inputs=base.inputs, outputs=[l.output for l in base.layers])
    assert len(rk.predict(fe, np.ones((1, 4))).shape) == 2


def test_tensor_call_and_shape():
    m = rk.keras_model_sequential()
    rk.layer_dense(m, 4)
    y = m(tf.ones(rk.shape(3, 3)))  # tf$ones(shape(3, 3)) in R
    assert tuple(y.shape) == (3, 4)
    assert rk.shape(None, 3).as_list() == [None, 3]
    assert rk.as_numpy(keras.ops.ones((2, 2))).shape == (2, 2)


def test_surgery_indices_names_and_recompiled_functions():
    m = rk.keras_model_sequential(input_shape=[6])
    for i, n in enumerate(["h1", "h2", "h3", "out"]):
        rk.layer_dense(m, 5 - i, name=n)
    assert rk.get_layer(m, index=1).name == "h1"
    assert rk.get_layer(m, index=-1).name == "out"
    with pytest.raises(RkIndexError, match="1 to 4"):
        rk.get_layer(m, index=5)
    rk.freeze_weights(m, **{"from": "h2"}, to=-2)
    assert [l.trainable for l in m.layers] == [True, False, False, True]
    rk.unfreeze_weights(m)
    assert all(l.trainable for l in m.layers)
    x = np.ones((2, 6))
    assert rk.predict(m, x).shape == (2, 2)
    rk.pop_layer(m)
    assert rk.predict(m, x).shape == (2, 3)  # not the cached 4-layer function
    rk.layer_dense(m, 7)
    assert rk.predict(m, x).shape == (2, 7)


def test_clone_model_has_new_weights_and_compile_settings():
    m = rk.keras_model_sequential(input_shape=[3])
    rk.layer_dense(m, 2)
    mean_pred = rk.custom_metric("mean_pred", lambda yt, yp: keras.ops.mean(yp))
    rk.compile(m, optimizer="sgd", loss="mse", metrics=[mean_pred])
    c = rk.clone_model(m)
    assert c is not m and rk.count_params(c) == rk.count_params(m) == 8
    assert c.layers[0] is not m.layers[0]
    assert c.compiled


# -- applications ----------------------------------------------------------------------

def test_application_names():
    assert applications.app_r_name("MobileNetV3Large") == "mobilenet_v3_large"
    assert applications.app_r_name("EfficientNetB0") == "efficientnet_b0"
    assert applications.app_r_name("EfficientNetV2B0") == "efficientnet_v2b0"
    assert applications.app_r_name("ResNet50V2") == "resnet50_v2"
    assert applications.app_r_name("InceptionResNetV2") == "inception_resnet_v2"
    assert applications.app_r_name("NASNetMobile") == "nasnetmobile"  # as the R interface
    assert applications.app_r_name("NASNetLarge") == "nasnetlarge"
    for name in ("application_xception", "application_vgg16", "application_resnet50",
                 "application_mobilenet_v2", "application_efficientnet_b0",
                 "xception_preprocess_input", "imagenet_preprocess_input",
                 "imagenet_decode_predictions"):
        assert name in rk.__all__, name


@pytest.mark.parametrize("name,size", [("application_xception", 71),
                                       ("application_vgg16", 32),
                                       ("application_resnet50", 32),
                                       ("application_mobilenet_v2", 32),
                                       ("application_efficientnet_b0", 32)])
def test_applications_without_weights(name, size):
    m = getattr(rk, name)(weights=None, include_top=False, pooling="avg",
                          input_shape=[size, size, 3])
    p = rk.predict(m, np.random.default_rng(0).random((1, size, size, 3)) * 255)
    assert p.ndim == 2 and p.shape[0] == 1


def test_preprocess_input_scales_and_leaves_input_alone():
    x = np.array([0.0, 127.5, 255.0]).reshape(1, 1, 1, 3)
    x.flags.writeable = False  # as R's memory arrives
    out = rk.mobilenet_v2_preprocess_input(x)
    np.testing.assert_allclose(out.reshape(-1), [-1, 0, 1])
    np.testing.assert_allclose(x.reshape(-1), [0, 127.5, 255])


def test_weights_file_that_does_not_exist():
    with pytest.raises(RkNetworkError, match="does not exist"):
        rk.application_vgg16(weights="/nonexistent/nope.h5")


def test_decode_predictions_reads_the_class_index_from_the_cache(tmp_path, monkeypatch):
    import json
    from keras.src.applications import imagenet_utils
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    monkeypatch.setattr(imagenet_utils, "CLASS_INDEX", None)
    from test_downloads import _unreachable
    _unreachable(monkeypatch)  # offline, whatever the machine
    preds = np.zeros((2, 1000))
    preds[0, 7], preds[1, 3] = 0.9, 0.8
    with pytest.raises(RkNetworkError, match="imagenet_class_index.json"):
        rk.imagenet_decode_predictions(preds, top=2)
    index = {str(i): [f"n{i:08d}", f"class{i}"] for i in range(1000)}
    (tmp_path / "models" / "imagenet_class_index.json").write_text(json.dumps(index))
    out = rk.imagenet_decode_predictions(preds, top=2)
    assert out[0]["class_description"][0] == "class7" and out[0]["score"][0] == pytest.approx(0.9)
    assert out[1]["class_name"][0] == "n00000003" and len(out[1]["score"]) == 2


def test_unnamed_lists_follow_the_order_the_model_was_given():
    """Outputs list(b =, a =) with y = list(y_b, y_a): `b` trains on y_b. Keras alone
    matches an unnamed list in the sorted order of the names (b on y_a, silently)."""
    from rkbridge.training import model as M
    ib, ia = keras.Input((1,)), keras.Input((1,))
    zeros = dict(kernel_initializer="zeros", bias_initializer="zeros")
    m = keras.Model({"b": ib, "a": ia}, {"b": keras.layers.Dense(1, **zeros)(ib),
                                         "a": keras.layers.Dense(1, **zeros)(ia)})
    m.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
    x = [np.zeros((64, 1)), np.zeros((64, 1))]
    y = [np.full((64, 1), 5.0), np.full((64, 1), -5.0)]
    h = M.fit(m, x, y, epochs=30, verbose=0, validation_data=(x, y))
    p = M.predict(m, [np.zeros((1, 1)), np.zeros((1, 1))])
    assert p["b"][0, 0] == pytest.approx(5.0, abs=0.05)
    assert p["a"][0, 0] == pytest.approx(-5.0, abs=0.05)
    assert h.metrics["val_loss"][-1] < 0.01  # validation matched the same way
    # inputs too: b's input scaled by 1, a's by 0
    m2 = keras.Model({"b": ib, "a": ia}, [keras.layers.Dense(1, kernel_initializer="ones",
                                                             use_bias=False)(ib),
                                          keras.layers.Dense(1, kernel_initializer="zeros",
                                                             use_bias=False)(ia)])
    out = M.predict(m2, [np.array([[1.0]]), np.array([[2.0]])])
    assert float(out[0][0, 0]) == 1.0 and float(out[1][0, 0]) == 0.0


def test_a_single_string_into_a_text_layer_is_a_scalar():
    # R's "a b c" is one string, not a batch of one: both R interfaces passed a Python str
    vec = rk.layer_text_vectorization()
    vec.adapt(["a b c d e f g"])
    assert tuple(rk.compose_layer("a b c d e f g", vec).shape) == (7,)
    assert tuple(rk.compose_layer(["a b c d e f g", "a b"], vec).shape) == (2, 7)
    lookup = rk.layer_string_lookup(vocabulary=["a", "b"])
    assert int(rk.compose_layer("b", lookup)) == 2
