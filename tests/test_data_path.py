"""One data path (rkbridge/training/data_path.py): every verb and every batch of a stream (R
generator, Python iterator, PyDataset, tf.data dataset) is checked by the same rules as
arrays: NA/NaN/Inf, shapes against the model's inputs and outputs, row counts, names."""
from __future__ import annotations

import numpy as np
import pytest

from rkbridge.training import on_batch as L
from rkbridge.training import model as M
from rkbridge._keras import keras, tf
from rkbridge.boundary.rfunctions import r_function
from rkbridge.errors import RkShapeError, RkValueError

rng = np.random.default_rng(3)
X = rng.random((40, 3))
Y = (X @ np.array([1.0, -2.0, 0.5])).reshape(40, 1)


def fresh() -> keras.Model:
    m = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4), keras.layers.Dense(1)])
    m.compile(optimizer="sgd", loss="mse", metrics=["mae"])
    return m


def spoiled(a: np.ndarray, row: int, col: int = 0, value: float = np.nan) -> np.ndarray:
    a = a.copy()
    a[row, col] = value
    return a


def python_batches(x: np.ndarray, y: np.ndarray | None = None):
    for i in range(4):
        rows = slice(i * 10, (i + 1) * 10)
        yield x[rows] if y is None else (x[rows], y[rows])


def r_batches(x: np.ndarray, y: np.ndarray | None = None):
    state = {"i": 0}

    def gen():
        rows = slice(state["i"] * 10, state["i"] * 10 + 10)
        state["i"] = (state["i"] + 1) % 4
        return x[rows] if y is None else [x[rows], y[rows]]
    return r_function(gen, "the generator `gen`")


def dataset(x: np.ndarray, y: np.ndarray | None = None):
    return tf.data.Dataset.from_tensor_slices(x if y is None else (x, y)).batch(10)


SOURCES = {"python generator": python_batches, "R generator": r_batches, "tf.data": dataset}


# -- a. NA/NaN/Inf in a batch is refused, naming the batch -------------------------------

@pytest.mark.parametrize("kind", list(SOURCES))
def test_fit_refuses_nan_in_a_batch_and_keeps_the_weights(kind):
    m = fresh()
    x = spoiled(X, 24, 1)  # row 5 of batch 3
    with pytest.raises(RkValueError, match=r"^Batch 3 of `x` \(.*\): `x` has 1 NA/NaN value "
                                           r"\(first at \[5, 2\]\)\. Remove or impute"):
        M.fit(m, SOURCES[kind](x, Y), steps_per_epoch=4, epochs=1, verbose=0)
    assert all(np.isfinite(w).all() for w in m.get_weights())


@pytest.mark.parametrize("kind", list(SOURCES))
def test_evaluate_refuses_inf_in_a_batch_of_y(kind):
    y = spoiled(Y, 13, 0, np.inf)  # row 4 of batch 2
    with pytest.raises(RkValueError, match=r"^Batch 2 of `x` \(.*\): `y` has 1 infinite value "
                                           r"\(Inf/-Inf\) \(first at \[4, 1\]\)"):
        M.evaluate(fresh(), SOURCES[kind](X, y), steps=4)


@pytest.mark.parametrize("kind", list(SOURCES))
def test_predict_refuses_nan_in_a_batch_of_x(kind):
    with pytest.raises(RkValueError, match=r"^Batch 4 of `x` \(.*\): `x` has 2 NA/NaN values "
                                           r"\(first at \[1, 1\], \[3, 1\]\)"):
        M.predict(fresh(), SOURCES[kind](spoiled(spoiled(X, 30), 32)), steps=4)


def test_allow_na_trains_on_a_generator_with_nan():
    m = fresh()
    M.fit(m, python_batches(spoiled(X, 24, 1), Y), steps_per_epoch=4, epochs=1, verbose=0,
          allow_na=True)
    assert not np.isfinite(m.get_weights()[0]).all()


def test_predict_on_arrays_refuses_nan_as_fit_does():
    with pytest.raises(RkValueError, match=r"^`x` has 1 NA/NaN value \(first at \[3, 2\]\)"):
        M.predict(fresh(), spoiled(X, 2, 1))
    out = M.predict(fresh(), spoiled(X, 2, 1), allow_na=True)
    assert out.shape == (40, 1) and np.isnan(out[2, 0]) and np.isfinite(out[3, 0])


def test_validation_dataset_with_nan_is_refused_naming_validation_data():
    with pytest.raises(RkValueError, match=r"^Batch 1 of `validation_data` \(.*\): `x` has"):
        M.fit(fresh(), X, Y, epochs=1, verbose=0,
              validation_data=dataset(spoiled(X, 0), Y))


