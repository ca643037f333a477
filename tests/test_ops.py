"""keras3's op_*(), random_*() and config_*() (rkbridge/wrappers/ops.py): the same values as
keras.ops called directly, with keras3's 1-based axes and positions."""
from __future__ import annotations

import inspect

import numpy as np
import pytest

from rkbridge.wrappers import ops as O
from rkbridge._keras import keras
from rkbridge.api import API
from rkbridge.errors import RkValueError

kops = keras.ops


def value(t):
    return kops.convert_to_numpy(t) if not isinstance(t, (list, tuple)) else [value(i) for i in t]


@pytest.fixture
def x():
    # What an R matrix(c(1, -2, 3, -4, 5, -6), nrow = 2) is in the engine.
    return np.array([[1.0, 3.0, 5.0], [-2.0, -4.0, -6.0]], dtype=np.float32)


def test_every_keras_op_has_an_r_function():
    names = {n for n in dir(kops) if not n.startswith("_")
             and inspect.isfunction(getattr(kops, n))}
    # keras3 functions with their own meaning (op_arange) replace their Keras op
    paths = {op.path for op in O.OPS.values()} | {f"ops.{n[3:]}" for n in O._REPLACED}
    assert {f"ops.{n}" for n in names} - paths == set()
    for n in ("op_sum", "op_argmax", "op_image_resize", "op_image_crop", "random_normal",
              "random_integer", "random_seed_generator", "config_floatx",
              "config_set_floatx", "config_enable_unsafe_deserialization", "op_pmax",
              "op_convert_to_array", "op_arange"):
        assert n in API, n
    assert "random_randint" not in API  # keras3's name is random_integer


@pytest.mark.parametrize("name", ["sum", "mean", "max", "min", "prod", "std", "var",
                                  "logsumexp", "cumsum", "cumprod", "sort", "softmax",
                                  "log_softmax", "flip"])
@pytest.mark.parametrize("axis", [1, 2, -1])
def test_axes_are_one_based(x, name, axis):
    got = API[f"op_{name}"](x=x, axis=float(axis))
    want = getattr(kops, name)(x, axis=axis - 1 if axis > 0 else axis)
    np.testing.assert_allclose(value(got), value(want), rtol=1e-6)


def test_axis_meaning_against_r(x):
    # axis = 1 reduces over rows: R's colSums.
    np.testing.assert_allclose(value(API["op_sum"](x=x, axis=1.0)), x.sum(0))
    np.testing.assert_allclose(value(API["op_sum"](x=x, axis=2.0)), x.sum(1))
    with pytest.raises(RkValueError, match="1-based"):
        API["op_sum"](x=x, axis=0.0)


def test_declared_axis_arguments(x):
    assert value(API["op_transpose"](x=x, axes=np.array([2.0, 1.0]))).shape == (3, 2)
    m = value(API["op_moments"](x=x, axes=np.array([1.0])))
    np.testing.assert_allclose(m[0], x.mean(0))
    assert value(API["op_swapaxes"](x=x, axis1=1.0, axis2=2.0)).shape == (3, 2)
    assert value(API["op_moveaxis"](x=np.zeros((2, 3, 4)), source=1.0,
                                    destination=3.0)).shape == (3, 4, 2)
    np.testing.assert_allclose(value(API["op_trace"](x=np.eye(3) * 2)), 6)


def test_positions_returned_are_one_based(x):
    np.testing.assert_array_equal(value(API["op_argmax"](x=x, axis=1.0)), [1, 1, 1])
    np.testing.assert_array_equal(value(API["op_argmin"](x=x, axis=2.0)), [1, 3])
    np.testing.assert_array_equal(
        value(API["op_argmax"](x=x, axis=1.0, zero_indexed=True)),
        value(kops.argmax(x, axis=0)))
    v = np.array([3.0, 1.0, 2.0])
    np.testing.assert_array_equal(value(API["op_argsort"](x=v)), [2, 3, 1])  # R's order()
    vals, idx = API["op_top_k"](x=v, k=2.0)
    np.testing.assert_array_equal(value(idx), [1, 3])
    np.testing.assert_allclose(value(vals), [3, 2])
    np.testing.assert_array_equal(
        value(API["op_searchsorted"](sorted_sequence=np.array([1.0, 3, 5]),
                                     values=np.array([2.0, 4]))),
        value(kops.searchsorted(np.array([1.0, 3, 5]), np.array([2.0, 4]))) + 1)
    cats = value(API["random_categorical"](logits=np.log(np.array([[0.5, 0.5]])),
                                           num_samples=50.0, seed=1.0))
    assert set(np.unique(cats)) <= {1, 2}


