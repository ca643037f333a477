"""The engine's Sequential workflow with R conventions, called from Python."""
from __future__ import annotations

import numpy as np
import pytest

from rkbridge.errors import RkIndexError, RkNotCompiledError, RkValueError
from rkbridge.values import RFactor


@pytest.fixture()
def mlp(rk):
    m = rk.keras_model_sequential()
    rk.layer_dense(m, units=16, activation="relu", input_shape=[20])
    rk.layer_dropout(m, rate=0.5)
    rk.layer_dense(m, units=3, activation="softmax")
    return m


def data(n=64, k=3, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.random((n, 20))
    y = np.zeros((n, k), np.float32)
    y[np.arange(n), rng.integers(0, k, n)] = 1
    return x, y


def test_layers_are_added_in_place(rk, mlp):
    assert len(mlp.layers) == 3
    assert rk.layer_dense(mlp, units=2) is mlp
    assert len(mlp.layers) == 4


def test_layer_without_object_and_on_tensor(rk):
    layer = rk.layer_dense(units=3.0)
    assert layer.units == 3 and not layer.built
    inp = rk.layer_input(shape=[4])
    out = rk.layer_dense(inp, units=2)
    assert tuple(out.shape) == (None, 2)


def test_fit_history_evaluate_predict(rk, mlp):
    x, y = data()
    rk.compile(mlp, optimizer="adam", loss="categorical_crossentropy", metrics="accuracy")
    h = rk.fit(mlp, x, y, epochs=3, batch_size=16, verbose=0, validation_split=0.25)
    assert list(h.metrics) == ["loss", "accuracy", "val_loss", "val_accuracy"]
    assert all(len(v) == 3 for v in h.metrics.values())
    assert h.params["epochs"] == 3 and h.params["batch_size"] == 16
    rec = h.as_records()
    assert rec["epoch"][:3] == [1, 2, 3] and set(rec["data"]) == {"training", "validation"}
    score = rk.evaluate(mlp, x, y, verbose=0)
    assert set(score) == {"loss", "accuracy"} and 0 <= score["accuracy"] <= 1
    p = rk.predict(mlp, x)
    assert p.shape == (64, 3) and np.allclose(p.sum(axis=1), 1, atol=1e-5)
    cls = rk.predict_classes(mlp, x)
    assert cls.dtype == np.int32 and np.array_equal(cls, p.argmax(axis=1))


def test_fortran_ordered_input_predicts_like_c_ordered(rk, mlp):
    x, _ = data(8)
    f = np.asfortranarray(x)
    assert np.allclose(rk.predict(mlp, f), rk.predict(mlp, np.ascontiguousarray(x)))


def test_predict_classes_binary(rk):
    m = rk.keras_model_sequential(input_shape=[2])
    rk.layer_dense(m, units=1, activation="sigmoid")
    rk.set_weights(m, [np.array([[1.0], [0.0]]), np.array([0.0])])
    out = rk.predict_classes(m, np.array([[5.0, 0.0], [-5.0, 0.0]]))
    assert out.tolist() == [1, 0]


def test_fit_before_compile_is_an_error(rk, mlp):
    x, y = data()
    with pytest.raises(RkNotCompiledError, match="compiled before fit"):
        rk.fit(mlp, x, y, verbose=0)


def test_na_in_training_data(rk, mlp):
    x, y = data()
    x[3, 5] = np.nan
    rk.compile(mlp, optimizer="adam", loss="categorical_crossentropy")
    with pytest.raises(RkValueError, match=r"1 NA/NaN value \(first at \[4, 6\]\)"):
        rk.fit(mlp, x, y, verbose=0)


def test_compile_forms(rk, mlp):
    x, y = data()
    metric = rk.custom_metric("mean_pred", lambda yt, yp: rk.k_mean(yp))
    rk.compile(mlp, optimizer=rk.optimizer_rmsprop(), loss=rk.Named("loss_categorical_crossentropy"),
               metrics=[rk.Named("metric_categorical_accuracy"), metric])
    h = rk.fit(mlp, x, y, epochs=1, verbose=0)
    assert {"categorical_accuracy", "mean_pred"} <= set(h.metrics)
    s = rk.evaluate(mlp, x, y)
    assert abs(s["mean_pred"] - 1 / 3) < 1e-5  # softmax rows average to 1/k


def test_to_categorical(rk):
    assert rk.to_categorical([0, 2, 1], 3).tolist() == [[1, 0, 0], [0, 0, 1], [0, 1, 0]]
    col = rk.to_categorical(np.array([[1.0], [0.0]]))
    assert col.shape == (2, 2) and col[0].tolist() == [0, 1]
    f = rk.to_categorical(RFactor(np.array([2, 1, 2]), ["lo", "hi"]))
    assert f.tolist() == [[0, 1], [1, 0], [0, 1]]
    with pytest.raises(RkValueError, match=r"0\.\.2"):
        rk.to_categorical([0, 3], 3)
    with pytest.raises(RkValueError, match="whole-number"):
        rk.to_categorical([0.5])


def test_get_layer_is_one_based(rk, mlp):
    names = [l.name for l in mlp.layers]
    assert rk.get_layer(mlp, index=1).name == names[0]
    assert rk.get_layer(mlp, index=-1).name == names[-1]
    assert rk.get_layer(mlp, name=names[1]).name == names[1]
    with pytest.raises(RkIndexError, match="use 1 to 3"):
        rk.get_layer(mlp, index=0)
    with pytest.raises(RkValueError, match="Layers:"):
        rk.get_layer(mlp, name="nope")


def test_freeze_is_one_based_and_inclusive(rk, mlp):
    rk.freeze_weights(mlp, to=-2)
    assert [l.trainable for l in mlp.layers] == [False, False, True]
    rk.unfreeze_weights(mlp)
    assert all(l.trainable for l in mlp.layers)
    rk.freeze_weights(mlp, **{"from": 2})
    assert [l.trainable for l in mlp.layers] == [True, False, False]


def test_freeze_a_single_layer(rk, mlp):
    # a layer (a model's sublayer, a Dense) is frozen whole; its weights leave the trainable
    dense = mlp.layers[2]
    rk.freeze_weights(dense)
    assert dense.trainable is False and not dense.trainable_weights
    assert [l.trainable for l in mlp.layers] == [True, True, False]
    rk.unfreeze_weights(dense)
    assert dense.trainable is True and len(dense.trainable_weights) == 2


def test_summary_text(rk, mlp):
    text = rk.summary_text(mlp)
    assert "Total params:" in text and "(None, 16)" in text
    unbuilt = rk.keras_model_sequential()
    rk.layer_dense(unbuilt, units=2)
    text = rk.summary_text(unbuilt)  # keras3 said "unbuilt", keras 2.x "no summary available"
    assert text.startswith(f'Model: "{unbuilt.name}" (unbuilt)')
    assert "<no summary available, model was not built" in text


def test_weights_round_trip(rk, mlp):
    w = rk.get_weights(mlp)
    assert w[0].shape == (20, 16) and w[1].shape == (16,)
    rk.set_weights(mlp, [a * 0 + 1 for a in w])
    assert all(np.all(a == 1) for a in rk.get_weights(mlp))


def test_class_weight_from_r_list(rk):
    from rkbridge.wrappers.args import as_class_weight
    assert as_class_weight({"0": 1.0, "1": np.array([2.0])}) == {0: 1.0, 1: 2.0}
    assert as_class_weight(np.array([1.0, 3.0])) == {0: 1.0, 1: 3.0}
