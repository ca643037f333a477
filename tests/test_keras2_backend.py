"""keras 2.x backend functions (k_*()) over Keras 3 / TensorFlow ops: each against Keras's own
Keras 2 implementation (keras.src.legacy.backend, which Keras 3 keeps for tf.keras users),
with R's 1-based axes and R's argument forms (numbers as floats, pairs as lists)."""
from __future__ import annotations

import numpy as np
import pytest

from rkbridge.wrappers import backend
from rkbridge._keras import keras, tf
from rkbridge.errors import RkValueError

L = pytest.importorskip("keras.src.legacy.backend")
K = backend.exported()
rng = np.random.default_rng(0)


def arr(*shape: int) -> np.ndarray:
    return rng.random(shape)


@pytest.mark.parametrize("xs, ys, r_axes, k2_axes", [
    ((2, 3), (2, 3), 2.0, 1),
    ((2, 3), (2, 3), None, None),
    ((2, 3, 4), (2, 4, 5), [3.0, 2.0], [2, 1]),
    ((2, 3, 4), (2, 4, 5), None, None),
    ((2, 3, 4), (2, 3, 5), [2.0, 2.0], [1, 1]),
    ((2, 3, 4, 5), (2, 5, 4), None, None),
    ((2, 3, 4), (2, 4), [-1.0, 2.0], [-1, 1]),
    ((2, 4), (2, 4, 3), [2.0, 2.0], [1, 1]),
])
def test_batch_dot_is_keras_2s(xs, ys, r_axes, k2_axes):
    x, y = arr(*xs), arr(*ys)
    got = K["k_batch_dot"](x, y, axes=r_axes)
    want = L.batch_dot(tf.constant(x), tf.constant(y), axes=k2_axes)
    assert tuple(got.shape) == tuple(want.shape)
    assert np.allclose(got, want)


def test_batch_dot_refuses_the_batch_axis_and_mismatches():
    with pytest.raises(RkValueError, match="batch axis"):
        K["k_batch_dot"](arr(2, 3), arr(2, 3), axes=1.0)
    with pytest.raises(RkValueError, match="must match"):
        K["k_batch_dot"](arr(2, 3, 4), arr(2, 5, 4), axes=[3.0, 2.0])


def test_expand_dims_default_and_constant_floatx():
    assert tuple(K["k_expand_dims"](arr(2, 3)).shape) == (2, 3, 1)
    assert tuple(K["k_expand_dims"](arr(2, 3), axis=1.0).shape) == (1, 2, 3)
    assert tuple(K["k_expand_dims"](arr(2, 3), axis=-1.0).shape) == (2, 3, 1)
    assert K["k_constant"](1.0).dtype == "float32"
    assert K["k_constant"](np.array([1, 2], dtype=np.int32)).dtype == "float32"
    assert L.constant(np.array([1, 2], dtype=np.int32)).dtype == "float32"  # as Keras 2
    assert K["k_constant"](np.array([1, 2]), dtype="int32").dtype == "int32"


@pytest.mark.parametrize("fmt", ["channels_last", "channels_first"])
def test_resize_and_padding_are_keras_2s(fmt):
    x = arr(2, 3, 4, 2)
    assert np.array_equal(K["k_resize_images"](x, 2.0, 3.0, fmt),
                          L.resize_images(tf.constant(x), 2, 3, fmt))
    assert np.allclose(K["k_resize_images"](x.astype("float32"), 2.0, 3.0, fmt,
                                            interpolation="bilinear"),
                       L.resize_images(tf.constant(x, "float32"), 2, 3, fmt,
                                       interpolation="bilinear"), atol=1e-6)
    v = arr(2, 2, 3, 4, 2)
    assert np.array_equal(K["k_resize_volumes"](v, 2.0, 1.0, 3.0, fmt),
                          L.resize_volumes(tf.constant(v), 2, 1, 3, fmt))
    assert np.array_equal(K["k_spatial_2d_padding"](x, [[1.0, 2.0], [0.0, 3.0]], fmt),
                          L.spatial_2d_padding(tf.constant(x), ((1, 2), (0, 3)), fmt))
    assert np.array_equal(K["k_spatial_2d_padding"](x, np.array([[1.0, 2.0], [0.0, 3.0]]),
                                                    fmt),
                          L.spatial_2d_padding(tf.constant(x), ((1, 2), (0, 3)), fmt))
    assert np.array_equal(
        K["k_spatial_3d_padding"](v, [np.array([1.0, 2.0]), [0.0, 3.0], [2.0, 1.0]], fmt),
        L.spatial_3d_padding(tf.constant(v), ((1, 2), (0, 3), (2, 1)), fmt))
    assert np.array_equal(K["k_spatial_3d_padding"](v, data_format=fmt),
                          L.spatial_3d_padding(tf.constant(v), data_format=fmt))


