"""Each use of Keras's and TensorFlow's private API (rkbridge/keras_internals.py) works on
the installed versions and agrees with what the public API gives, where there is one."""
from __future__ import annotations

import os

import h5py
import numpy as np
import pytest

import rkbridge as rk
from rkbridge import keras_internals as KI
from rkbridge._keras import keras, tf


def _dense_model() -> keras.Model:
    m = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2, name="d")])
    m.compile(optimizer="adam", loss="mse", metrics=["mae"])
    return m


def _missing():
    raise ImportError("gone")


def test_the_installed_versions_are_known():
    assert KI.known("keras") and KI.known("tf")
    assert KI._version("3.15.1") == (3, 15) and KI._version("2.21.0rc1") == (2, 21)


def test_missing_internals_are_a_clear_error_and_public_routes_are_taken(monkeypatch):
    with pytest.raises(KI.RkInternalsError, match=r"internal `x`.*Keras 3\.0 to 3\.15"):
        KI._private("`x`", "keras", _missing)
    assert KI._private("`x`", "keras", _missing, lambda: "public") == "public"
    monkeypatch.setattr(KI, "KERAS_KNOWN", ("3.0", "3.1"))
    KI.known.cache_clear()
    try:
        assert KI._private("`x`", "keras", lambda: "private", lambda: "public") == "public"
    finally:
        monkeypatch.undo()
        KI.known.cache_clear()


def test_modules():
    assert set(KI.registry_table("losses")) >= {"mse", "mean_squared_error"}
    assert KI.registry_table("losses")["mse"] is keras.losses.mean_squared_error
    assert KI.file_utils().get_file is keras.utils.get_file
    assert KI.dataset_module("mnist").load_data is keras.datasets.mnist.load_data
    assert isinstance(KI.keras_home(), str) and KI.keras_home().endswith(".keras")


def test_legacy_h5_format_reads_what_the_public_save_writes(tmp_path):
    m = _dense_model()
    path = str(tmp_path / "m.h5")
    m.save(path)
    with h5py.File(path, "r") as f:
        back = KI.legacy_h5_format().load_model_from_hdf5(f, compile=False)
    for a, b in zip(back.get_weights(), m.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_base_classes():
    assert issubclass(keras.layers.Add, KI.merge_layer_base())
    assert not issubclass(keras.layers.Dense, KI.merge_layer_base())
    adapter = KI.data_adapter_base()
    assert adapter.__name__ == "DataAdapter" and hasattr(adapter, "get_tf_dataset")


def test_compute_output_spec_is_keras_tracing():
    x = keras.KerasTensor((None, 4))
    spec = KI.compute_output_spec(lambda t: keras.ops.concatenate([t, t], axis=-1), x)
    assert tuple(spec.shape) == (None, 8)


def test_predict_output_converter_is_what_predict_on_batch_returns():
    m = _dense_model()
    x = np.ones((2, 3), np.float32)
    out = KI.predict_output_converter()(m(x))
    assert isinstance(out, np.ndarray)
    np.testing.assert_array_equal(out, m.predict_on_batch(x))
    ragged = tf.ragged.constant([[1], [2, 3]])
    assert KI.predict_output_converter()(ragged) is ragged


def test_custom_object_registration_is_what_keras_looks_up():
    class Thing(keras.layers.Layer):
        pass
    KI.register_custom_object("CompatThing", Thing)
    try:
        assert keras.saving.get_registered_object("CompatThing") is Thing
        assert keras.saving.get_registered_name(Thing) == "CompatThing"
        assert keras.saving.get_custom_objects()["CompatThing"] is Thing
    finally:
        KI.unregister_custom_object("CompatThing")
    assert "CompatThing" not in keras.saving.get_custom_objects()
    assert keras.saving.get_registered_name(Thing) == "Thing"  # Keras's default again


def test_sequential_internals():
    m = keras.Sequential()
    assert KI.sequential_layers(m) == [] and KI.sequential_functional(m) is None
    m.add(keras.Input((3,)))
    m.add(keras.layers.Dense(2))
    own = KI.sequential_layers(m)
    assert [l for l in own if not isinstance(l, keras.layers.InputLayer)] == m.layers
    functional = KI.sequential_functional(m)
    assert functional.inputs[0].shape == m.inputs[0].shape


def test_input_and_output_structures():
    a, b = keras.Input((2,), name="a"), keras.Input((3,), name="b")
    out = keras.layers.Dense(1)(keras.layers.Concatenate()([a, b]))
    m = keras.Model({"a": a, "b": b}, {"y": out})
    assert set(KI.inputs_struct(m)) == {"a", "b"} and list(KI.outputs_struct(m)) == ["y"]
    assert KI.inputs_struct(keras.layers.Dense(1)) is None


def test_nodes_and_masks():
    x = keras.Input((4,), dtype="int32")
    emb = keras.layers.Embedding(10, 2, mask_zero=True)
    y1, y2 = emb(x), emb(x)
    nodes = KI.inbound_nodes(emb)
    assert len(nodes) == 2 and nodes[1].output_tensors[0] is y2
    assert KI.keras_mask(y1) is not None and tuple(KI.keras_mask(y1).shape) == (None, 4)
    assert KI.keras_mask(keras.layers.Dense(2)(keras.Input((3,)))) is None


def test_node_tensors_are_a_calls_inputs_without_the_mask_keras_passes():
    x = keras.Input((5, 3))
    masked = keras.layers.Masking()(x)
    lstm = keras.layers.LSTM(2)
    out = lstm(masked)  # Keras passes the mask to LSTM.call(): a tensor of the call too
    node = KI.inbound_nodes(lstm)[0]
    assert len(node.input_tensors) == 2
    assert KI.node_tensors(node, "input_tensors") == [masked]
    assert KI.node_tensors(node, "output_tensors") == [out]
    assert rk.get_input_shape_at(lstm, 1) == [None, 5, 3]
    assert tuple(rk.get_input_mask_at(lstm, 1).shape) == (None, 5)


def test_flatten_layers_matches_walking_layers():
    inner = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2, name="i1")], name="inner")
    outer = keras.Sequential([keras.Input((3,)), inner, keras.layers.Dense(1, name="o1")])
    names = [l.name for l in KI.flatten_layers(outer)
             if not isinstance(l, keras.layers.InputLayer)]
    assert names == ["inner", "i1", "o1"]


