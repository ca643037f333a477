"""Saving and loading: formats, atomic writes, configs and text, bytes, custom objects, and
files exchanged with plain Python Keras."""
from __future__ import annotations

import json
import os

import numpy as np
import pytest
import yaml

import rkbridge as rk
from rkbridge.persistence import saving
from rkbridge._keras import keras
from rkbridge.errors import RkIOError, RkValueError

X = np.random.default_rng(1).random((10, 4))


@pytest.fixture()
def trained():
    m = rk.keras_model_sequential(input_shape=[4])
    rk.layer_dense(m, 5, activation="relu", name="hidden")
    rk.layer_dense(m, 2, name="out")
    rk.compile(m, optimizer="adam", loss="mse", metrics="mae")
    rk.fit(m, X, X[:, :2] * 2, epochs=2, verbose=0)
    return m


def same(a, b, x=X):
    return np.abs(rk.predict(a, x) - rk.predict(b, x)).max() < 1e-6


def test_keras_file_keeps_weights_compile_and_optimizer_state(trained, tmp_path):
    f = tmp_path / "m.keras"
    assert rk.save_model(trained, str(f)) is trained
    back = rk.load_model(str(f))
    assert same(back, trained)
    assert back.loss == "mse" and isinstance(back.optimizer, keras.optimizers.Adam)
    assert int(back.optimizer.iterations.numpy()) == int(trained.optimizer.iterations.numpy())
    np.testing.assert_allclose(back.optimizer.variables[2].numpy(),
                               trained.optimizer.variables[2].numpy())
    assert not any(n.startswith(".m.keras.tmp") for n in os.listdir(tmp_path))


def test_any_file_name_loads(trained, tmp_path):
    for saver in (rk.save_model, rk.save_model_hdf5):
        f = tmp_path / f"model-{saver.__name__}.bin"
        saver(trained, str(f))
        assert same(rk.load_model(str(f)), trained)
    (tmp_path / "junk.txt").write_text("not a model")
    with pytest.raises(RkValueError, match="not a saved model"):
        rk.load_model(str(tmp_path / "junk.txt"))


def test_hdf5_round_trip_and_compile_config_not_spoiled(trained, tmp_path):
    f = tmp_path / "m.h5"
    rk.save_model_hdf5(trained, str(f))
    back = rk.load_model_hdf5(str(f))
    assert same(back, trained) and back.compiled
    assert isinstance(back.optimizer, keras.optimizers.Adam)
    assert rk.load_model(str(f)).compiled
    # Keras's HDF5 writer used to drop the optimizer from the model's compile config
    again = rk.unserialize_model(rk.serialize_model(trained))
    assert isinstance(again.optimizer, keras.optimizers.Adam)


def test_weights_any_file_name_and_keras2_files(trained, tmp_path):
    f = tmp_path / "weights.bin"
    rk.save_model_weights_hdf5(trained, str(f))
    twin = rk.from_config(rk.config_json(trained))
    assert not same(twin, trained)
    rk.load_model_weights_hdf5(twin, str(f))
    assert same(twin, trained)
    # a Keras 2 era (R keras) weights file: layer_names at the root
    import h5py
    from keras.src.legacy.saving import legacy_h5_format
    old = tmp_path / "old.h5"
    with h5py.File(old, "w") as h:
        legacy_h5_format.save_weights_to_hdf5_group(h, trained)
    twin2 = rk.from_config(rk.config_json(trained))
    rk.load_model_weights_hdf5(twin2, str(old))
    assert same(twin2, trained)
    # by name, third as in keras 2.x: the layer named "hidden" loads, a new one is left alone
    other = rk.keras_model_sequential(input_shape=[4])
    rk.layer_dense(other, 5, activation="relu", name="hidden")
    rk.layer_dense(other, 3, name="new")
    rk.load_model_weights_hdf5(other, str(old), True)
    hidden = trained.get_layer("hidden").get_weights()
    assert all(np.array_equal(a, b) for a, b in zip(other.get_layer("hidden").get_weights(), hidden))


