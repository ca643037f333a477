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
