"""keras 2.x leftovers in the engine (rkbridge/wrappers/tensorflow_r.py): as_tensor(),
np_array(), tuple(), the version check and the implementation/backend switches, and the
bridge's path for results R keeps as Python objects. Compared with what TensorFlow and NumPy
give."""
from __future__ import annotations

import types

import numpy as np
import pytest
import tensorflow as tf

import keras
import rkbridge as rk
from rkbridge.wrappers import tensorflow_r as interop
from rkbridge.api import API
from rkbridge.boundary import bridge, transport
from rkbridge.errors import RkRemovedError, RkTypeError, RkValueError


def r_view(values, dims, dtype=np.float64):
    """An array as R's transport gives it: column-major, read-only."""
    a = np.asarray(values, dtype=dtype).reshape(dims, order="F")
    a.flags.writeable = False
    return a


def test_as_tensor_keeps_r_types():
    # R scalars reach the engine as Python numbers: doubles are floats, integers ints
    assert API["as_tensor"](2.5).dtype == tf.float64
    assert API["as_tensor"](2.0).dtype == tf.float64
    assert API["as_tensor"](3).dtype == tf.int32
    assert API["as_tensor"](True).dtype == tf.bool
    assert API["as_tensor"](r_view([1, 2], [2])).dtype == tf.float64
    assert API["as_tensor"](r_view([1, 2], [2], np.int32)).dtype == tf.int32
    m = r_view(np.arange(6.0), [2, 3])
    np.testing.assert_array_equal(API["as_tensor"](m).numpy(), m)


def test_as_tensor_dtype_saturates_and_truncates():
    x = r_view([1.7, -1.7, 1e10, -1e10], [4])
    got = API["as_tensor"](x, dtype="int32").numpy()
    want = tf.dtypes.saturate_cast(tf.constant(x), tf.int32).numpy()
    np.testing.assert_array_equal(got, want)
    np.testing.assert_array_equal(got, [1, -1, 2**31 - 1, -2**31])
    with pytest.raises(RkValueError, match="NaN"):
        API["as_tensor"](r_view([1.0, np.nan], [2]), dtype="int32")
    assert API["as_tensor"](x, dtype=tf.float16).dtype == tf.float16


def test_as_tensor_shape_is_row_major_and_fills_scalars():
    x = r_view(np.arange(24.0), [2, 3, 4])
    got = API["as_tensor"](x, shape=[4.0, 6.0]).numpy()
    np.testing.assert_array_equal(got, np.reshape(x, (4, 6), order="C"))
    np.testing.assert_array_equal(API["as_tensor"](x, shape=[None, 12.0]).numpy(),
                                  np.reshape(x, (2, 12), order="C"))
    np.testing.assert_array_equal(API["as_tensor"](7.0, shape=[2.0, 2.0]).numpy(),
                                  np.full((2, 2), 7.0))
    t = tf.constant(np.arange(6, dtype=np.int32))
    np.testing.assert_array_equal(API["as_tensor"](t, shape=[3.0, 2.0]).numpy(),
                                  np.arange(6).reshape(3, 2))
    with pytest.raises(RkValueError, match="cannot be reshaped"):
        API["as_tensor"](x, shape=[5.0, 5.0])


def test_np_array_is_a_writable_copy_with_the_same_values():
    m = r_view(np.arange(6.0), [2, 3])
    a = API["np_array"](m)
    assert a.flags.c_contiguous and a.flags.writeable and a.flags.owndata
    np.testing.assert_array_equal(a, m)
    f = API["np_array"](m, dtype="float32", order="F")
    assert f.dtype == np.float32 and f.flags.f_contiguous
    assert API["np_array"](m, dtype=tf.int64).dtype == np.int64
    with pytest.raises(RkValueError):
        API["np_array"](m, order="Z")
    with pytest.raises(RkTypeError):
        API["np_array"](m, dtype=object())


def test_tuple_copies_borrowed_arrays():
    v = r_view([1.0, 2.0], [2])
    t = API["tuple"](1, "a", v)
    assert isinstance(t, tuple) and t[:2] == (1, "a")
    assert t[2] is not v and t[2].flags.writeable
    np.testing.assert_array_equal(t[2], v)


def test_is_keras_available_compares_versions():
    have = tuple(int(p) for p in keras.__version__.split(".")[:3] if p.isdigit())
    assert API["is_keras_available"]() is True
    assert API["is_keras_available"]("2.0.9") is True
    assert API["is_keras_available"](2.0) is True
    assert API["is_keras_available"](".".join(map(str, have))) is True
    assert API["is_keras_available"](".".join(map(str, have[:-1] + (have[-1] + 1,)))) is False
    assert API["is_keras_available"]("99") is False
    with pytest.raises(RkValueError):
        API["is_keras_available"]("latest")


