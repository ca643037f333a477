"""predict()'s fast path for inputs of one batch: identical to Keras's predict(), and never
stale after the model changes."""
from __future__ import annotations

import gc
import weakref

import numpy as np
import pytest

import rkbridge as rk
from rkbridge.training import fast_predict
from rkbridge import keras_internals
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


def same(a, b) -> bool:
    """Identical structure (types, dict key order), dtypes, shapes and values."""
    if isinstance(a, dict):
        return type(b) is dict and list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)):
        return type(a) is type(b) and len(a) == len(b) and all(map(same, a, b))
    return (isinstance(a, np.ndarray) and isinstance(b, np.ndarray) and a.dtype == b.dtype
            and a.shape == b.shape and np.array_equal(a, b))


def check_like_keras(m, x, rows=(1, 2, 32)):
    """rk.predict() (fast path taken) equals Keras's predict() for each row count."""
    for n in rows:
        xn = {k: v[:n] for k, v in x.items()} if isinstance(x, dict) else \
            [v[:n] for v in x] if isinstance(x, list) else x[:n]
        assert (fast_predict.try_predict(m, xn) is not None) == (n <= 32)
        got, ref = rk.predict(m, xn), m.predict(xn, verbose=0)
        assert same(ref, got), (n, type(ref), type(got))


def test_multi_input_models():
    a, b = keras.Input((2,)), keras.Input((3,))
    out = keras.layers.Dense(1)(keras.layers.Concatenate()([a, b]))
    m = keras.Model([a, b], out)
    rng = np.random.default_rng(4)
    check_like_keras(m, [rng.random((32, 2), dtype=np.float32),
                         rng.random((32, 3), dtype=np.float32)])


def test_dict_outputs():
    i = keras.Input((4,))
    m = keras.Model(i, {"b": keras.layers.Dense(2)(i), "a": keras.layers.Dense(1)(i)})
    check_like_keras(m, np.random.default_rng(5).random((100, 4), dtype=np.float32),
                     rows=(1, 2, 32, 100))


def test_nested_outputs():
    i = keras.Input((4,))
    m = keras.Model(i, [keras.layers.Dense(2)(i),
                        [keras.layers.Dense(1)(i), {"z": keras.layers.Dense(3)(i)}]])
    check_like_keras(m, np.random.default_rng(6).random((32, 4), dtype=np.float32))


class ColumnSums(keras.Model):
    """A subclass whose predict_step returns one row whatever the batch's size."""

    def predict_step(self, data):
        x = data[0] if isinstance(data, tuple) else data
        return keras.ops.sum(self(x, training=False), axis=0, keepdims=True)


def test_subclassed_predict_step_is_used():
    i = keras.Input((4,))
    m = ColumnSums(i, keras.layers.Dense(2)(i))
    x = np.random.default_rng(7).random((32, 4), dtype=np.float32)
    check_like_keras(m, x)
    assert rk.predict(m, x[:5]).shape == (1, 2)


def test_float64_model():
    i = keras.Input((4,), dtype="float64")
    h = keras.layers.Dense(50, activation="tanh", dtype="float64")(i)
    m = keras.Model(i, keras.layers.Dense(3, activation="tanh", dtype="float64")(h))
    x = np.random.default_rng(8).random((100, 4))
    check_like_keras(m, x, rows=(1, 2, 32, 100))
    assert rk.predict(m, x[:2]).dtype == np.float64


def test_after_compile_set_weights_and_fit():
    m = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3)])
    x = np.random.default_rng(9).random((32, 4), dtype=np.float32)
    rk.predict(m, x[:1])
    rk.compile(m, loss="mse", optimizer="sgd")
    check_like_keras(m, x)
    rk.compile(m, loss="mse", optimizer="sgd", jit_compile=True)
    check_like_keras(m, x)
    rk.set_weights(m, [w + 1 for w in m.get_weights()])
    check_like_keras(m, x)
    rk.fit(m, x, x[:, :3], epochs=1, verbose=0)
    check_like_keras(m, x)


def test_the_cache_does_not_keep_models_alive():
    m = seed_mlp()
    rk.predict(m, np.zeros((1, 20)))
    ref = weakref.ref(m)
    del m
    gc.collect()
    assert ref() is None


def test_concrete_function_shortcut_matches_predict_on_batch():
    """The traced predict_function's concrete function is called directly (one array: by its
    flat signature); results equal predict_on_batch() with the shortcut off, it is kept on the
    predict_function (so compile() drops it), and integer and multi-input data use it too."""
    m = seed_mlp()
    rng = np.random.default_rng(11)
    x = rng.random((3, 20)).astype("float32")
    got = fast_predict.one_batch(m, x)
    cache = getattr(m.predict_function, fast_predict._CACHE)
    assert list(cache) == [((3, 20), "<f4")]
    concrete, flat = cache[((3, 20), "<f4")]
    assert flat == fast_predict._flat_call_works(concrete) == keras_internals.known("tf")
    before = fast_predict.set_concrete_predict(False)
    try:
        assert np.array_equal(got, m.predict_on_batch(x))
        assert np.array_equal(rk.predict(m, x), got)
    finally:
        fast_predict.set_concrete_predict(before)
    old = m.predict_function
    rk.compile(m, loss="mse", optimizer="sgd")
    assert np.array_equal(rk.predict(m, x), got)
    assert m.predict_function is not old and hasattr(m.predict_function, fast_predict._CACHE)
    e = keras.layers.Embedding(10, 3)
    inp = keras.Input((4,), dtype="int32")
    emb = keras.Model(inp, e(inp))
    codes = rng.integers(0, 10, (2, 4)).astype("int32")
    assert np.array_equal(fast_predict.one_batch(emb, codes), emb.predict_on_batch(codes))
    a, b = keras.Input((2,)), keras.Input((3,))
    two = keras.Model([a, b], keras.layers.Dense(1)(keras.layers.Concatenate()([a, b])))
    xs = (rng.random((4, 2), dtype=np.float32), rng.random((4, 3), dtype=np.float32))
    assert np.array_equal(fast_predict.one_batch(two, xs), two.predict_on_batch(xs))


def test_run_eagerly_models_use_predict_on_batch():
    m = seed_mlp()
    rk.compile(m, loss="mse", optimizer="sgd", run_eagerly=True)
    x = np.random.default_rng(12).random((2, 20))
    assert np.array_equal(rk.predict(m, x), keras_predict(m, x))
    assert not hasattr(m.predict_function or (lambda: None), fast_predict._CACHE)
