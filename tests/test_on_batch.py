"""train_on_batch() / test_on_batch() / predict_on_batch(), reset_state(s)(),
clear_session(), and the preprocessing layers' adapt() / get_vocabulary() /
set_vocabulary(): compared with the same calls on plain Keras."""
from __future__ import annotations

import numpy as np
import pytest

import rkbridge as rk
from rkbridge._keras import keras
from rkbridge.errors import RkNotCompiledError

RNG = np.random.default_rng(3)
X = RNG.normal(size=(8, 3))
Y = X.sum(axis=1, keepdims=True)


def twins(metrics=("mae",)):
    """The same model twice: through rkbridge, and plain Keras with the same weights."""
    keras.utils.set_random_seed(1)
    ours = rk.keras_model_sequential(input_shape=[3])
    rk.layer_dense(ours, units=1)
    theirs = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    theirs.set_weights(ours.get_weights())
    for m in (ours, theirs):
        m.compile(optimizer="sgd", loss="mse", metrics=list(metrics))
    return ours, theirs


def test_train_on_batch_matches_keras_loss_first():
    ours, theirs = twins(metrics=("mse", "mae"))
    # R data: a column-major view
    got = rk.train_on_batch(ours, np.asfortranarray(X), np.asfortranarray(Y))
    want = theirs.train_on_batch(X, Y, return_dict=True)
    assert list(got) == ["loss", "mse", "mae"]  # compile order, not Keras's sorted logs
    for k in got:
        assert got[k] == pytest.approx(want[k], rel=1e-6)
    for a, b in zip(ours.get_weights(), theirs.get_weights()):  # the same update
        np.testing.assert_allclose(a, b, rtol=1e-6)


def test_results_follow_the_compile_order_after_a_new_compile():
    ours, _ = twins(metrics=("mae", "mse"))
    assert list(rk.train_on_batch(ours, X, Y)) == ["loss", "mae", "mse"]
    assert list(rk.test_on_batch(ours, X, Y)) == ["loss", "mae", "mse"]
    ours.compile(optimizer="sgd", loss="mse", metrics=["mse", "mae"])
    assert list(rk.train_on_batch(ours, X, Y)) == ["loss", "mse", "mae"]
    assert list(rk.test_on_batch(ours, X, Y)) == ["loss", "mse", "mae"]


def test_one_value_is_a_number_and_test_on_batch_does_not_update():
    ours, theirs = twins(metrics=())
    before = [w.copy() for w in ours.get_weights()]
    got = rk.test_on_batch(ours, X, Y)
    assert isinstance(got, float)
    assert got == pytest.approx(float(theirs.test_on_batch(X, Y)), rel=1e-6)
    for a, b in zip(before, ours.get_weights()):
        np.testing.assert_array_equal(a, b)
    sw = np.array([1.0, 0, 0, 0, 0, 0, 0, 2.0])
    assert rk.test_on_batch(ours, X, Y, sample_weight=sw) == pytest.approx(
        float(theirs.test_on_batch(X, Y, sample_weight=sw)), rel=1e-6)


def test_class_weight_and_errors():
    keras.utils.set_random_seed(2)
    model = rk.keras_model_sequential(input_shape=[3])
    rk.layer_dense(model, units=2, activation="softmax")
    twin = keras.models.clone_model(model)
    twin.set_weights(model.get_weights())
    y = np.array([0, 1, 1, 0, 1, 0, 0, 1])
    for m in (model, twin):
        m.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    got = rk.train_on_batch(model, X, y.astype(float), class_weight=np.array([1.0, 3.0]))
    want = twin.train_on_batch(X, y, class_weight={0: 1.0, 1: 3.0})
    assert got == pytest.approx(float(want), rel=1e-6)
    with pytest.raises(RkNotCompiledError):
        rk.train_on_batch(rk.keras_model_sequential(input_shape=[3]), X, Y)


def test_predict_on_batch_is_keras():
    ours, theirs = twins()
    np.testing.assert_array_equal(rk.predict_on_batch(ours, np.asfortranarray(X)),
                                  theirs.predict_on_batch(X))


def test_reset_states_of_a_stateful_rnn():
    model = rk.keras_model_sequential(input_shape=[4, 2], input_batch_size=1)
    rk.layer_lstm(model, units=3, stateful=True)
    x = RNG.normal(size=(1, 4, 2)).astype("float32")
    first = rk.predict_on_batch(model, x)
    second = rk.predict_on_batch(model, x)
    assert not np.allclose(first, second)  # the state carried over
    assert rk.reset_states(model) is model
    np.testing.assert_allclose(rk.predict_on_batch(model, x), first, rtol=1e-6)
    rk.predict_on_batch(model, x)
    rk.reset_state(model.layers[0])
    np.testing.assert_allclose(rk.predict_on_batch(model, x), first, rtol=1e-6)
    metric = keras.metrics.Mean()
    metric.update_state([1.0, 3.0])
    rk.reset_state(metric)
    assert float(metric.result()) == 0