# -- b. targets (and inputs) of the wrong shape are refused as arrays are ----------------

@pytest.mark.parametrize("kind", ["python generator", "R generator"])
def test_generator_targets_of_two_columns_for_one_unit_are_refused(kind):
    y2 = np.concatenate([Y, Y], axis=1)
    with pytest.raises(RkShapeError) as arrays:
        M.fit(fresh(), X[:10], y2[:10], epochs=1, verbose=0)
    with pytest.raises(RkShapeError) as batches:
        M.fit(fresh(), SOURCES[kind](X, y2), steps_per_epoch=4, epochs=1, verbose=0)
    assert str(batches.value) == f"Batch 1 of `x` (a generator): {arrays.value}"
    assert "`y` has dim() c(10, 2) but the model's output has dim() c(NA, 1)" \
        in str(batches.value)


@pytest.mark.parametrize("kind", list(SOURCES))
def test_evaluate_on_targets_of_three_columns_is_refused(kind):
    y3 = np.concatenate([Y, Y, Y], axis=1)
    with pytest.raises(RkShapeError, match=r"`y` has dim\(\) c\((10|NA), 3\) but the model's "
                                           r"output has dim\(\) c\(NA, 1\)"):
        M.evaluate(fresh(), SOURCES[kind](X, y3), steps=4)


@pytest.mark.parametrize("kind", ["arrays", *SOURCES])
def test_targets_with_more_dimensions_than_the_output_are_refused(kind):
    y3 = np.stack([Y, Y], axis=2)  # 40 x 1 x 2: Keras's mse would broadcast it and train
    model = fresh()
    before = [w.copy() for w in model.get_weights()]
    with pytest.raises(RkShapeError, match=r"`y` has dim\(\) c\((10|40|NA), 1, 2\) but the "
                                           r"model's output has dim\(\) c\(NA, 1\)"):
        if kind == "arrays":
            M.fit(model, X, y3, epochs=1, verbose=0)
        else:
            M.fit(model, SOURCES[kind](X, y3), steps_per_epoch=4, epochs=1, verbose=0)
    assert all(np.array_equal(a, b) for a, b in zip(before, model.get_weights()))


def test_a_loss_of_the_users_own_may_take_packed_targets():
    def first_of_pair(y_true, y_pred):
        return keras.ops.mean(keras.ops.square(y_true[:, :, 0] - y_pred))
    model = fresh()
    model.compile(optimizer="sgd", loss=first_of_pair)
    history = M.fit(model, X, np.stack([Y, Y], axis=2), epochs=2, verbose=0)
    assert len(history.metrics["loss"]) == 2


def test_dataset_of_the_wrong_width_is_refused_before_any_batch():
    taken = []
    ds = dataset(np.concatenate([X, X], axis=1), Y).map(lambda x, y: (taken.append(1) or x, y))
    with pytest.raises(RkShapeError, match=r"^The batches of `x` \(a TensorFlow dataset\): "
                                           r"`x` has dim\(\) c\(NA, 6\) but the model expects "
                                           r"c\(NA, 3\)"):
        M.fit(fresh(), ds, epochs=1, verbose=0)


def test_generator_batch_of_the_wrong_width_names_the_batch():
    with pytest.raises(RkShapeError, match=r"^Batch 1 of `x` \(a generator\): `x` has dim\(\) "
                                           r"c\(10, 2\) but the model expects c\(NA, 3\)"):
        M.predict(fresh(), python_batches(X[:, :2]), steps=4)


def test_rows_of_x_and_y_differ_in_a_dataset_batch():
    ds = tf.data.Dataset.zip((tf.data.Dataset.from_tensor_slices(X).batch(10),
                              tf.data.Dataset.from_tensor_slices(Y).batch(8)))
    with pytest.raises(RkShapeError, match=r"^Batch 1 of `x` \(a TensorFlow dataset\): `x` has "
                                           r"10 rows \(samples\) but `y` has 8"):
        M.evaluate(fresh(), ds)


def test_a_dataset_read_keeps_no_model_alive():
    import gc
    import weakref
    refs = []
    for verb in ("fit", "evaluate", "predict"):
        m = fresh()
        data = dataset(X) if verb == "predict" else dataset(X, Y)
        kw = {"verbose": 0} if verb == "fit" else {}
        getattr(M, verb)(m, data, **kw)
        refs.append(weakref.ref(m))
        del m
    gc.collect()
    assert [r() is None for r in refs] == [True, True, True]
    # the batches are still checked (the check holds the model weakly)
    with pytest.raises(RkValueError, match=r"^Batch 2 of `x` \(a TensorFlow dataset\)"):
        M.fit(fresh(), dataset(X, spoiled(Y, 15)), verbose=0)


