"""Keras/TF errors reach users in R terms (rkbridge.diagnose), through the bridge as R does."""
from __future__ import annotations

import os
import urllib.error

import numpy as np
import pytest

import rkbridge as rk
from rkbridge import diagnose
from rkbridge.boundary import bridge
from rkbridge._keras import keras


def fail(name: str, *args, **kwargs) -> bridge.Failure:
    res = bridge.call(name, list(args), kwargs)
    assert isinstance(res, bridge.Failure), f"{name} did not fail: {res!r}"
    assert "Traceback" not in res.message and 'File "' not in res.message
    return res


def fail_object(obj, *args, **kwargs) -> bridge.Failure:
    res = bridge.call_object(obj, list(args), kwargs)
    assert isinstance(res, bridge.Failure), f"did not fail: {res!r}"
    assert "Traceback" not in res.message
    return res


@pytest.fixture(scope="module")
def mlp():
    m = rk.keras_model_sequential(input_shape=[4])
    rk.layer_dense(m, units=3, activation="softmax")
    return m


def test_unknown_names_suggest_the_closest(mlp):
    f = fail("compile", mlp, optimizer="adamx", loss="mse")
    assert f.r_class == "rkbridge_value_error"
    assert f.message.startswith('Unknown optimizer "adamx".') and "'adam'" in f.message
    f = fail("compile", mlp, optimizer="adam", loss="categorical_crossentropyy")
    assert "Unknown loss" in f.message and "'categorical_crossentropy'" in f.message
    f = fail("compile", mlp, optimizer="adam", loss="mse", metrics=["accuracy", "maee"])
    assert 'Unknown metric "maee"' in f.message and "'mae'" in f.message
    f = fail("layer_dense", units=3, activation="sigmoidd")
    assert 'Unknown activation "sigmoidd"' in f.message and "'sigmoid'" in f.message


def test_compile_accepts_keras_metric_aliases(mlp):
    assert bridge.call("compile", [mlp], dict(optimizer="adam", loss="mse",
                                              metrics=["accuracy", "acc", "mae"])) is mlp


@pytest.mark.parametrize("fn,kw,text", [
    ("layer_dense", dict(units=0), "`units` must be a positive whole number, not 0."),
    ("layer_dense", dict(units=-3.0), "`units` must be a positive whole number, not -3."),
    ("layer_conv_2d", dict(filters=0, kernel_size=3),
     "`filters` must be a positive whole number, not 0."),
    ("layer_dropout", dict(rate=1.0), "`rate` must be in [0, 1), not 1."),
    ("layer_dropout", dict(rate=-0.1), "`rate` must be in [0, 1), not -0.1."),
])
def test_argument_ranges(fn, kw, text):
    f = fail(fn, **kw)
    assert f.r_class == "rkbridge_value_error"
    assert f.message == text


def test_bad_class_codes_are_said_before_keras_sees_them(mlp):
    bridge.call("compile", [mlp], dict(optimizer="adam", loss="sparse_categorical_crossentropy"))
    f = fail("fit", mlp, np.zeros((2, 4)), np.array([5.0, 1.0]), verbose=0)
    assert f.message == ("`y` holds the class code 5, but the output has 3 units: class codes "
                         "must be 0 to 2.")


def test_graph_errors_lose_their_node_listing(mlp):
    # a loss the data rules do not recognise as sparse: the bad label reaches TensorFlow
    def loss(y_true, y_pred):
        return keras.losses.sparse_categorical_crossentropy(y_true, y_pred)
    bridge.call("compile", [mlp], dict(optimizer="adam", loss=loss))
    f = fail("fit", mlp, np.zeros((2, 4)), np.array([5.0, 1.0]), verbose=0)
    # TensorFlow runs independent graph ops in parallel, and either of two ops may report the
    # bad label first (seen on a loaded CI machine): both must arrive as one clean line.
    assert f.message.startswith(("Received a label value of 5 which is outside the valid "
                                 "range of [0, 3)", "Incompatible shapes: [2] vs. [2,3]"))
    assert "Detected at node" not in f.message and "[[" not in f.message
    assert "\n" not in f.message.strip()


def test_calling_a_model_with_the_wrong_shape_says_r_dims(mlp):
    f = fail_object(mlp, np.zeros((2, 3), dtype="float32"))
    assert f.r_class == "rkbridge_shape_error"
    assert "c(2, 3)" in f.message and "Arguments received" not in f.message


def test_r_shapes():
    assert diagnose.r_shapes("shape (None, 4) vs (2,)") == "shape c(NA, 4) vs c(2)"