def test_clear_session_resets_layer_names():
    rk.clear_session()
    a = rk.layer_dense(units=1)
    rk.clear_session()
    b = rk.layer_dense(units=1)
    assert a.name == b.name == "dense"


TEXTS = ["the cat sat", "the dog", "a cat"]


def test_adapt_and_vocabulary_like_keras():
    ours = rk.layer_text_vectorization()
    assert rk.adapt(ours, np.array(TEXTS)) is ours
    theirs = keras.layers.TextVectorization()
    theirs.adapt(TEXTS)
    assert rk.get_vocabulary(ours).tolist() == theirs.get_vocabulary()
    assert rk.get_vocabulary(ours, include_special_tokens=False).tolist() == \
        theirs.get_vocabulary(include_special_tokens=False)
    np.testing.assert_array_equal(np.asarray(ours(np.array(["the cat"]))),
                                  np.asarray(theirs(np.array(["the cat"]))))
    # a single string (an R character vector of length 1) is one text
    one = rk.layer_string_lookup()
    rk.adapt(one, "b")
    assert rk.get_vocabulary(one).tolist() == ["[UNK]", "b"]


def test_set_vocabulary_strings_and_integers():
    layer = rk.layer_string_lookup()
    assert rk.set_vocabulary(layer, ["red", "green"]) is layer
    assert rk.get_vocabulary(layer).tolist() == ["[UNK]", "red", "green"]
    assert np.asarray(layer(np.array(["green", "blue"]))).tolist() == [2, 0]
    # an R character vector (a list of strings, or one string) as the layer's input
    assert np.asarray(rk.compose_layer(["green", "blue"], layer)).tolist() == [2, 0]
    assert np.asarray(rk.compose_layer("red", layer)).tolist() == 1  # one string: a scalar
    ints = rk.layer_integer_lookup()
    rk.set_vocabulary(ints, np.array([12.0, 7.0]))  # R doubles
    vocab = rk.get_vocabulary(ints)
    assert isinstance(vocab, list) and vocab == [-1, 12, 7]  # a list, as in both R interfaces
    assert all(isinstance(v, np.int32) for v in vocab)
    tfidf = rk.layer_text_vectorization(output_mode="tf_idf")
    rk.set_vocabulary(tfidf, ["a", "b"], idf_weights=np.array([0.5, 2.0]))
    out = np.asarray(tfidf(np.array(["b b"])))
    assert out[0, 2] == pytest.approx(4.0)


def test_adapt_normalization_and_discretization():
    data = np.asfortranarray(RNG.normal(size=(50, 2)) * [1.0, 10.0] + [0.0, 5.0])
    norm = rk.layer_normalization()
    rk.adapt(norm, data)
    np.testing.assert_allclose(np.asarray(norm.mean).reshape(-1), data.mean(axis=0),
                               rtol=1e-5)
    disc = rk.layer_discretization(num_bins=4)
    rk.adapt(disc, data[:, 0])
    theirs = keras.layers.Discretization(num_bins=4)
    theirs.adapt(np.ascontiguousarray(data[:, 0]))
    np.testing.assert_allclose(disc.bin_boundaries, theirs.bin_boundaries)


# ---- repeated calls: the step's concrete function (training/fast_step.py) -----------------

def keras_twins(optimizer="adam", metrics=("mae",), inputs=1):
    """One model architecture twice with the same weights, compiled alike: one for our
    calls, one for Keras's own."""
    def make():
        keras.utils.set_random_seed(7)
        if inputs == 1:
            model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4, activation="relu"),
                                      keras.layers.Dense(1)])
        else:
            a, b = keras.Input((3,), name="a"), keras.Input((2,), name="b")
            h = keras.layers.Concatenate()([a, b])
            model = keras.Model([a, b], keras.layers.Dense(1)(h))
        model.compile(optimizer=optimizer, loss="mse", metrics=list(metrics))
        return model
    return make(), make()


def assert_same_weights(a, b):
    for u, v in zip(a.get_weights(), b.get_weights()):
        np.testing.assert_array_equal(u, v)