def test_temporal_padding_is_keras_2s():
    t = arr(2, 3, 4)
    assert np.array_equal(K["k_temporal_padding"](t, np.array([1.0, 2.0])),
                          L.temporal_padding(tf.constant(t), (1, 2)))
    assert np.array_equal(K["k_temporal_padding"](t), L.temporal_padding(tf.constant(t)))
    with pytest.raises(RkValueError, match=r"c\(before, after\)"):
        K["k_temporal_padding"](t, [1.0, 2.0, 3.0])


@pytest.mark.parametrize("mode", ["max", "avg"])
def test_pool3d_is_keras_2s(mode):
    v = arr(2, 4, 4, 6, 3)
    want = L.pool3d(tf.constant(v, "float32"), (2, 2, 3), strides=(1, 2, 3), pool_mode=mode)
    got = K["k_pool3d"](v, [2.0, 2.0, 3.0], strides=[1.0, 2.0, 3.0], pool_mode=mode)
    assert np.allclose(got, want)


def test_batch_normalization_is_keras_2s():
    m, var, beta, gamma = arr(4), arr(4) + 0.5, arr(4), arr(4)
    x = arr(3, 5, 4)
    assert np.allclose(K["k_batch_normalization"](x, m, var, beta, gamma),
                       L.batch_normalization(tf.constant(x), m, var, beta, gamma))
    x4 = arr(2, 4, 3, 3)  # channels_first statistics: axis 2 (R) = 1 (Keras 2)
    shaped = [s.reshape(1, 4, 1, 1) for s in (m, var, beta, gamma)]
    assert np.allclose(K["k_batch_normalization"](x4, m, var, beta, gamma, axis=2.0),
                       L.batch_normalization(tf.constant(x4), *shaped, axis=1))


def test_conv3d_transpose_is_tensorflows():
    x = arr(1, 2, 2, 2, 3).astype("float32")
    kernel = arr(2, 2, 2, 4, 3).astype("float32")
    want = tf.nn.conv3d_transpose(x, kernel, [1, 3, 3, 3, 4], [1, 1, 1, 1, 1], "VALID")
    assert np.allclose(K["k_conv3d_transpose"](x, kernel, [1.0, 3.0, 3.0, 3.0, 4.0]), want)
    want2 = tf.nn.conv3d_transpose(x, kernel, [1, 4, 4, 4, 4], [1, 2, 2, 2, 1], "SAME")
    got2 = K["k_conv3d_transpose"](x, kernel, [None, 4.0, 4.0, 4.0, 4.0], strides=[2.0] * 3,
                                   padding="same")
    assert np.allclose(got2, want2)
    # channels_first: the same numbers with channels moved
    xf = np.transpose(x, (0, 4, 1, 2, 3))
    gotf = K["k_conv3d_transpose"](xf, kernel, [1.0, 4.0, 3.0, 3.0, 3.0],
                                   data_format="channels_first")
    assert np.allclose(np.transpose(gotf, (0, 2, 3, 4, 1)), want)


def test_ctc_labels_sparse_is_keras_2s():
    labels = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 9.0]])
    lengths = np.array([3.0, 2.0])
    sp = K["k_ctc_label_dense_to_sparse"](labels, lengths)
    ref = L.ctc_label_dense_to_sparse(tf.constant(labels, "int32"), tf.constant([3, 2]))
    assert K["k_is_sparse"](sp) and L.is_sparse(ref)
    assert np.array_equal(K["k_to_dense"](sp), L.to_dense(ref))
    assert np.array_equal(sp.indices, ref.indices)
    assert not K["k_is_sparse"](labels)
    assert K["k_to_dense"](labels) is labels


def test_fold_and_map_are_tensorflows():
    f = lambda acc, x: acc * 2 + x  # noqa: E731  (order matters)
    e = np.array([1.0, 2.0, 3.0])
    assert float(K["k_foldl"](f, e)) == float(L.foldl(f, tf.constant(e))) == 11
    assert float(K["k_foldr"](f, e)) == float(L.foldr(f, tf.constant(e))) == 17
    # an R number as initializer takes the elements' type
    assert float(K["k_foldl"](f, e, initializer=1.0)) == 1 * 8 + 1 * 4 + 2 * 2 + 3
    m = arr(3, 2)
    assert np.allclose(K["k_map_fn"](lambda r: r * 2, m), L.map_fn(lambda r: r * 2, tf.constant(m)))


