"""predict()'s fast path for inputs of one batch: identical to Keras's predict(), and never
stale after the model changes."""
from __future__ import annotations

import gc
import weakref

import numpy as np
import pytest

import rkbridge as rk
from rkbridge import fast_predict
from rkbridge._keras import keras


def seed_mlp():
    m = rk.keras_model_sequential()
    rk.layer_dense(m, units=64, activation="relu", input_shape=[20])
    rk.layer_dropout(m, rate=0.5)
    rk.layer_dense(m, units=10, activation="softmax")
    rk.compile(m, loss="categorical_crossentropy", optimizer="sgd", metrics=["accuracy"])
    return m


def keras_predict(m, x):
    return m.predict(np.asarray(x, dtype="float32"), verbose=0)


@pytest.mark.parametrize("n", [1, 2, 17, 32])
def test_identical_to_keras_predict(n):
    m = seed_mlp()
    x = np.random.default_rng(n).random((n, 20))
    fast = fast_predict.try_predict(m, x.astype("float32"))
    assert fast is not None  # the fast path was taken
    assert np.array_equal(rk.predict(m, x), keras_predict(m, x))
    assert np.array_equal(fast, keras_predict(m, x))


def test_large_inputs_and_extra_arguments_use_keras_predict():
    m = seed_mlp()
    assert fast_predict.try_predict(m, np.zeros((33, 20), "float32")) is None
    assert fast_predict.try_predict(m, np.zeros((40, 20), "float32"), batch_size=64) is not None
    assert fast_predict.try_predict(m, np.zeros((2, 20), "float32"), steps=1) is None
    x = np.random.default_rng(1).random((100, 20))
    assert np.array_equal(rk.predict(m, x), keras_predict(m, x))


def test_follows_training_set_weights_and_layer_changes():
    m = seed_mlp()
    rng = np.random.default_rng(2)
    x = rng.random((1, 20))
    before = rk.predict(m, x)
    rk.fit(m, rng.random((64, 20)), np.eye(10)[rng.integers(0, 10, 64)], epochs=1, verbose=0)
    after = rk.predict(m, x)
    assert not np.array_equal(before, after)
    assert np.array_equal(after, keras_predict(m, x))
    rk.set_weights(m, [w * 0.5 for w in m.get_weights()])
    assert np.array_equal(rk.predict(m, x), keras_predict(m, x))
    rk.pop_layer(m)
    rk.layer_dense(m, units=3)
    p = rk.predict(m, x)
    assert p.shape == (1, 3)
    assert np.array_equal(p, m(x.astype("float32"), training=False).numpy())
    # Keras's own cached predict function is reset too, so batched predict sees the change
    assert rk.predict(m, rng.random((50, 20))).shape == (50, 3)


def test_multi_input_models_fall_back():
    a, b = keras.Input((2,)), keras.Input((3,))
    out = keras.layers.Dense(1)(keras.layers.Concatenate()([a, b]))
    m = keras.Model([a, b], out)
    xs = [np.ones((1, 2), "float32"), np.ones((1, 3), "float32")]
    assert fast_predict.try_predict(m, xs) is None
    assert rk.predict(m, xs).shape == (1, 1)


def test_the_cache_does_not_keep_models_alive():
    m = seed_mlp()
    rk.predict(m, np.zeros((1, 20)))
    ref = weakref.ref(m)
    del m
    gc.collect()
    assert ref() is None