def test_compile_config_is_what_compile_was_given():
    m = _dense_model()
    cfg = KI.compile_config(m)
    assert cfg["loss"] == "mse" and cfg["metrics"] == ["mae"]
    assert m.get_compile_config()["loss"] == "mse"
    state = KI.compile_state(m)
    KI.set_compile_config(m, {**cfg, "loss": "mae"})
    assert KI.compile_config(m)["loss"] == "mae" and KI.compile_state(m) is state
    m.compile(optimizer="sgd", loss="mse")
    assert KI.compile_state(m) is not state
    assert KI.compile_config(keras.Sequential()) is None


def test_state_tree_is_what_get_state_tree_gives():
    m = _dense_model()
    m.build((None, 3))
    tree = m.get_state_tree("numpy_array")
    mine = KI.state_tree(m, m.trainable_variables, "numpy_array")
    theirs = tree["trainable_variables"]
    assert keras.tree.flatten(keras.tree.map_structure(lambda v: v.shape, mine)) == \
        keras.tree.flatten(keras.tree.map_structure(lambda v: v.shape, theirs))
    for a, b in zip(keras.tree.flatten(mine), keras.tree.flatten(theirs)):
        np.testing.assert_array_equal(a, b)
    assert [list(v) for v in mine.values()] == [["d"]]  # nested by the variables' paths


def test_feature_space_adaptable_preprocessors():
    space = keras.utils.FeatureSpace({"a": "float_normalized", "b": "integer_categorical"})
    names = KI.adaptable_preprocessors(space)()
    assert sorted(names) == ["a", "b"]
    KI.set_adaptable_preprocessors(space, lambda: ["a"])
    assert space._list_adaptable_preprocessors() == ["a"]


def test_strategy_internals():
    m = _dense_model()
    assert KI.model_strategy(m) is None
    strategy = tf.distribute.MirroredStrategy(["/cpu:0"])
    with strategy.scope():
        ms = _dense_model()
    assert KI.model_strategy(ms) is strategy and ms.distribute_strategy is strategy
    assert KI.strategy_workers(strategy) == 1 and KI.strategy_worker_index(strategy) == 0
    ctx = KI.eager_context()
    assert ctx.executing_eagerly() == tf.executing_eagerly()
    pb2, util = KI.cluster_modules()
    assert hasattr(pb2, "CoordinationServiceConfig") and hasattr(util, "normalize_cluster_spec")


def test_symbolic_build_builds_once():
    m = _dense_model()
    asked = []
    batch = (np.ones((2, 3), np.float32), np.ones((2, 2), np.float32))
    KI.symbolic_build(m, lambda: asked.append(1) or batch)
    KI.symbolic_build(m, lambda: asked.append(1) or batch)
    assert asked == [1] and m.optimizer.built and m.built