def test_backend_implementation_and_switches():
    assert API["backend"]() is keras.backend
    assert API["implementation"]() is keras
    for name in ("keras", "tensorflow", "TensorFlow"):
        assert API["use_implementation"](name) is None
    for name in ("tensorflow", "keras"):
        assert API["use_backend"](name) is None
    for name in ("theano", "cntk", "plaidml", "jax", "torch"):
        with pytest.raises(RkValueError, match="TensorFlow only"):
            API["use_backend"](name)
    with pytest.raises(RkValueError):
        API["use_implementation"]("theano")
    with pytest.raises(RkTypeError):
        API["use_backend"](1.0)


def test_multi_gpu_model_points_at_the_mirrored_strategy():
    with pytest.raises(RkRemovedError, match=r"strategy_mirrored\(\)"):
        API["multi_gpu_model"](None, gpus=2)


def test_python_names_are_the_r_names():
    # the engine's modules live in subpackages, so every R name is free at the top level:
    # `rk.backend()` is keras 2.x's backend(), the k_*() functions' module is rk.wrappers.backend
    assert rk.backend is API["backend"] and rk.backend() is keras.backend
    assert isinstance(rk.wrappers.backend, types.ModuleType) and hasattr(rk.wrappers.backend, "K_OPS")
    assert rk.as_tensor is API["as_tensor"] and rk.np_array is API["np_array"]
    assert "backend" in rk.__all__ and "as_tensor" in rk.__all__
    assert not [k for k in rk.__all__ if isinstance(getattr(rk, k), types.ModuleType)]


def test_bridge_keeps_results_unboxed_when_asked():
    m = r_view(np.arange(4.0), [2, 2])
    kept = bridge.call("np_array", None, {"data": m}, True)
    assert isinstance(kept, bridge.Kept)
    assert isinstance(bridge.kept_value(kept), np.ndarray)
    boxed = bridge.call("np_array", None, {"data": m})  # small: sent inline
    assert isinstance(boxed, bytearray) and bytes(boxed[:4]) == b"RKA1"
    big = bridge.call("np_array", None, {"data": r_view(np.arange(5000.0), [5000])})
    assert isinstance(big, transport.ArrayBox)
    failed = bridge.call("use_backend", None, {"backend": "theano"}, True)
    assert isinstance(failed, bridge.Failure) and failed.r_class == "rkbridge_value_error"


# -- tf_function() and graph control flow -------------------------------------------------

def test_tf_function_traces_once_per_signature():
    traced = []
    f = interop.tf_function(lambda x: (traced.append(1), x * 2)[1])
    np.testing.assert_allclose(f(tf.constant([1.0, 2.0])), [2.0, 4.0])
    np.testing.assert_allclose(f(tf.constant([3.0, 4.0])), [6.0, 8.0])
    assert len(traced) == 1
    spec = tf.TensorSpec([None], tf.float32)
    g = interop.tf_function(lambda x: tf.reduce_sum(x), input_signature=spec)
    assert float(g(tf.constant([1.0, 2.0]))) == 3.0 and float(g(tf.constant([1.0]))) == 1.0
    assert g.experimental_get_tracing_count() == 1
    with pytest.raises(interop.RkTypeError):
        interop.tf_function(3)


def test_autograph_cond_for_while_build_graph_control_flow():
    @tf.function(autograph=False)  # the control flow is the engine's, not Python's autograph
    def f(x):
        # R's `if (sum(x) > 0) y <- x * 10 else y <- -x`: branches give [value, [carried]]
        _, (y,) = interop.autograph_cond(tf.reduce_sum(x) > 0, lambda: [None, [x * 10]],
                                         lambda: [None, [-x]], has_value=False)
        # `for (v in x) s <- s + v` with s an R 0 (a plain number takes the tensor's dtype)
        (s,) = interop.autograph_for(x, lambda v, c: [c[0] + v], [0.0])
        (i,) = interop.autograph_while(lambda c: c[0] < 3, lambda c: [c[0] + 1], [0])
        return y, s, i
    y, s, i = f(tf.constant([1.0, -2.0, 4.0]))
    np.testing.assert_allclose(y, [10.0, -20.0, 40.0])
    assert float(s) == 3.0 and int(i) == 3
    y, _, _ = f(tf.constant([-1.0, -2.0]))
    np.testing.assert_allclose(y, [1.0, 2.0])
    with pytest.raises(interop.RkValueError, match="length > 1"):
        tf.function(lambda x: interop.autograph_cond(x > 0, lambda: [None, []],
                                                     lambda: [None, []]),
                    autograph=False)(tf.constant([1, 2]))
