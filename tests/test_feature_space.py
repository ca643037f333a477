"""layer_feature_space() and the feature_*() specifications against Keras's own FeatureSpace
called directly on the same data; metric_mean_tensor() against Keras's Mean, element by
element."""
from __future__ import annotations

import numpy as np
import pytest

from rkbridge.api import API
from rkbridge._keras import keras, tf
from rkbridge.values import RDataFrame, RFactor
from rkbridge.errors import RkTypeError, RkValueError
from rkbridge.training.model import compose_layer

FS = keras.utils.FeatureSpace

AGE = np.array([31.0, 45.0, 27.0, 60.0, 38.0, 45.0])
CITY = ["Oslo", "Rome", "Oslo", "Lima", "Rome", "Oslo"]
ROOMS = np.array([2.0, 3.0, 2.0, 4.0, 3.0, 2.0])  # R doubles, whole numbers

# What R sends: doubles for numbers (also for an integer feature), a list of strings.
R_DATA = {"age": AGE, "city": CITY, "rooms": ROOMS}
# What a Python user of Keras passes: the dtypes the features declare.
PY_DATA = {"age": AGE.astype("float32"), "city": np.array(CITY),
           "rooms": ROOMS.astype("int32")}
TYPES = {"age": "float_normalized", "city": "string_categorical",
         "rooms": "integer_categorical"}


def space(**kwargs):
    return API["layer_feature_space"](**kwargs)


def call(sp, data):
    return compose_layer(data, sp)  # what `space(data)` does in R


def keras_space(**kwargs):
    sp = FS(**kwargs)
    sp.adapt(tf.data.Dataset.from_tensor_slices(PY_DATA))
    return sp


def test_concat_output_equals_keras_feature_space():
    ours = space(object=R_DATA, features=TYPES, crosses=[["city", "rooms"]], crossing_dim=8)
    theirs = keras_space(features=TYPES, crosses=[("city", "rooms")], crossing_dim=8)
    got, want = call(ours, R_DATA), np.asarray(theirs(PY_DATA))
    assert isinstance(got, np.ndarray) and got.shape == (6, 1 + 4 + 4 + 8)
    np.testing.assert_allclose(got, want, rtol=1e-6)
    new = {"age": np.array([50.0]), "city": "Paris", "rooms": np.array([3.0])}
    np.testing.assert_allclose(call(ours, new)[0],
                               np.asarray(theirs({"age": np.array([50.0], "float32"),
                                                  "city": np.array(["Paris"]),
                                                  "rooms": np.array([3], "int32")}))[0],
                               rtol=1e-6)


def test_tensors_are_encoded_as_keras_encodes_them_and_stay_tensors():
    ours = space(object=R_DATA, features=TYPES)
    theirs = keras_space(features=TYPES)
    # one element of a dataset (scalar tensors, a string tensor among them), as iter_next()
    # gives it
    element = {k: tf.constant(v[1]) for k, v in PY_DATA.items()}
    got = call(ours, element)
    assert tf.is_tensor(got) and tuple(got.shape) == (1 + 4 + 4,)
    np.testing.assert_allclose(np.asarray(got), np.asarray(theirs(element)), rtol=1e-6)
    # inside dataset_map(): symbolic tensors, batched
    ds = tf.data.Dataset.from_tensor_slices(PY_DATA).batch(3).map(lambda x: call(ours, x))
    got = np.concatenate([np.asarray(b) for b in ds])
    np.testing.assert_allclose(got, np.asarray(theirs(PY_DATA)), rtol=1e-6)


def test_normalized_feature_has_the_data_mean_and_variance():
    sp = space(object={"age": AGE}, features={"age": API["feature_float_normalized"]()})
    norm = sp.preprocessors["age"]
    assert float(np.ravel(norm.mean)[0]) == pytest.approx(AGE.mean(), rel=1e-6)
    assert float(np.ravel(norm.variance)[0]) == pytest.approx(AGE.var(), rel=1e-5)  # / n
    out = call(sp, {"age": AGE})
    assert out.shape == (6, 1)
    np.testing.assert_allclose(out[:, 0], (AGE - AGE.mean()) / AGE.std(), rtol=1e-5)


def test_one_hot_columns_are_the_vocabulary_positions():
    sp = space(object=R_DATA, features=TYPES)
    out = call(sp, R_DATA)
    vocab = {n: list(API["get_vocabulary"](sp.preprocessors[n])) for n in ("city", "rooms")}
    # blocks in the order of the sorted feature names: age | city | rooms
    start = {"city": 1, "rooms": 1 + len(vocab["city"])}
    for name, values in (("city", CITY), ("rooms", ROOMS.astype(int).tolist())):
        block = out[:, start[name]:start[name] + len(vocab[name])]
        assert np.all(block.sum(axis=1) == 1)
        # 1-based: column j of the block is get_vocabulary()[j] (R's match())
        cols = block.argmax(axis=1) + 1
        assert [vocab[name][j - 1] for j in cols] == values
    unseen = call(sp, {"age": 1.0, "city": "Paris", "rooms": 9.0})
    assert unseen.shape == (1, out.shape[1])
    assert unseen[0, start["city"]] == 1 and unseen[0, start["rooms"]] == 1  # OOV: column 1