def test_failed_save_leaves_existing_file_intact(trained, tmp_path, monkeypatch):
    f = tmp_path / "m.keras"
    f.write_text("precious")

    def broken(model, path, **kw):
        with open(path, "w") as out:
            out.write("half a model")
        raise RuntimeError("disk full")
    monkeypatch.setattr(keras.saving, "save_model", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        rk.save_model(trained, str(f))
    assert f.read_text() == "precious"
    assert os.listdir(tmp_path) == ["m.keras"]
    with pytest.raises(RkIOError, match="overwrite = TRUE"):
        rk.save_model_hdf5(trained, str(f), overwrite=False)
    with pytest.raises(RkIOError, match="does not exist"):
        rk.save_model_weights_hdf5(trained, str(tmp_path / "no" / "w.h5"))
    assert f.read_text() == "precious"


def test_atomic_write_replaces_only_on_success(tmp_path):
    f = tmp_path / "a.txt"
    f.write_text("old")
    with saving.atomic_write(str(f), ".txt") as tmp:
        assert os.path.dirname(os.path.dirname(tmp)) == str(tmp_path)
        with open(tmp, "w") as out:
            out.write("new")
        assert f.read_text() == "old"
    assert f.read_text() == "new"


def test_saved_model_export_and_reload(trained, tmp_path):
    d = tmp_path / "served"
    rk.save_model_tf(trained, str(d))
    assert (d / "saved_model.pb").exists()
    served = rk.load_model_tf(str(d))
    np.testing.assert_allclose(rk.predict(served, X), rk.predict(trained, X), atol=1e-6)
    rk.save_model_tf(trained, str(d))  # replacing an existing export
    assert sorted(os.listdir(tmp_path)) == ["served"]


def test_load_model_tf_loads_a_model_file_with_its_custom_objects(trained, tmp_path):
    def scaled_mse(y_true, y_pred):
        return keras.ops.mean(keras.ops.square(y_true - y_pred)) * 2.0
    trained.compile(optimizer="adam", loss=scaled_mse)
    f = tmp_path / "m.keras"
    rk.save_model(trained, str(f))
    back = rk.load_model_tf(str(f), custom_objects={"scaled_mse": scaled_mse})
    np.testing.assert_allclose(rk.predict(back, X), rk.predict(trained, X), atol=1e-6)
    assert back.loss is scaled_mse or getattr(back.loss, "__name__", "") == "scaled_mse"


def test_config_json_yaml(trained):
    cfg = rk.get_config(trained)
    assert [l["config"]["name"] for l in cfg["layers"][1:]] == ["hidden", "out"]
    twin = rk.from_config(cfg)
    assert [l.name for l in twin.layers] == ["hidden", "out"]
    assert rk.count_params(twin) == rk.count_params(trained)
    layer = rk.from_config(rk.config_json(trained.layers[0]))
    assert isinstance(layer, keras.layers.Dense) and layer.units == 5
    js = rk.model_to_json(trained)
    assert json.loads(js)["class_name"] == "Sequential"
    y = rk.model_to_yaml(trained)
    assert yaml.safe_load(y)["class_name"] == "Sequential" and not y.lstrip().startswith("{")
    for twin in (rk.model_from_json(js), rk.model_from_yaml(y)):
        rk.set_weights(twin, rk.get_weights(trained))
        assert same(twin, trained)
    with pytest.raises(RkValueError):
        rk.model_from_yaml("just text")


def test_bytes_round_trip(trained):
    raw = rk.serialize_model(trained)
    assert isinstance(raw, bytes) and raw[:2] == b"PK"
    back = rk.unserialize_model(np.frombuffer(raw, dtype=np.uint8))  # as R's raw arrives
    assert same(back, trained)
    assert int(back.optimizer.iterations.numpy()) == 2
    with pytest.raises(RkValueError, match="not a serialized model"):
        rk.unserialize_model(b"hello")


class Doubler(keras.layers.Layer):  # deliberately not registered with Keras
    def call(self, x):
        return x * 2


def test_custom_objects(tmp_path):
    mean_pred = rk.custom_metric("mean_pred", lambda yt, yp: keras.ops.mean(yp))
    m = rk.keras_model_sequential(input_shape=[3])
    rk.layer_dense(m, 2)
    m.add(Doubler())
    rk.compile(m, optimizer="adam", loss="mse", metrics=[mean_pred])
    f = tmp_path / "c.keras"
    rk.save_model(m, str(f))
    with pytest.raises(RkValueError, match=r"custom_objects = list\(Doubler = "):
        rk.load_model(str(f))
    with pytest.raises(RkValueError, match=r"custom_objects = list\(mean_pred = "):
        rk.load_model(str(f), custom_objects={"Doubler": Doubler})
    back = rk.load_model(str(f), custom_objects={"mean_pred": mean_pred, "Doubler": Doubler})
    x = np.ones((2, 3))
    assert "mean_pred" in rk.evaluate(back, x, np.ones((2, 2)))
    np.testing.assert_allclose(rk.predict(back, x), rk.predict(m, x), atol=1e-6)
    back2 = rk.load_model(str(f), custom_objects=[mean_pred, Doubler])  # by their own names
    assert back2.compiled


def test_plain_keras_files_both_ways(tmp_path):
    plain = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, name="d")])
    plain.compile(optimizer="sgd", loss="mae")
    f = tmp_path / "plain.keras"
    plain.save(f)
    ours = rk.load_model(str(f))
    np.testing.assert_array_equal(rk.predict(ours, X), plain.predict(X, verbose=0))
    g = tmp_path / "ours.keras"
    rk.layer_dense(ours, 1)
    rk.save_model(ours, str(g))
    again = keras.saving.load_model(g)
    np.testing.assert_array_equal(again.predict(X, verbose=0), rk.predict(ours, X))


def test_keras3_weights_keep_an_existing_file_unless_overwrite(trained, tmp_path):
    path = str(tmp_path / "w.weights.h5")
    saving.save_model_weights(trained, path)
    with pytest.raises(RkIOError, match="overwrite"):
        saving.save_model_weights(trained, path)
    saving.save_model_weights(trained, path, overwrite=True)
    fresh = keras.models.clone_model(trained)
    saving.load_model_weights(fresh, path)
    assert same(fresh, trained)