def test_validation_arrays_get_the_shape_checks():
    with pytest.raises(RkShapeError, match=r"^`validation_data\[\[2\]\]` has dim\(\) c\(40, 2\)"):
        M.fit(fresh(), X, Y, epochs=1, verbose=0,
              validation_data=[X, np.concatenate([Y, Y], axis=1)])


def test_named_list_batches_are_matched_by_name():
    a, b = keras.Input((3,), name="a"), keras.Input((2,), name="b")
    out = keras.layers.Dense(1)(keras.layers.Concatenate()([a, b]))
    m = keras.Model({"a": a, "b": b}, out)
    m.compile(optimizer="sgd", loss="mse")
    xa, xb = X, X[:, :2]
    want = M.predict(m, {"a": xa, "b": xb})
    gen = ({"b": xb[i * 10:(i + 1) * 10], "a": xa[i * 10:(i + 1) * 10]} for i in range(4))
    np.testing.assert_allclose(M.predict(m, gen, steps=4), want, rtol=1e-6)
    bad = ({"a": xa[:10], "c": xb[:10]} for _ in range(4))
    with pytest.raises(RkValueError, match=r"^Batch 1 of `x` \(a generator\): `x` has an "
                                           r"element named \"c\""):
        M.predict(m, bad, steps=4)


# -- c. the low-level verbs check what fit() checks --------------------------------------

@pytest.mark.parametrize("verb", [L.train_on_batch, L.test_on_batch])
def test_on_batch_checks_sample_weight(verb):
    w = np.ones(10)
    w[1] = np.nan
    with pytest.raises(RkValueError, match=r"^`sample_weight` has 1 NA/NaN value "
                                           r"\(first at \[2\]\)"):
        verb(fresh(), X[:10], Y[:10], sample_weight=w)
    with pytest.raises(RkShapeError, match=r"^`x` has 10 rows \(samples\) but `sample_weight` "
                                           r"has 9"):
        verb(fresh(), X[:10], Y[:10], sample_weight=np.ones(9))


def test_predict_on_batch_checks_the_input_shape():
    with pytest.raises(RkShapeError, match=r"^`x` has dim\(\) c\(10, 4\)"):
        L.predict_on_batch(fresh(), rng.random((10, 4)))


def test_unnamed_dataset_targets_follow_the_order_the_outputs_were_given():
    inp = keras.Input((3,))
    b = keras.layers.Dense(1, name="b_out")(inp)
    a = keras.layers.Dense(2, name="a_out")(inp)
    m = keras.Model(inp, {"b": b, "a": a})
    m.compile(optimizer="sgd", loss="mse")
    yb, ya = Y, np.concatenate([Y, -Y], axis=1)
    want = M.evaluate(m, X, [yb, ya], batch_size=10)
    ds = tf.data.Dataset.from_tensor_slices((X, (yb, ya))).batch(10)
    got = M.evaluate(m, ds)
    assert got == pytest.approx(want, rel=1e-5)


def _address(t: tf.Tensor) -> int:
    """Where a tensor's elements are (through DLPack, which shares them)."""
    capsule = tf.experimental.dlpack.to_dlpack(t)

    class Exported:
        def __dlpack__(self, **kw):
            return capsule

        def __dlpack_device__(self):
            return (1, 0)
    return np.from_dlpack(Exported()).ctypes.data


def watch_fit(monkeypatch) -> tuple[list[np.ndarray], dict]:
    """The aligned buffers the engine fills (in order), and what it hands Keras's fit()
    (which does not run)."""
    from rkbridge import array_order
    made: list[np.ndarray] = []
    empty = array_order.aligned_empty
    monkeypatch.setattr(array_order, "aligned_empty",
                        lambda *a: made.append(empty(*a)) or made[-1])
    given: dict = {}
    monkeypatch.setattr(M._KerasLoop, "fit", lambda self, **kw: given.update(kw) or
                        keras.callbacks.History())
    return made, given