def test_positions_given_are_one_based(x):
    v = np.array([10.0, 20.0, 30.0])
    np.testing.assert_allclose(value(API["op_take"](x=v, indices=np.array([3.0, 1.0]))),
                               [30, 10])
    np.testing.assert_allclose(
        value(API["op_take"](x=v, indices=np.array([2.0, 0.0]), zero_indexed=True)),
        [30, 10])
    np.testing.assert_allclose(value(API["op_take"](x=x, indices=3.0, axis=2.0)), x[:, 2])
    np.testing.assert_allclose(value(API["op_one_hot"](x=np.array([1.0, 3.0]),
                                                       num_classes=3.0)),
                               [[1, 0, 0], [0, 0, 1]])
    np.testing.assert_allclose(
        value(API["op_slice"](inputs=x, start_indices=np.array([1.0, 2.0]),
                              shape=np.array([2.0, 2.0]))), x[:, 1:3])
    np.testing.assert_allclose(
        value(API["op_segment_sum"](data=np.array([1.0, 2, 3, 4]),
                                    segment_ids=np.array([1.0, 1, 2, 2]),
                                    num_segments=2.0)), [3, 7])
    # switch: branch 2 is the second function
    out = API["op_switch"](index=2.0, branches=[lambda a: a + 1, lambda a: a * 10],
                           operands=[x])
    np.testing.assert_allclose(value(out), x * 10)


def test_split_sections_and_positions(x):
    parts = API["op_split"](x=x, indices_or_sections=3.0, axis=2.0)
    assert [value(p).shape for p in parts] == [(2, 1)] * 3
    parts = API["op_split"](x=x, indices_or_sections=np.array([2.0, 3.0]), axis=2.0)
    assert [value(p).shape for p in parts] == [(2, 1), (2, 1), (2, 1)]


def test_variadic_ops_take_a_list(x):
    got = API["op_einsum"](subscripts="ij,kj->ik", operands=[x, x])
    np.testing.assert_allclose(value(got), x @ x.T)
    a, b = API["op_meshgrid"](x=[np.array([1.0, 2]), np.array([3.0, 4, 5])], indexing="ij")
    assert value(a).shape == (2, 3)
    np.testing.assert_allclose(value(API["op_pmax"](x=x, more=[0.0, -x])), np.abs(x))
    np.testing.assert_allclose(value(API["op_pmin"](x=x, more=[0.0])), np.minimum(x, 0))


def test_whole_number_and_tuple_arguments(x):
    ints = value(API["random_integer"](shape=np.array([50.0]), minval=1.0, maxval=4.0,
                                       seed=2.0))
    assert ints.dtype.kind == "i" and ints.min() >= 1 and ints.max() <= 3
    np.testing.assert_allclose(value(API["op_full"](shape=np.array([2.0, 2.0]),
                                                    fill_value=7.0)), np.full((2, 2), 7))
    re, im = API["op_fft"](x=[x, np.zeros_like(x)])
    want = np.fft.fft(x)
    np.testing.assert_allclose(value(re), want.real, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(value(im), want.imag, rtol=1e-5, atol=1e-5)
    assert value(API["op_histogram"](x=np.array([1.0, 2, 2, 3]), bins=3.0))[0].shape == (3,)


def test_map_and_vectorized_map_put_data_first(x):
    # keras3's order: op_map(xs, f); the engine receives both by name.
    np.testing.assert_allclose(value(API["op_map"](xs=x, f=lambda r: r * 2)), x * 2)


def test_arange_counts_as_r_seq():
    arange = API["op_arange"]
    # one number: from 1 to it, the end included, the type of the number kept
    got = arange(start=3)
    assert value(got).tolist() == [1, 2, 3] and "int" in str(got.dtype)
    got = arange(start=3.0)
    assert value(got).tolist() == [1.0, 2.0, 3.0] and "float" in str(got.dtype)
    assert value(arange(start=3, end=7)).tolist() == [3, 4, 5, 6, 7]
    assert value(arange(start=3, end=7, step=2)).tolist() == [3, 5, 7]
    # the end left out: Python's range(), as positions of a 0-based embedding need
    got = arange(start=0.0, end=5.0, dtype="int32", include_end=False)
    assert value(got).tolist() == [0, 1, 2, 3, 4] and got.dtype == "int32"
    assert value(arange(start=np.array([4.0]), dtype="int32")).tolist() == [1, 2, 3, 4]


def test_random_ops_are_seeded():
    a = value(API["random_normal"](shape=np.array([2.0, 3.0]), seed=1.0))
    b = value(API["random_normal"](shape=np.array([2.0, 3.0]), seed=1.0))
    assert a.shape == (2, 3)
    np.testing.assert_array_equal(a, b)
    gen = API["random_seed_generator"](seed=3.0)
    assert isinstance(gen, keras.random.SeedGenerator)
    u = value(API["random_uniform"](shape=np.array([100.0]), minval=2.0, maxval=3.0, seed=gen))
    assert u.min() >= 2 and u.max() < 3


def test_config_round_trip():
    assert API["config_floatx"]() == keras.config.floatx()
    old = API["config_epsilon"]()
    try:
        API["config_set_epsilon"](value=1e-5)
        assert keras.config.epsilon() == 1e-5
    finally:
        API["config_set_epsilon"](value=old)
    assert API["config_image_data_format"]() == "channels_last"


def test_convert_to_array(x):
    out = API["op_convert_to_array"](x=kops.convert_to_tensor(x))
    assert isinstance(out, np.ndarray)
    np.testing.assert_array_equal(out, x)