def test_loading_missing_truncated_and_non_model_files(tmp_path):
    load = keras.saving.load_model
    f = fail_object(load, str(tmp_path / "nothing.keras"))
    assert f.r_class == "rkbridge_io_error" and "does not exist" in f.message
    m = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    good = tmp_path / "m.keras"
    m.save(good)
    data = good.read_bytes()
    half = tmp_path / "half.keras"
    half.write_bytes(data[: len(data) // 2])
    f = fail_object(load, str(half))
    assert f.r_class == "rkbridge_io_error" and "truncated or corrupt" in f.message
    txt = tmp_path / "notes.txt"
    txt.write_text("not a model")
    f = fail_object(load, str(txt))
    assert f.r_class == "rkbridge_io_error" and "is not a Keras model file" in f.message
    h5 = tmp_path / "notes.h5"
    h5.write_text("not a model")
    f = fail_object(load, str(h5))
    assert f.r_class == "rkbridge_io_error" and "not an HDF5" in f.message
    assert "(file signature not found)" in bridge.last_traceback()


def test_imagenet_weights_without_network(monkeypatch):
    from keras.src.utils import file_utils
    target = os.path.join(os.path.expanduser("~"), ".keras", "models",
                          "mobilenet_1_0_128_tf_no_top.h5")
    if os.path.exists(target):
        pytest.skip("weights are cached here")

    def offline(*args, **kwargs):
        raise urllib.error.URLError("[Errno -2] Name or service not known")
    monkeypatch.setattr(file_utils, "urlretrieve", offline)
    f = fail_object(keras.applications.MobileNet, input_shape=(128, 128, 3), alpha=1.0,
                    include_top=False, weights="imagenet")
    assert f.r_class == "rkbridge_network_error"
    assert f.message.startswith("Could not download https://")
    assert "weights = NULL" in f.message


def test_unrecognised_errors_keep_their_text():
    e = RuntimeError("\x1b[1msomething odd\x1b[0m")
    assert diagnose.translate(e) is e
    assert bridge.Failure(e).message == "something odd"


def test_r_functions_report_errors_with_their_label():
    from rkbridge.boundary import rfunctions

    def failing(*args):
        raise RuntimeError("object 'z' not found")
    f = rfunctions.r_function(failing)
    rfunctions.label_all("callback_lambda", {"on_epoch_end": f})
    with pytest.raises(rfunctions.RkCallbackError,
                       match=r"^The R function given as `on_epoch_end` of callback_lambda\(\) "
                             r"failed: object 'z' not found$"):
        f(1, {})
    ok = rfunctions.r_function(lambda a, b: a + b)
    assert ok(2, 3) == 5
    import threading
    out = []
    t = threading.Thread(target=lambda: out.append(
        pytest.raises(rfunctions.RkCallbackError, ok, 1, 2)))
    t.start()
    t.join()
    assert "background thread" in str(out[0].value)


def test_an_interrupted_r_function_is_an_interrupt():
    from rkbridge.boundary import rfunctions

    def interrupted(*args):
        raise RuntimeError("(Unknown exception occurred)")  # reticulate's word for it
    with pytest.raises(KeyboardInterrupt):
        rfunctions.r_function(interrupted)()


def test_interrupts_reported_by_reticulate_are_interrupts():
    from rkbridge.training import interrupts
    inner = RuntimeError("(Unknown exception occurred)")
    outer = TypeError("Binding inputs to tf.function failed due to `(Unknown exception "
                      "occurred)`.")
    outer.__cause__ = inner
    assert interrupts.is_interrupt(outer) and interrupts.is_interrupt(KeyboardInterrupt())
    assert not interrupts.is_interrupt(ValueError("bad"))
    assert bridge.Failure(outer).r_class == "rkbridge_interrupt"


def test_leftover_keras_wordings_in_r_terms():
    """Out of memory, missing targets, a bad shape, a vector where one layer is meant, a
    vector of thresholds: said in R terms, or accepted."""
    f = fail("keras_model_sequential", input_shape="a")
    assert f.r_class == "rkbridge_type_error"
    assert f.message == ('`input_shape` must be whole numbers (NA for any size), such as '
                         'c(28, 28), not "a".')
    m = rk.keras_model_sequential(input_shape=[3])
    rk.layer_dense(m, units=1)
    rk.compile(m, optimizer="adam", loss="mse")
    f = fail("evaluate", m, np.ones((4, 3)), verbose=0)
    assert f.message.startswith("The targets `y` are missing (NULL)")
    f = fail("get_layer", m, index=np.array([1.0, 2.0]))
    assert f.message.startswith("`index` must be one layer's position or name, not 2 values")
    precision = rk.metric_precision(thresholds=np.array([0.3, 0.6]))
    assert precision.thresholds == [0.3, 0.6]
    oom = keras.src.backend.tensorflow.core.tf.errors.ResourceExhaustedError(
        None, None, "{{function_node __wrapped__StatelessRandomUniformV2_device_/job:localhost/"
        "replica:0/task:0/device:CPU:0}} OOM when allocating tensor with shape[3,2147483648] "
        "and type float on /job:localhost/replica:0/task:0/device:CPU:0 by allocator mklcpu")
    out = diagnose.translate(oom)
    assert str(out).startswith("Out of memory: a tensor of dim() c(3, 2147483648) (float)")


def test_an_engine_error_in_a_traced_function_loses_the_python_frames():
    from rkbridge.errors import RkCallbackError
    traced = RkCallbackError(
        "in user code:\n\n    File \"/x/rkbridge/datautils/tfdatasets.py\", line 226, in call_r"
        "  *\n        return _r_result(fn(*args))\n\n    RkCallbackError: The R function "
        "given as `map_func` of dataset_map() failed: boom")
    out = diagnose.translate(traced)
    assert isinstance(out, RkCallbackError)
    assert str(out) == "The R function given as `map_func` of dataset_map() failed: boom"