def test_crosses_are_crossing_dim_wide_and_match_keras():
    crosses = [API["feature_cross"](["city", "rooms"], 5.0)]
    ours = space(object=R_DATA, features=TYPES, crosses=crosses, output_mode="dict")
    out = call(ours, R_DATA)
    assert list(out) == ["age", "city", "rooms", "city_X_rooms"]
    assert out["city_X_rooms"].shape == (6, 5)
    theirs = keras_space(features=TYPES, crosses=[FS.cross(["city", "rooms"], 5)],
                         output_mode="dict")
    for name, value in theirs(PY_DATA).items():
        np.testing.assert_allclose(out[name], np.asarray(value), rtol=1e-6)
    # one character vector is one cross; crossing_dim sets its width
    sp = space(object=R_DATA, features=TYPES, crosses=["city", "rooms"], crossing_dim=3.0)
    assert call(sp, R_DATA).shape == (6, 1 + 4 + 4 + 3)


def test_int_output_is_kerass_index():
    feats = {"city": API["feature_string_categorical"](output_mode="int"),
             "rooms": API["feature_integer_categorical"](output_mode="int")}
    sp = space(object=R_DATA, features=feats, output_mode="dict")
    out = call(sp, R_DATA)
    vocab = list(API["get_vocabulary"](sp.preprocessors["city"]))
    assert out["city"].shape == (6, 1)
    assert [vocab[i] for i in out["city"][:, 0]] == CITY  # index k is vocabulary[k + 1] in R


def test_hashed_and_rescaled_features_need_no_adapting():
    feats = {"id": API["feature_integer_hashed"](num_bins=4.0),
             "word": API["feature_string_hashed"](4.0),
             "x": API["feature_float_rescaled"](scale=2.0, offset=1.0),
             "y": API["feature_float"]()}
    data = {"id": np.array([10.0, 11.0, 10.0]), "word": ["a", "b", "a"],
            "x": np.array([0.0, 1.0, 2.0]), "y": np.array([1.5, -2.0, 3.0])}
    out = call(space(features=feats), data)
    theirs = FS(features={"id": FS.integer_hashed(4), "word": FS.string_hashed(4),
                          "x": FS.float_rescaled(2.0, 1.0), "y": FS.float()})
    want = np.asarray(theirs({"id": np.array([10, 11, 10], "int32"),
                              "word": np.array(["a", "b", "a"]),
                              "x": data["x"].astype("float32"),
                              "y": data["y"].astype("float32")}))
    np.testing.assert_allclose(out, want)
    np.testing.assert_allclose(out[:, 8], [1, 3, 5])  # x * 2 + 1 (blocks: id, word, x, y)


def test_discretized_feature_bins_and_fixed_bins():
    x = np.arange(12, dtype=float)
    sp = space(object={"x": x}, features={"x": API["feature_float_discretized"](3.0)})
    theirs = FS(features={"x": FS.float_discretized(3)})
    theirs.adapt(tf.data.Dataset.from_tensor_slices({"x": x.astype("float32")}))
    np.testing.assert_allclose(call(sp, {"x": x}),
                               np.asarray(theirs({"x": x.astype("float32")})))
    assert call(sp, {"x": np.array([0.0, 11.0])}).argmax(axis=1).tolist() == [0, 2]
    # fixed boundaries: nothing to adapt (Keras's own space would try and fail)
    fixed = space(features={"x": API["feature_float_discretized"](
        bin_boundaries=np.array([0.0, 10.0]), output_mode="int")}, output_mode="dict")
    assert call(fixed, {"x": np.array([-5.0, 5.0, 15.0])})["x"][:, 0].tolist() == [0, 1, 2]
    API["adapt"](fixed, {"x": x})  # allowed, changes nothing
    with pytest.raises(RkValueError, match="output_mode = \"int\""):
        API["feature_float_discretized"](bin_boundaries=np.array([0.0, 10.0]))


def test_adapt_takes_datasets_data_frames_and_pandas():
    ref = space(object=R_DATA, features=TYPES)
    want = call(ref, R_DATA)
    # a dataset of named features (unbatched, R's doubles), and one of (features, target)
    ds = tf.data.Dataset.from_tensor_slices({"age": AGE, "city": CITY, "rooms": ROOMS})
    for data in (ds, ds.batch(4), tf.data.Dataset.zip((ds, ds.map(lambda x: x["age"])))):
        sp = space(features=TYPES)
        assert API["adapt"](sp, data) is sp
        np.testing.assert_allclose(call(sp, R_DATA), want, rtol=1e-6)
    # an R data frame with a factor and a column that is not a feature
    codes = np.array([{"Lima": 1, "Oslo": 2, "Rome": 3}[c] for c in CITY], dtype=float)
    frame = RDataFrame(["age", "city", "rooms", "target"],
                       [AGE, RFactor(codes, ["Lima", "Oslo", "Rome"]), ROOMS, AGE])
    sp = space(features=TYPES)
    API["adapt"](sp, frame, batch_size=2.0)
    np.testing.assert_allclose(call(sp, frame), want, rtol=1e-6)
    pd = pytest.importorskip("pandas")
    sp = space(object=pd.DataFrame(R_DATA), features=TYPES)
    np.testing.assert_allclose(call(sp, pd.DataFrame(R_DATA)), want, rtol=1e-6)


