"""One call path (rkbridge/wrappers/args.py `Wrapper`, `bind`): an argument means the same by
position or by name; converters compose to any depth; the 1-based rule has one home
(`args.zero_based`); and `args.rule_of()` answers what happens to an argument."""
from __future__ import annotations

import json

import numpy as np
import pytest

import rkbridge as rk
from rkbridge.wrappers import args as A
from rkbridge._keras import keras
from rkbridge.errors import RkIndexError, RkTypeError, RkValueError

kops = keras.ops


def value(t):
    return kops.convert_to_numpy(t)


@pytest.fixture
def x():
    return np.array([[1.0, 3.0, 5.0], [-2.0, -4.0, -6.0]], dtype=np.float32)


# -- by position or by name ---------------------------------------------------------------

@pytest.mark.parametrize("name", ["op_sum", "k_sum", "op_mean", "k_max", "op_cumsum"])
@pytest.mark.parametrize("axis", [1, 2, -1])
def test_an_axis_by_position_is_the_axis_by_name(x, name, axis):
    by_name = value(getattr(rk, name)(x, axis=float(axis)))
    by_position = value(getattr(rk, name)(x, float(axis)))
    keras_axis = axis - 1 if axis > 0 else axis
    want = value(getattr(kops, name.split("_", 1)[1])(x, axis=keras_axis))
    np.testing.assert_allclose(by_position, want)
    np.testing.assert_allclose(by_name, want)


def test_positions_and_indices_by_position(x):
    np.testing.assert_array_equal(value(rk.op_argmax(x, 2)), np.argmax(x, axis=1) + 1)
    np.testing.assert_array_equal(value(rk.op_argmax(x, 2, zero_indexed=True)),
                                  np.argmax(x, axis=1))
    v = np.array([10.0, 20.0, 30.0])
    np.testing.assert_allclose(value(rk.op_take(v, np.array([3.0, 1.0]))), [30, 10])
    np.testing.assert_allclose(value(rk.op_take(x, 3.0, 2.0)), x[:, 2])
    np.testing.assert_allclose(value(rk.op_one_hot(np.array([1.0, 3.0]), 3.0)), np.eye(3)[[0, 2]])
    parts = rk.op_split(x, np.array([2.0, 3.0]), 2.0)
    assert [value(p).shape for p in parts] == [(2, 1)] * 3
    np.testing.assert_allclose(value(rk.op_swapaxes(np.zeros((2, 3, 4)), 1, 3)).shape,
                               (4, 3, 2))


def test_keras3_order_and_variadic_ops_by_position(x):
    # op_map(xs, f): keras3's order, where Keras has map(f, xs)
    np.testing.assert_allclose(value(rk.op_map(x, lambda r: r * 2)), x * 2)
    np.testing.assert_allclose(value(rk.op_einsum("ij,kj->ik", x, x)), x @ x.T)
    np.testing.assert_allclose(value(rk.op_einsum("ij,kj->ik", operands=[x, x])), x @ x.T)
    a, b = rk.op_meshgrid(np.array([1.0, 2]), np.array([3.0, 4, 5]), indexing="ij")
    assert value(a).shape == value(b).shape == (2, 3)
    np.testing.assert_allclose(value(rk.op_pmax(x, 0.0)), np.maximum(x, 0))


def test_k_renames_and_defaults_by_position(x):
    # keras 2.x names and order over Keras 3's (x1, x2): k_pow(x, a)
    np.testing.assert_allclose(value(rk.k_pow(x, 2.0)), x ** 2)
    np.testing.assert_allclose(value(rk.k_pow(x, a=2.0)), x ** 2)
    # keras 2.x's default axis (the last) unless given, by name or position
    np.testing.assert_array_equal(value(rk.k_argmax(x)), np.argmax(x, axis=-1))
    np.testing.assert_array_equal(value(rk.k_argmax(x, 1)), np.argmax(x, axis=0))
    np.testing.assert_array_equal(value(rk.k_argmax(x, axis=1)), np.argmax(x, axis=0))
    y = np.zeros((2, 3, 4))
    assert value(rk.k_permute_dimensions(y, [1.0, 3.0, 2.0])).shape == (2, 4, 3)
    assert value(rk.k_concatenate([x, x])).shape == (2, 6)
    assert value(rk.k_concatenate([x, x], 1)).shape == (4, 3)