def test_random_functions():
    b = K["k_random_bernoulli"]([200.0, 100.0], p=0.3, seed=3.0)
    u = keras.random.uniform((200, 100), seed=3)
    assert np.array_equal(b, np.where(np.asarray(u) <= 0.3, 1.0, 0.0))
    assert abs(float(np.mean(b)) - 0.3) < 0.03
    assert K["k_random_binomial"] is K["k_random_bernoulli"]
    v = K["k_random_normal_variable"]([100.0, 50.0], 5.0, 2.0, seed=1.0)
    assert isinstance(v, keras.Variable) and tuple(v.shape) == (100, 50)
    assert np.array_equal(v.numpy(), keras.random.normal((100, 50), 5.0, 2.0, seed=1))
    w = K["k_random_uniform_variable"]([100.0], 2.0, 3.0, seed=1.0)
    assert isinstance(w, keras.Variable) and 2 <= float(np.min(w.numpy())) < 3
    # an integer dtype draws whole numbers from minval to maxval - 1, as keras 2.x's did
    i = K["k_random_uniform"]([10000.0, 1.0], 0.0, 5.0, dtype="int64", seed=2.0)
    assert i.dtype == "int64" and tuple(i.shape) == (10000, 1)
    assert set(np.unique(np.asarray(i))) == {0, 1, 2, 3, 4}
    assert not np.asarray(K["k_random_uniform"]([4.0], dtype="int32")).any()  # maxval 1
    f = K["k_random_uniform"]([3.0], 2.0, 3.0)
    assert f.dtype == "float32" and 2 <= float(np.min(f)) < 3


def test_batch_get_set_and_variable_shape():
    a, b = keras.Variable(np.zeros(2)), keras.Variable(np.zeros((2, 3)))
    K["k_batch_set_value"]([[a, np.array([1.0, 2.0])], [b, np.ones((2, 3))]])
    got = K["k_batch_get_value"]([a, b])
    assert np.array_equal(got[0], [1.0, 2.0]) and np.array_equal(got[1], np.ones((2, 3)))
    assert K["k_get_variable_shape"](b) == [2, 3]


def test_print_tensor_writes_message_and_value(capsys):
    x = tf.constant([1, 2, 3])
    assert K["k_print_tensor"](x, message="x:") is x
    assert "x: [1 2 3]" in capsys.readouterr().out


def test_batch_dot_and_padding_inside_a_model():
    """keras 2.x scripts call k_*() in Lambda layers: symbolic inputs, unknown batch size."""
    for fn, shape in [(lambda t: K["k_batch_dot"](t, t, axes=[3.0, 3.0]), (3, 4)),
                      (lambda t: K["k_temporal_padding"](t, [1.0, 2.0]), (3, 4)),
                      (lambda t: K["k_expand_dims"](t), (3, 4))]:
        inp = keras.Input(shape)
        model = keras.Model(inp, keras.layers.Lambda(fn)(inp))
        x = arr(2, *shape).astype("float32")
        assert np.allclose(model.predict(x, verbose=0), fn(tf.constant(x)), atol=1e-6)


def test_conv2d_transpose_takes_keras_2s_output_shape():
    x = arr(2, 3, 3, 2).astype("float32")
    kernel = arr(2, 2, 4, 2).astype("float32")
    want = tf.nn.conv2d_transpose(x, kernel, [2, 6, 6, 4], [1, 2, 2, 1], "SAME")
    got = K["k_conv2d_transpose"](x, kernel, [None, 6.0, 6.0, 4.0], strides=[2.0, 2.0],
                                  padding="same")
    assert np.allclose(got, want)
    gotf = K["k_conv2d_transpose"](np.transpose(x, (0, 3, 1, 2)), kernel, [2.0, 4.0, 6.0, 6.0],
                                   strides=[2.0, 2.0], padding="same",
                                   data_format="channels_first")
    assert np.allclose(np.transpose(gotf, (0, 2, 3, 1)), want)


def test_convolutions_take_keras_2s_argument_names():
    x = arr(1, 5, 5, 2).astype("float32")
    k = arr(3, 3, 2, 4).astype("float32")
    assert np.allclose(K["k_conv2d"](x=x, kernel=k), keras.ops.conv(x, k))
    dk = arr(3, 3, 2, 1).astype("float32")
    assert np.allclose(K["k_depthwise_conv2d"](x=x, depthwise_kernel=dk),
                       keras.ops.depthwise_conv(x, dk))
    pk = arr(1, 1, 2, 3).astype("float32")
    assert np.allclose(K["k_separable_conv2d"](x=x, depthwise_kernel=dk, pointwise_kernel=pk),
                       keras.ops.separable_conv(x, dk, pk))