def test_feature_names_is_another_name_of_features():
    sp = space(feature_names={"age": "float"})
    assert list(sp.features) == ["age"]
    with pytest.raises(RkTypeError, match="not both"):
        space(features={"age": "float"}, feature_names={"age": "float"})


def test_errors_name_the_feature_and_the_fix():
    sp = space(features=TYPES)
    with pytest.raises(RkValueError, match="adapt"):
        call(sp, R_DATA)
    with pytest.raises(RkValueError, match='no element "city"'):
        API["adapt"](sp, {"age": AGE, "rooms": ROOMS})
    with pytest.raises(RkTypeError, match=r"`data\$age` is a character vector"):
        API["adapt"](sp, {"age": CITY, "city": CITY, "rooms": ROOMS})
    with pytest.raises(RkValueError, match=r"`data\$rooms` must hold whole numbers"):
        API["adapt"](sp, {"age": AGE, "city": CITY, "rooms": ROOMS + 0.5})
    with pytest.raises(RkValueError, match="NA"):
        API["adapt"](sp, {"age": np.where(AGE > 40, np.nan, AGE), "city": CITY,
                          "rooms": ROOMS})
    with pytest.raises(RkTypeError, match="character vector or a factor"):
        API["adapt"](sp, {"age": AGE, "city": ROOMS, "rooms": ROOMS})
    with pytest.raises(RkValueError, match="one value per sample"):
        API["adapt"](sp, {"age": AGE[:3], "city": CITY, "rooms": ROOMS})
    with pytest.raises(RkValueError, match="not a feature type"):
        space(features={"age": "floats"})
    with pytest.raises(RkValueError, match="not one of `features`"):
        space(features=TYPES, crosses=[["city", "town"]])
    with pytest.raises(RkTypeError, match="named list"):
        space(features=["age"])
    with pytest.raises(RkValueError, match="`num_bins` is required"):
        API["feature_integer_hashed"]()
    with pytest.raises(RkTypeError, match="no argument `bins`"):
        API["feature_integer_hashed"](bins=3)


def test_specifications_are_kerass():
    f = API["feature_integer_categorical"](max_tokens=10.0, num_oov_indices=2.0)
    assert isinstance(f, type(FS.integer_categorical()))
    assert f.preprocessor.max_tokens == 10 and f.preprocessor.num_oov_indices == 2
    c = API["feature_cross"]("a", 4.0)  # an R string of one name
    assert c.feature_names == ("a",) and c.crossing_dim == 4


# -- metric_mean_tensor() ------------------------------------------------------------------

def test_metric_mean_tensor_is_the_elementwise_weighted_mean():
    rng = np.random.default_rng(1)
    batches = [rng.normal(size=(3, 2)) for _ in range(4)]
    weights = [None, np.array([1.0, 0.0, 2.0]), None, np.array([0.5, 0.5, 0.0])]
    m = API["metric_mean_tensor"]()
    for b, w in zip(batches, weights):
        m.update_state(b, sample_weight=w)
    got = np.asarray(m.result())
    assert got.shape == (3, 2)
    # Keras's Mean, run on each element's values with the same weights
    for i in range(3):
        for j in range(2):
            mean = keras.metrics.Mean()
            for b, w in zip(batches, weights):
                mean.update_state(b[i, j], sample_weight=None if w is None else w[i])
            assert got[i, j] == pytest.approx(float(mean.result()), rel=1e-5)
    API["reset_state"](m)
    assert np.all(np.asarray(m.result()) == 0)


def test_metric_mean_tensor_shape_and_errors():
    m = API["metric_mean_tensor"](shape=np.array([2.0]), name="mt")
    assert m.name == "mt" and tuple(m.total.shape) == (2,)
    np.testing.assert_allclose(np.asarray(m(np.array([1.0, 3.0]))), [1, 3])
    np.testing.assert_allclose(np.asarray(m(np.array([3.0, 5.0]))), [2, 4])
    with pytest.raises(RkValueError, match="same shape"):
        m.update_state(np.array([1.0, 2.0, 3.0]))
    with pytest.raises(RkValueError, match="no value yet"):
        API["metric_mean_tensor"]().result()
    cfg = keras.saving.serialize_keras_object(m)
    again = keras.saving.deserialize_keras_object(cfg)
    assert again.get_config() == m.get_config()