def test_large_fit_data_reaches_keras_in_one_copy_with_the_split_as_row_ranges(monkeypatch):
    import tracemalloc
    from rkbridge import array_order
    from rkbridge.training import data as D
    n, p = 10001, 160  # each part of x is large enough to go as a tensor
    assert (n // 5) * p >= D.TENSOR_MIN_ELEMENTS
    x = np.asfortranarray(rng.random((n, p)))  # R's layout, read-only as lent
    x.flags.writeable = False
    y = x[:, :1] * 2
    made, given = watch_fit(monkeypatch)
    m = keras.Sequential([keras.Input((p,)), keras.layers.Dense(1)])
    m.compile(optimizer="sgd", loss="mse")
    tracemalloc.start()
    try:
        M.fit(m, x, y, epochs=1, verbose=0, validation_split=0.2)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    at = int(n * 0.8)  # Keras validates on the last rows
    x_train, (x_val, y_val) = given["x"], given["validation_data"]
    assert given["validation_split"] == 0.0
    # the inputs are tensors on the two row ranges this module filled, nothing Keras would
    # copy again; the targets (small) stay arrays
    assert [a.shape for a in made] == [(at, p), (n - at, p)]
    assert [_address(t) for t in (x_train, x_val)] == [a.ctypes.data for a in made]
    assert all(_address(t) % array_order.ALIGNMENT == 0 for t in (x_train, x_val))
    np.testing.assert_array_equal(x_train.numpy(), x[:at].astype(np.float32))
    np.testing.assert_array_equal(x_val.numpy(), x[at:].astype(np.float32))
    np.testing.assert_array_equal(y_val, y[at:].astype(np.float32))
    # one float32 copy of x (and y) in all: no float64 temporary, no second copy
    one_copy = (x.size + y.size) * 4
    assert peak < 1.25 * one_copy, (peak, one_copy)


def test_a_large_data_frame_reaches_keras_in_one_copy(monkeypatch):
    import tracemalloc
    from rkbridge import array_order
    from rkbridge.training import data as D
    from rkbridge.values import RDataFrame
    n, p = 4001, 80
    assert n * p >= D.TENSOR_MIN_ELEMENTS
    columns = [rng.random(n) for _ in range(p)]  # R's columns, each its own vector
    columns[3] = rng.integers(0, 9, n).astype(np.int32)  # an integer column among them
    frame = RDataFrame([f"v{j}" for j in range(p)], columns)
    y = columns[0] * 2
    made, given = watch_fit(monkeypatch)
    m = keras.Sequential([keras.Input((p,)), keras.layers.Dense(1)])
    m.compile(optimizer="sgd", loss="mse")
    tracemalloc.start()
    try:
        M.fit(m, frame, y, epochs=1, verbose=0)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    # the tensor Keras gets is the float32 matrix made from the columns: no float64 matrix
    # before it, no copy after it
    assert [a.shape for a in made] == [(n, p)]
    assert _address(given["x"]) == made[0].ctypes.data
    np.testing.assert_array_equal(given["x"].numpy(),
                                  np.column_stack(columns).astype(np.float32))
    one_copy = n * p * 4
    assert peak < 1.25 * one_copy + y.size * 8, (peak, one_copy)


@pytest.mark.parametrize("weighted", [False, True])
def test_fit_on_tensors_and_row_ranges_trains_as_keras_does(monkeypatch, weighted):
    from rkbridge.training import data as D
    monkeypatch.setattr(D, "TENSOR_MIN_ELEMENTS", 1000)  # the large-data road, on small data

    def seeded() -> keras.Model:
        keras.utils.set_random_seed(3)
        m = keras.Sequential([keras.Input((30,)), keras.layers.Dense(8, activation="relu"),
                              keras.layers.Dropout(0.3), keras.layers.Dense(3)])
        m.compile(optimizer="adam", loss="mse", metrics=["mae"])
        return m
    x = rng.random((501, 30))
    y = rng.random((501, 3))
    w = rng.random(501) if weighted else None
    theirs = seeded()
    h = theirs.fit(x, y, sample_weight=w, epochs=2, batch_size=32, validation_split=0.25,
                   verbose=0)
    ours = seeded()
    lent = np.asfortranarray(x)
    lent.flags.writeable = False
    hist = M.fit(ours, lent, np.asfortranarray(y), sample_weight=w, epochs=2, batch_size=32,
                 validation_split=0.25, verbose=0)
    for a, b in zip(theirs.get_weights(), ours.get_weights()):  # same batches, same shuffling
        np.testing.assert_array_equal(a, b)
    assert hist.params["samples"] == 375
    np.testing.assert_allclose(hist.metrics["val_loss"], h.history["val_loss"], rtol=1e-6)
    np.testing.assert_array_equal(M.predict(ours, lent), theirs.predict(x, verbose=0))


def test_the_tensor_feed_can_be_turned_off(monkeypatch):
    from rkbridge.training import data as D
    a = np.asfortranarray(rng.random((D.TENSOR_MIN_ELEMENTS // 8, 8)))
    assert tf.is_tensor(D.cast_for_model(fresh(), a, tensors=True))
    monkeypatch.setenv("RKBRIDGE_TENSOR_FEED", "0")
    plain = D.cast_for_model(fresh(), a, tensors=True)
    assert isinstance(plain, np.ndarray) and plain.dtype == np.float32
    assert plain.flags.c_contiguous and np.array_equal(plain, a.astype(np.float32))
