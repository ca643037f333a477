"""predict()/evaluate() hand Keras ready-made batches (rkbridge/training/batches.py): the results must
be exactly those of Keras given the arrays, for every packing of inputs and targets."""
from __future__ import annotations

import numpy as np
import pytest

import rkbridge as rk
from rkbridge.training import batches
from rkbridge._keras import keras, tf
from test_functional import two_in_two_out as two_inputs_two_outputs


def two_in_two_out():
    m = two_inputs_two_outputs()  # the model of test_functional.py
    rk.compile(m, optimizer="adam", loss={"reg": "mse", "cls": "categorical_crossentropy"},
               metrics={"cls": "accuracy"})
    return m


def data(n=75, seed=0):
    r = np.random.default_rng(seed)
    xa, xb = r.random((n, 4), dtype=np.float32), r.random((n, 3), dtype=np.float32)
    yr = r.random((n, 1), dtype=np.float32)
    yc = np.eye(3, dtype=np.float32)[r.integers(0, 3, n)]
    return xa, xb, yr, yc


def seed_mlp():
    m = keras.Sequential([keras.Input((20,)), keras.layers.Dense(16, activation="relu"),
                          keras.layers.Dropout(0.5), keras.layers.Dense(10, activation="softmax")])
    m.compile(loss="categorical_crossentropy", optimizer="sgd", metrics=["accuracy"])
    return m


@pytest.mark.parametrize("batch_size", [None, 7, 32, 500])
def test_single_input_predict_and_evaluate_equal_keras(batch_size):
    r = np.random.default_rng(1)
    x = r.random((203, 20), dtype=np.float32)  # 203: the last batch is partial
    y = np.eye(10, dtype=np.float32)[r.integers(0, 10, 203)]
    m = seed_mlp()
    ours = rk.predict(m, np.asfortranarray(x.astype(np.float64)), batch_size=batch_size)
    assert np.array_equal(ours, m.predict(x, batch_size=batch_size, verbose=0))
    ev = rk.evaluate(m, np.asfortranarray(x.astype(np.float64)), y, batch_size=batch_size)
    keras_ev = m.evaluate(x, y, batch_size=batch_size, verbose=0, return_dict=True)
    assert ev == {k: float(v) for k, v in keras_ev.items()}


def test_several_inputs_and_outputs_in_order_and_by_name():
    m = two_in_two_out()
    xa, xb, yr, yc = data()
    keras_pred = m.predict([xa, xb], verbose=0)
    for x in ([xa, xb], {"b": xb, "a": xa}):
        ours = rk.predict(m, x)
        assert isinstance(ours, list) and len(ours) == 2
        assert all(np.array_equal(o, k) for o, k in zip(ours, keras_pred))
    keras_ev = m.evaluate([xa, xb], [yr, yc], verbose=0, return_dict=True)
    for x, y in (([xa, xb], [yr, yc]), ({"a": xa, "b": xb}, {"cls": yc, "reg": yr})):
        assert rk.evaluate(m, x, y) == {k: float(v) for k, v in keras_ev.items()}


def test_batches_are_keras_batches():
    x = np.arange(10 * 2, dtype=np.float32).reshape(10, 2)
    ds = batches.as_batches(x, batch_size=4)
    got = [b.numpy() for b in ds]
    assert [len(b) for b in got] == [4, 4, 2]
    assert np.array_equal(np.concatenate(got), x)  # consecutive rows, in order
    pairs = list(batches.as_batches([x, x + 1], x[:, :1], batch_size=8))
    (inputs, target), _ = pairs
    assert isinstance(inputs, tuple) and len(inputs) == 2  # lists as tuples, as Keras packs
    assert np.array_equal(inputs[1].numpy(), x[:8] + 1) and target.shape == (8, 1)


def test_dense_tensors_are_batched_as_arrays():
    # large arrays reach Keras as tensors (data.as_tensor()): the same batches
    x = np.arange(10 * 2, dtype=np.float32).reshape(10, 2)
    got = [b.numpy() for b in batches.as_batches(tf.constant(x), batch_size=4)]
    assert [len(b) for b in got] == [4, 4, 2]
    assert np.array_equal(np.concatenate(got), x)


def test_what_keras_must_slice_itself():
    x = np.ones((10, 2), dtype=np.float32)
    assert batches.as_batches(x, np.ones((9, 1))) is None           # rows differ
    assert batches.as_batches(tf.sparse.eye(10)) is None             # a sparse tensor
    assert batches.as_batches(np.ones((0, 2))) is None               # no rows
    assert batches.as_batches([x, "a"]) is None                      # not all arrays


def test_predict_with_steps_keeps_keras_slicing():
    m = seed_mlp()
    x = np.random.default_rng(2).random((100, 20), dtype=np.float32)
    ours = rk.predict(m, x, batch_size=10, steps=3)
    assert ours.shape == (30, 10)
    assert np.array_equal(ours, m.predict(x, batch_size=10, steps=3, verbose=0))
