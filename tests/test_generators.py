"""Batch sources as `x` (rkbridge/training/generators.py): R generator functions, Python generators,
PyDatasets and tf.data datasets give the same results as the same batches as arrays, and
every batch is pulled on the calling thread."""
from __future__ import annotations

import threading

import numpy as np
import pytest

from rkbridge.training import model as M
from rkbridge._keras import keras, tf
from rkbridge.boundary.rfunctions import RkCallbackError, r_function
from rkbridge.errors import RkValueError

rng = np.random.default_rng(0)
X = rng.random((40, 3))
Y = X @ np.array([1.0, -2.0, 0.5])
W0 = None


def fresh() -> keras.Model:
    global W0
    m = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4), keras.layers.Dense(1)])
    if W0 is None:
        W0 = m.get_weights()
    m.set_weights(W0)
    m.compile(optimizer="sgd", loss="mse", metrics=["mae"])
    return m


def reference(epochs: int = 1) -> keras.Model:
    m = fresh()
    m.fit(X, Y, batch_size=10, epochs=epochs, shuffle=False, verbose=0)
    return m


def same_weights(a: keras.Model, b: keras.Model) -> None:
    for u, v in zip(a.get_weights(), b.get_weights()):
        np.testing.assert_allclose(u, v, rtol=1e-6, atol=1e-7)


class Batches(keras.utils.PyDataset):
    def __len__(self) -> int:
        return 4

    def __getitem__(self, i: int):
        return X[i * 10:(i + 1) * 10], Y[i * 10:(i + 1) * 10]


def r_style_generator():
    state = {"i": 0, "threads": set()}

    def gen():
        state["threads"].add(threading.get_ident())
        i = state["i"]
        state["i"] = (i + 1) % 4
        return [X[i * 10:(i + 1) * 10], Y[i * 10:(i + 1) * 10]]
    return r_function(gen, "the generator `gen`"), state


def test_r_generator_fit_equals_arrays_and_runs_on_this_thread():
    gen, state = r_style_generator()
    m = fresh()
    M.fit(m, gen, steps_per_epoch=4, epochs=2, verbose=0)
    same_weights(m, reference(2))
    assert state["threads"] == {threading.get_ident()}


@pytest.mark.parametrize("source", ["python generator", "pydataset", "tf.data"])
def test_python_sources_fit_equal_arrays(source):
    if source == "python generator":
        x = ((X[i * 10:(i + 1) * 10], Y[i * 10:(i + 1) * 10]) for i in range(4))
    elif source == "pydataset":
        x = Batches()
    else:
        x = tf.data.Dataset.from_tensor_slices((X.astype("float32"), Y.astype("float32"))
                                               ).batch(10)
    m = fresh()
    M.fit(m, x, epochs=1, verbose=0, shuffle=False)
    same_weights(m, reference(1))


def test_evaluate_and_predict_on_generators():
    m = reference(1)
    gen, _ = r_style_generator()
    assert M.evaluate(m, gen, steps=4) == pytest.approx(M.evaluate(m, X, Y), rel=1e-6)
    gen, _ = r_style_generator()
    # Keras on the same batches of 10: other batch sizes may round differently in float32.
    want = m.predict(X, batch_size=10, verbose=0)
    np.testing.assert_allclose(M.predict(m, gen, steps=4), want, rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(M.predict(m, Batches()), want, rtol=1e-6, atol=1e-7)


def test_validation_generator_and_errors():
    gen, _ = r_style_generator()
    val, _ = r_style_generator()
    h = M.fit(fresh(), gen, steps_per_epoch=4, epochs=2, verbose=0, validation_data=val,
              validation_steps=4)
    assert list(h.metrics) == ["loss", "mae", "val_loss", "val_mae"]
    with pytest.raises(Exception, match="steps_per_epoch"):
        M.fit(fresh(), gen, epochs=1, verbose=0)
    with pytest.raises(Exception, match="`y` must not be given"):
        M.fit(fresh(), gen, Y, steps_per_epoch=2, verbose=0)

    def broken():
        raise ValueError("no more data")
    with pytest.raises(RkCallbackError, match="`broken`.*no more data"):
        M.fit(fresh(), r_function(broken, "the generator `broken`"), steps_per_epoch=2,
              epochs=1, verbose=0)


def test_endless_dataset_needs_its_steps_up_front():
    # Keras would read epoch 1 (or the predictions) of a repeat() without count forever
    endless = tf.data.Dataset.from_tensor_slices((X, Y)).batch(10).repeat()
    # still endless to tf.data, but a read past 100 batches fails instead of hanging
    def guard(i, batch):
        with tf.control_dependencies([tf.debugging.assert_less(i, tf.constant(100, tf.int64))]):
            return tf.nest.map_structure(tf.identity, batch)
    endless = endless.enumerate().map(guard)
    assert endless.cardinality() == tf.data.INFINITE_CARDINALITY
    m = fresh()
    for call, steps in [(lambda: M.fit(m, endless, epochs=1, verbose=0), "steps_per_epoch"),
                        (lambda: M.evaluate(m, endless, verbose=0), "steps"),
                        (lambda: M.predict(m, endless.map(lambda x, y: x), verbose=0),
                         "steps"),
                        (lambda: M.fit(m, X, Y, epochs=1, verbose=0,
                                       validation_data=endless), "validation_steps")]:
        with pytest.raises(RkValueError, match=f"repeats without end .*give `{steps}`"):
            call()
    h = M.fit(m, endless, steps_per_epoch=4, epochs=1, verbose=0, validation_data=endless,
              validation_steps=2)
    assert list(h.metrics) == ["loss", "mae", "val_loss", "val_mae"]
    assert len(M.evaluate(m, endless, steps=2, verbose=0)) == 2
    assert M.predict(m, endless.map(lambda x, y: x), steps=2, verbose=0).shape == (20, 1)


def test_r_numbers_from_a_generator_are_batches_of_one_sample():
    # list(1, 2) from an R generator: one sample x = 1, y = 2 (reticulate passes floats)
    m = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1, use_bias=False)])
    m.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
    m.set_weights([np.zeros((1, 1))])
    gen = r_function(lambda: [1.0, 2.0], "the generator `gen`")
    h = M.fit(m, gen, steps_per_epoch=1, epochs=1, verbose=0, validation_data=gen,
              validation_steps=1)
    # one SGD step on (1, 2) from w = 0: w = 0.1 * 2 * (2 - 0) * 1 = 0.4
    np.testing.assert_allclose(m.get_weights()[0], [[0.4]], rtol=1e-6)
    assert "val_loss" in h.metrics


def test_a_generator_without_targets_names_the_batch():
    batches = iter([[X[:4], Y[:4]], [X[4:8]]])  # the second batch lost its y
    with pytest.raises(RkValueError, match=r"^Batch 2 of `x` \(a generator\) has no targets "
                                           r"`y`: .* list\(x, y\)"):
        M.fit(fresh(), r_function(lambda: next(batches), "the generator"), steps_per_epoch=2,
              epochs=1, verbose=0)
    only_x = iter([X[:4]] * 4)
    with pytest.raises(RkValueError, match=r"^Batch 1 of `x` \(a generator\) has no targets"):
        M.evaluate(fresh(), r_function(lambda: next(only_x), "the generator"), steps=2,
                   verbose=0)