def test_restored_epoch_and_backup_paths(tmp_path):
    m = _dense_model()
    m._initial_epoch = 3
    assert KI.take_restored_epoch(m) == 3 and KI.take_restored_epoch(m) is None
    cb = keras.callbacks.BackupAndRestore(str(tmp_path / "chief"))
    KI.backup_into(cb, str(tmp_path / "own"))
    x, y = np.ones((4, 3)), np.ones((4, 2))
    m.fit(x, y, epochs=1, verbose=0, callbacks=[cb])
    assert cb.backup_dir == str(tmp_path / "own")
    assert not (tmp_path / "chief").exists()  # nothing written where it was first pointed


def test_flat_call_is_the_concrete_function_call():
    fn = tf.function(lambda t: t * 2.0)
    concrete = fn.get_concrete_function(tf.TensorSpec((None, 2), tf.float32))
    x = tf.constant([[1.0, 2.0]])
    assert KI.has_flat_call(concrete)
    np.testing.assert_array_equal(KI.flat_call(concrete, [x]).numpy(), concrete(x).numpy())


def test_dataset_sources_and_iterator_dataset():
    a, b = tf.data.Dataset.range(3), tf.data.Dataset.range(4)
    zipped = tf.data.Dataset.zip((a, b))
    assert KI.dataset_sources(zipped) == [a, b]
    mapped = a.map(lambda v: v + 1)
    assert KI.dataset_sources(mapped) == [a] and KI.dataset_sources(a) == []
    assert KI.iterator_dataset(iter(mapped)) is mapped
    assert KI.iterator_dataset(iter([1])) is None


def test_archive_loads_from_memory_and_checkpoint_sees_a_stand_in(tmp_path):
    import io
    m = _dense_model()
    m.save(str(tmp_path / "m.keras"))
    data = (tmp_path / "m.keras").read_bytes()
    back = KI.load_model_from_memory(io.BytesIO(data), compile=False)
    np.testing.assert_array_equal(back.layers[0].kernel.numpy(), m.layers[0].kernel.numpy())
    cb = keras.callbacks.ModelCheckpoint(str(tmp_path / "c.keras"))
    cb.set_model(m)
    with KI.checkpoint_model(cb, "stand-in"):
        assert cb.model == "stand-in"
    assert cb.model is m


def test_asset_staging_is_where_the_keras_writer_stages_assets(tmp_path):
    layer = keras.layers.StringLookup(vocabulary=["a", "b"])
    m = keras.Sequential([keras.Input((1,), dtype="string"), layer])
    made = []

    def folder():
        made.append(str(tmp_path / f"s{len(made)}"))
        os.mkdir(made[-1])
        return made[-1]
    with KI.asset_staging(folder):
        m.save(str(tmp_path / "m.keras"))
    assert made and not any(os.path.exists(d) for d in made)  # used, then removed


def test_scoped_custom_objects_is_the_scope_in_force():
    assert "CompatScoped" not in KI.scoped_custom_objects()
    marker = object()
    with keras.saving.custom_object_scope({"CompatScoped": marker}):
        assert KI.scoped_custom_objects()["CompatScoped"] is marker
        with keras.saving.custom_object_scope({}):  # a scope replaces the table
            assert "CompatScoped" not in KI.scoped_custom_objects()
    assert "CompatScoped" not in KI.scoped_custom_objects()


def test_one_step_function_is_the_step_keras_traces_and_calls():
    keras.utils.set_random_seed(1)
    m = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    m.compile(optimizer="sgd", loss="mse", metrics=["mae"])
    x, y = np.ones((4, 3), "float32"), np.ones((4, 1), "float32")
    m.train_on_batch(x, y)
    step = KI.one_step_function(m.train_function)
    assert hasattr(step, "get_concrete_function")
    traced = step.experimental_get_tracing_count()
    m.train_on_batch(x[:2], y[:2])  # a new batch size: Keras's call traces this very function
    assert step.experimental_get_tracing_count() == traced + 1
    logs = m.test_on_batch(x, y, return_dict=True)
    concrete = KI.one_step_function(m.test_function).get_concrete_function((x, y, None))
    m.reset_metrics()
    assert KI.python_logs(concrete((x, y, None))) == logs
    m.run_eagerly = True
    m.compile(optimizer="sgd", loss="mse", run_eagerly=True)
    m.train_on_batch(x, y)
    assert KI.one_step_function(m.train_function) is None