def test_repeated_train_and_test_on_batch_are_keras_own_steps():
    ours, theirs = keras_twins(metrics=("mae", "mse"))
    x, y = RNG.normal(size=(16, 3)), RNG.normal(size=(16, 1))
    w = RNG.uniform(size=16)
    x32, y32, w32 = (a.astype("float32") for a in (x, y, w))
    for step in range(5):  # the first call traces; the others use the concrete function
        got = rk.train_on_batch(ours, np.asfortranarray(x), np.asfortranarray(y))
        want = theirs.train_on_batch(x32, y32, return_dict=True)
        assert got == {k: want[k] for k in ("loss", "mae", "mse")}, step
        assert_same_weights(ours, theirs)
    for step in range(3):  # a new signature (sample weights): traced, then reused
        got = rk.train_on_batch(ours, x, y, sample_weight=w)
        want = theirs.train_on_batch(x32, y32, sample_weight=w32, return_dict=True)
        assert got["loss"] == want["loss"], step
    assert_same_weights(ours, theirs)
    for step in range(3):  # evaluation leaves the weights alone and resets its metrics
        got = rk.test_on_batch(ours, x, y)
        want = theirs.test_on_batch(x32, y32, return_dict=True)
        assert got == {k: want[k] for k in ("loss", "mae", "mse")}, step
    assert_same_weights(ours, theirs)


def test_repeated_steps_of_a_model_with_several_inputs():
    ours, theirs = keras_twins(optimizer="sgd", inputs=2)
    xa, xb, y = RNG.normal(size=(8, 3)), RNG.normal(size=(8, 2)), RNG.normal(size=(8, 1))
    for step in range(4):
        got = rk.train_on_batch(ours, [xa, xb], y)
        want = theirs.train_on_batch([xa.astype("float32"), xb.astype("float32")],
                                     y.astype("float32"), return_dict=True)
        assert got == {k: want[k] for k in ("loss", "mae")}, step
    assert_same_weights(ours, theirs)


def test_a_new_compile_is_seen_by_repeated_steps():
    ours, theirs = keras_twins(optimizer="sgd")
    x, y = RNG.normal(size=(8, 3)), RNG.normal(size=(8, 1))
    for _ in range(3):
        rk.train_on_batch(ours, x, y)
        theirs.train_on_batch(x.astype("float32"), y.astype("float32"))
    for m in (ours, theirs):  # new optimizer and metrics: Keras makes a new step
        m.compile(optimizer=keras.optimizers.Adam(0.1), loss="mae", metrics=["mse"])
    for step in range(3):
        got = rk.train_on_batch(ours, x, y)
        want = theirs.train_on_batch(x.astype("float32"), y.astype("float32"),
                                     return_dict=True)
        assert got == {"loss": want["loss"], "mse": want["mse"]}, step
    assert_same_weights(ours, theirs)


def test_a_metric_with_its_own_reset_is_reset_by_its_own_code():
    resets = {"ours": 0, "keras": 0}

    def counting(who):
        class Counting(keras.metrics.MeanAbsoluteError):
            def reset_state(self):
                resets[who] += 1  # Python work that a traced reset would run only once
                super().reset_state()
        return Counting(name="c")

    def model(who):
        keras.utils.set_random_seed(7)
        m = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
        m.compile(optimizer="sgd", loss="mse", metrics=[counting(who)])
        return m

    ours, theirs = model("ours"), model("keras")
    x, y = RNG.normal(size=(8, 3)), RNG.normal(size=(8, 1))
    for _ in range(4):
        got = rk.train_on_batch(ours, x, y)
        want = theirs.train_on_batch(x.astype("float32"), y.astype("float32"),
                                     return_dict=True)
        assert got == {"loss": want["loss"], "c": want["c"]}
    assert resets["ours"] == resets["keras"] >= 3


def test_repeated_steps_keep_no_model_alive():
    import gc
    import weakref
    ours, _ = keras_twins()
    x, y = RNG.normal(size=(8, 3)), RNG.normal(size=(8, 1))
    for _ in range(3):
        rk.train_on_batch(ours, x, y)
        rk.test_on_batch(ours, x, y)
        rk.predict_on_batch(ours, x)
    ref = weakref.ref(ours)
    del ours
    gc.collect()
    assert ref() is None


def test_repeated_predict_on_batch_is_keras_own():
    ours, theirs = keras_twins()
    x = RNG.normal(size=(5, 3))
    for _ in range(3):
        np.testing.assert_array_equal(rk.predict_on_batch(ours, np.asfortranarray(x)),
                                      theirs.predict_on_batch(x))