def test_an_argument_given_twice_or_too_many_is_an_error_in_r_terms(x):
    with pytest.raises(RkTypeError, match=r"op_sum\(\): argument `axis` given twice"):
        rk.op_sum(x, 1, axis=1)
    with pytest.raises(RkTypeError, match=r"k_sum\(\) takes at most 3 unnamed"):
        rk.k_sum(x, 1, False, 4)
    with pytest.raises(RkTypeError, match="given twice"):
        rk.optimizer_sgd(0.1, learning_rate=0.2)


def test_families_and_layers_bind_the_same_way():
    assert float(rk.optimizer_sgd(0.5).learning_rate) == pytest.approx(0.5)
    assert rk.layer_dense(None, 4.0).units == 4
    assert rk.constraint_maxnorm(2.0, 2.0).axis == rk.constraint_maxnorm(2.0, axis=2.0).axis == 1


def test_application_helpers_bind_positions(tmp_path, monkeypatch):
    from keras.src.applications import imagenet_utils
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    monkeypatch.setattr(imagenet_utils, "CLASS_INDEX", None)
    (tmp_path / "models").mkdir()
    index = {str(i): [f"n{i:08d}", f"class{i}"] for i in range(1000)}
    (tmp_path / "models" / "imagenet_class_index.json").write_text(json.dumps(index))
    preds = np.zeros((1, 1000))
    preds[0, 7], preds[0, 3] = 0.9, 0.8
    out = rk.imagenet_decode_predictions(preds, 2.0)  # `top` by position, an R number
    assert out[0]["class_description"] == ["class7", "class3"]
    assert out == rk.imagenet_decode_predictions(preds, top=2.0)


# -- converters compose --------------------------------------------------------------------

@pytest.mark.parametrize("pairs", [[[1.0, 1.0], [2.0, 2.0]],
                                   [np.array([1.0, 1.0]), np.array([2.0, 2.0])],
                                   np.array([[1.0, 1.0], [2.0, 2.0]])])
def test_nested_pairs_reach_keras_as_nested_int_tuples(pairs):
    assert A.as_int_tuple(pairs) == ((1, 1), (2, 2))
    data = np.arange(2 * 8 * 8, dtype="float32").reshape(2, 8, 8, 1)
    m = rk.keras_model_sequential()
    rk.layer_cropping_2d(m, cropping=pairs, input_shape=[8.0, 8.0, 1.0])
    want = keras.layers.Cropping2D(((1, 1), (2, 2)))(data)
    assert m.output_shape == (None, 6, 4, 1)
    np.testing.assert_array_equal(np.asarray(m(data)), np.asarray(want))
    m = rk.keras_model_sequential()
    rk.layer_zero_padding_2d(m, padding=pairs, input_shape=[8.0, 8.0, 1.0])
    want = keras.layers.ZeroPadding2D(((1, 1), (2, 2)))(data)
    assert m.output_shape == (None, 10, 12, 1)
    np.testing.assert_array_equal(np.asarray(m(data)), np.asarray(want))


def test_int_tuple_keeps_numbers_and_strings():
    assert A.as_int_tuple(3.0) == 3
    assert A.as_int_tuple("same") == "same"
    assert A.as_int_tuple([3.0]) == (3,)
    with pytest.raises(RkValueError, match="whole number"):
        A.as_int_tuple([[1.0, 1.5], [2.0, 2.0]], "cropping")


# -- the 1-based rule, in one place ---------------------------------------------------------

@pytest.mark.parametrize("counting,i,size,want", [
    (A.AXIS, 1, None, 0), (A.AXIS, 3, None, 2), (A.AXIS, -1, None, -1),
    (A.AXIS, -1, 3, 2), (A.POSITION, 2, 5, 1), (A.POSITION, -1, 5, 4),
    (A.POSITION, -2, None, -2), (A.OP_INDEX, 0, None, 0), (A.OP_INDEX, 4, None, 3),
    (A.OP_INDEX, -1, None, -1)])
def test_zero_based_is_the_rule(counting, i, size, want):
    assert A.zero_based(i, counting, size=size) == want
    arr = A.zero_based_array(np.array([i]), counting, size)
    assert arr.tolist() == [want]
    assert value(A.zero_based_array(kops.convert_to_tensor([i]), counting, size)).tolist() \
        == [want]


@pytest.mark.parametrize("counting,i,size", [(A.AXIS, 0, None), (A.POSITION, 0, 3),
                                             (A.POSITION, 4, 3), (A.AXIS, -4, 3)])
def test_zero_based_refuses_what_names_nothing(counting, i, size):
    with pytest.raises(RkValueError):
        A.zero_based(i, counting, size=size)
    with pytest.raises(RkValueError):
        A.zero_based_array(np.array([1, i]), counting, size)