def test_keras3_model_config_file_rebuilds_the_architecture(trained, tmp_path):
    path = str(tmp_path / "model.json")
    saving.save_model_config(trained, path)
    assert json.loads(open(path).read()) == json.loads(trained.to_json())
    rebuilt = saving.load_model_config(path)
    assert [type(a) for a in rebuilt.layers] == [type(b) for b in trained.layers]
    assert [w.shape for w in rebuilt.weights] == [w.shape for w in trained.weights]


CHECKPOINT_WRITER = """
import sys, numpy as np, rkbridge as rk
path, weights_only = sys.argv[1], sys.argv[2] == "1"
m = rk.keras_model_sequential(input_shape=[64])
for _ in range(3):
    rk.layer_dense(m, 256)
rk.layer_dense(m, 1)
rk.compile(m, optimizer="adam", loss="mse")
x, y = np.random.rand(64, 64), np.random.rand(64)
cb = rk.callback_model_checkpoint(filepath=path, save_weights_only=weights_only,
                                  save_freq=1)
rk.fit(m, x, y, epochs=100000, batch_size=8, verbose=0, callbacks=[cb])
"""


def _checkpoint_model():
    m = rk.keras_model_sequential(input_shape=[64])
    for _ in range(3):
        rk.layer_dense(m, 256)
    rk.layer_dense(m, 1)
    return m


@pytest.mark.parametrize("name", ["m.keras", "m.h5", "m.weights.h5"])
def test_checkpoints_are_whole_for_readers_and_after_a_kill(name, tmp_path):
    """A session loading the checkpoint while another trains, and the checkpoint left by a
    training process killed (SIGKILL) at a random point, always load."""
    import random
    import signal
    import subprocess
    import sys
    import time
    from conftest import child_env

    path = str(tmp_path / name)
    weights_only = name.endswith(".weights.h5")
    model = _checkpoint_model()
    child = subprocess.Popen([sys.executable, "-c", CHECKPOINT_WRITER, path,
                              "1" if weights_only else "0"],
                             env=child_env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    loads = 0
    try:
        deadline = time.monotonic() + 300
        while not os.path.exists(path):
            assert child.poll() is None, child.stderr.read().decode()[-2000:]
            assert time.monotonic() < deadline, "no checkpoint within 300 s"
            time.sleep(0.1)
        until = time.monotonic() + random.uniform(2, 4)
        while time.monotonic() < until:  # a reader beside the writer
            if weights_only:
                rk.load_model_weights_hdf5(model, path)
            else:
                rk.load_model(path, compile=False)
            loads += 1
        assert child.poll() is None, child.stderr.read().decode()[-2000:]
        time.sleep(random.uniform(0, 0.2))
    finally:
        child.send_signal(signal.SIGKILL)  # at a random point of training or saving
        child.wait()
    loaded = rk.load_model_weights_hdf5(model, path) if weights_only else \
        rk.load_model(path, compile=False)
    assert len(rk.get_weights(loaded)) == 8
    assert loads > 2


def test_a_save_removes_what_killed_saves_left(trained, tmp_path):
    import subprocess
    import sys
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True).stdout.strip()
    dead = tmp_path / f".m.keras.tmp-{gone}-abc"
    dead.mkdir()
    (dead / "part.keras").write_bytes(b"PK half")
    dead_file = tmp_path / f".m.keras.tmp-{gone}-def"  # save_rds()'s kind: a file
    dead_file.write_bytes(b"half")
    live = tmp_path / f".m.keras.tmp-{os.getpid()}-ghi"  # a save in progress
    live.mkdir()
    other = tmp_path / f".n.keras.tmp-{gone}-jkl"  # another file's
    other.mkdir()
    rk.save_model(trained, str(tmp_path / "m.keras"))
    assert sorted(os.listdir(tmp_path)) == sorted(["m.keras", live.name, other.name])


def test_saves_to_a_directory_and_damaged_json_are_said_plainly(trained, tmp_path):
    with pytest.raises(RkIOError, match=r"is a directory: give a file name in it, e\.g\. "
                                        r"file\.path\("):
        rk.save_model(trained, str(tmp_path))
    bad = tmp_path / "m.json"
    bad.write_text("\n")
    with pytest.raises(RkValueError, match=r"m\.json\" is not a model description: it is not "
                                           r"JSON text \(line 2, column 1"):
        rk.load_model_config(str(bad))
    with pytest.raises(RkValueError, match="`json_string` is not a model description"):
        rk.model_from_json("not json")


def test_saving_a_lambda_of_an_r_function_warns(tmp_path):
    def r_like(x):
        return x * 2
    r_like._rk_state = {}  # as the boundary marks R functions
    m = rk.keras_model_sequential(input_shape=[3])
    rk.layer_lambda(m, r_like)
    with pytest.warns(UserWarning, match=r"layer_lambda\(\) layer 'lambda\w*' computes with "
                                         r"an R function.*will not load again"):
        rk.save_model(m, str(tmp_path / "m.keras"))