def _ctc_case():
    probs = keras.ops.softmax(arr(2, 6, 4) * 3).numpy().astype("float32")  # blank: class 4
    labels = np.array([[0.0, 1.0, 2.0], [2.0, 2.0, 7.0]])  # row 2: 2 labels (7 is padding)
    return probs, labels


def test_ctc_batch_cost_is_keras_2s():
    probs, labels = _ctc_case()
    got = K["k_ctc_batch_cost"](labels, probs, np.array([[6.0], [5.0]]), np.array([[3.0], [2.0]]))
    want = L.ctc_batch_cost(tf.constant(labels, "int32"), tf.constant(probs),
                            tf.constant([[6], [5]]), tf.constant([[3], [2]]))
    assert tuple(got.shape) == (2, 1)
    assert np.allclose(got, want)
    # lengths as R vectors work too
    assert np.allclose(K["k_ctc_batch_cost"](labels, probs, np.array([6.0, 5.0]),
                                             np.array([3.0, 2.0])), want)


@pytest.mark.parametrize("greedy", [True, False])
def test_ctc_decode_is_keras_2s(greedy):
    probs, _ = _ctc_case()
    got = K["k_ctc_decode"](probs, np.array([6.0, 5.0]), greedy=greedy, beam_width=10.0,
                            top_paths=2.0 if not greedy else 1.0)
    want = L.ctc_decode(tf.constant(probs), tf.constant([6, 5]), greedy=greedy, beam_width=10,
                        top_paths=2 if not greedy else 1)
    assert len(got[0]) == len(want[0])
    for g, w in zip(got[0], want[0]):
        assert np.array_equal(g, w)
    assert np.allclose(got[1], want[1])


def test_keras_2_argument_names_and_meanings():
    m = arr(3, 4)
    assert np.array_equal(K["k_identity"](m), m)
    assert np.array_equal(K["k_repeat"](m, 2.0), L.repeat(tf.constant(m), 2))
    parts = K["k_unstack"](m, axis=2.0)
    assert len(parts) == 4 and np.array_equal(parts[1], m[:, 1])
    assert len(K["k_unstack"](m)) == 3  # the default: the first axis
    pred = np.array([[0.1, 0.9, 0.0], [0.8, 0.1, 0.1]])
    assert np.array_equal(K["k_in_top_k"](pred, np.array([1.0, 1.0]), 1.0),
                          L.in_top_k(tf.constant(pred, "float32"), tf.constant([1, 1]), 1))
    assert np.allclose(K["k_clip"](m, min_value=0.2, max_value=0.5), np.clip(m, 0.2, 0.5))
    assert np.allclose(K["k_pow"](m, a=2.0), m ** 2)
    assert np.allclose(K["k_maximum"](x=m, y=0.5), np.maximum(m, 0.5))
    assert tuple(K["k_reshape"](m, shape=[4.0, 3.0]).shape) == (4, 3)
    assert tuple(K["k_tile"](m, n=[2.0, 1.0]).shape) == (6, 4)
    assert np.allclose(K["k_relu"](m - 0.5, alpha=0.1, max_value=0.3),
                       L.relu(tf.constant(m - 0.5), alpha=0.1, max_value=0.3))
    assert tuple(K["k_concatenate"](tensors=[m, m], axis=1.0).shape) == (6, 4)


def test_keras_2_defaults():
    m = np.array([[1.0, 5.0, 2.0], [7.0, 0.0, 3.0]])
    assert np.array_equal(K["k_argmax"](m), L.argmax(tf.constant(m)))  # last axis
    assert np.array_equal(K["k_argmin"](m), L.argmin(tf.constant(m)))
    assert np.array_equal(K["k_cumsum"](m), L.cumsum(tf.constant(m)))  # first axis
    assert np.array_equal(K["k_cumprod"](m), L.cumprod(tf.constant(m)))
    assert np.array_equal(K["k_concatenate"]([m, m]), L.concatenate([tf.constant(m)] * 2))
    assert np.array_equal(K["k_stack"]([m, m]), L.stack([tf.constant(m)] * 2))
    assert np.allclose(K["k_l2_normalize"](m), tf.math.l2_normalize(m, axis=None))
    assert np.allclose(K["k_clip"](m, max_value=4.0), np.minimum(m, 4.0))
    assert np.allclose(K["k_clip"](m, 2.0), np.maximum(m, 2.0))
    got = K["k_arange"](1.0, 5.0)
    assert got.dtype == "int32" and np.array_equal(got, L.arange(1, 5))
    assert np.array_equal(K["k_arange"](4.0), L.arange(4))
    assert np.allclose(K["k_arange"](0.0, 1.0, 0.25, dtype="float32"), [0, 0.25, 0.5, 0.75])