def test_every_site_follows_the_rule(x):
    t = kops.convert_to_tensor(x)
    # axes: 0 is an error, negatives count from the end
    with pytest.raises(RkValueError, match="1-based"):
        rk.op_sum(x, 0)
    np.testing.assert_allclose(value(rk.k_batch_dot(x, x, axes=-1)), (x * x).sum(1, keepdims=True))
    with pytest.raises(RkValueError, match="1-based"):
        rk.k_batch_dot(x, x, axes=0)
    # op indices: 0 and negatives reach Keras unchanged (keras3)
    np.testing.assert_allclose(value(rk.op_take(np.array([10.0, 20, 30]), np.array([1.0, 0.0]))),
                               [10, 10])
    parts = rk.op_split(x, [2.0, 3.0], 2.0)
    for got, want in zip(parts, np.split(x, [1, 2], axis=1)):
        np.testing.assert_allclose(value(got), want)
    # subsetting: 0 and beyond the size are errors; negatives (tensors too) from the end
    assert value(rk.op_subset(t, -1)).tolist() == x[-1].tolist()
    assert value(rk.op_subset(t, 1, kops.convert_to_tensor(-1))).tolist() == x[0, -1]
    with pytest.raises(RkValueError, match="1-based"):
        rk.op_subset(t, 0)
    with pytest.raises(RkValueError, match="out of bounds"):
        rk.op_subset(t, 3)
    # layers: 1-based, negative from the end, 0 and beyond are an index error
    m = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2, name="a"),
                          keras.layers.Dense(1, name="b")])
    assert rk.get_layer(m, index=1).name == "a" and rk.get_layer(m, index=-1).name == "b"
    for bad in (0, 3, -3):
        with pytest.raises(RkIndexError, match=f"`index = {bad}` is out of range"):
            rk.get_layer(m, index=bad)


# -- one table -------------------------------------------------------------------------------

def test_rule_of_answers_from_the_spec_the_call_path_uses(x):
    assert A.rule_of("op_sum", "axis") is A.as_axis
    assert A.rule_of("k_sum", "axis") is A.as_axis
    assert A.rule_of("k_permute_dimensions", "pattern") is A.as_axis  # renamed to `axes`
    assert A.rule_of("op_take", "indices") is A.as_index
    assert A.rule_of("random_integer", "minval") is A.as_integer
    assert A.rule_of("k_one_hot", "num_classes") is A.as_integer
    assert A.rule_of("op_sum", "x") is None
    assert A.rule_of("layer_dense", "units") is A.as_integer
    assert A.rule_of("layer_cropping_2d", "cropping") is A.as_int_tuple
    assert A.rule_of("layer_batch_normalization", "axis") is A.as_axis
    assert A.rule_of("layer_concatenate", "axis").__name__ == "selectable"
    assert "1-based" in A.describe("op_sum", "axis")
    assert "as given" in A.describe("op_sum", "x")
    # op_*() and k_*() share one call path, and it applies the table
    pos, kw = A.WRAPPERS["op_sum"].prepare((x, 2.0), {})
    assert kw["axis"] == 1 and isinstance(kw["axis"], int)
    pos, kw = A.WRAPPERS["k_pow"].prepare((x, 2.0), {})
    assert set(kw) == {"x1", "x2"}
    assert type(A.WRAPPERS["op_sum"]) is type(A.WRAPPERS["k_sum"]) is A.Wrapper


def test_keras_classes_called_from_r_take_whole_numbers_as_doubles():
    # `keras$layers$Dense(units = 32)`: R's 32 is a double, which Keras 3 refuses
    from rkbridge.boundary import bridge
    from rkbridge._keras import keras
    dense = bridge.call_object(keras.layers.Dense, [], {"units": 32.0})
    assert dense.units == 32 and isinstance(dense.units, int)
    conv = bridge.call_object(keras.layers.Conv2D, [8.0, [3.0, 3.0]], {})  # by position
    assert (conv.filters, conv.kernel_size) == (8, (3, 3))
    stop = bridge.call_object(keras.callbacks.EarlyStopping, [], {"patience": 2.0})
    assert stop.patience == 2 and isinstance(stop.patience, int)
    # other arguments keep Keras's meaning: an axis given to a Keras class is 0-based
    cat = bridge.call_object(keras.layers.Concatenate, [], {"axis": 1})
    assert cat.axis == 1
