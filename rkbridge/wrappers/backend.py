"""The `k_*()` backend functions of the R interface to Keras 2, mapped to Keras 3 ops with
1-based axes. `K_OPS` is the declarative table: R name (without `k_`) -> `KOp` (the Keras 3
function, by dotted path under `keras`, and which of its arguments are axes or renamed).
The few Keras 2 functions with no single Keras 3 counterpart are small functions below."""
from __future__ import annotations

import functools
import sys
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from . import args as A
from .._keras import keras, keras_attr, ops, tf
from ..errors import RkTypeError, RkValueError
from ..training import progress
from ..values import owned
from ..datautils.sparse import is_sparse


@dataclass(frozen=True)
class KOp:
    path: str  # under `keras`, e.g. "ops.mean", "random.normal"
    axes: tuple[str, ...] = ()  # arguments that are 1-based axes (besides `axis`, found)
    renames: dict[str, str] = field(default_factory=dict)  # Keras 2 name -> Keras 3 name
    # Keras 2 defaults (in R terms, 1-based axes) where the Keras 3 op has none or another
    defaults: dict[str, Any] = field(default_factory=dict)

    fn: Callable[..., Any] | None = None  # in place of the Keras function, with its signature

    def target(self) -> Callable[..., Any] | None:
        return self.fn or keras_attr(self.path)


@functools.wraps(keras.random.uniform)
def _random_uniform(shape: Any, minval: Any = 0.0, maxval: Any = 1.0, dtype: Any = None,
                    seed: Any = None) -> Any:
    # keras 2.x (tf.random.uniform) drew whole numbers for an integer dtype, from minval to
    # maxval - 1; Keras 3's uniform() takes float types only
    if dtype is not None and keras.backend.standardize_dtype(dtype).startswith("int"):
        return keras.random.randint(shape, int(minval), int(maxval), dtype=dtype, seed=seed)
    return keras.random.uniform(shape, minval, maxval, dtype=dtype, seed=seed)


def _ops(*names: str) -> dict[str, KOp]:
    return {n: KOp(f"ops.{n}") for n in names}


K_OPS: dict[str, KOp] = {
    # reductions and element-wise maths: the same name in keras.ops
    **_ops("mean", "sum", "max", "min", "prod", "std", "var", "all", "any",
           "logsumexp", "softmax", "log_softmax", "squeeze", "flip", "abs",
           "exp", "log", "sqrt", "square", "sign", "round", "sin", "cos", "tanh", "sigmoid",
           "hard_sigmoid", "elu", "softplus", "softsign",
           "cast", "ones_like", "zeros_like", "floor", "ceil",
           "where", "ones", "zeros", "matmul", "log1p", "expm1",
           "sort", "top_k", "ndim", "is_tensor",
           "binary_crossentropy", "categorical_crossentropy",
           "sparse_categorical_crossentropy", "shape", "pad",
           "argsort", "norm", "rsqrt", "erf"),
    # keras 2.x's argument names where Keras 3 renamed them (positions are the same)
    **{n: KOp(f"ops.{n}", renames={"x": "x1", "y": "x2"})
       for n in ("equal", "not_equal", "greater", "greater_equal", "less", "less_equal",
                 "maximum", "minimum", "dot")},
    "pow": KOp("ops.power", renames={"x": "x1", "a": "x2"}),
    # keras 2.x's default axes (in R terms) where Keras 3's differ
    **{n: KOp(f"ops.{n}", defaults={"axis": -1}) for n in ("argmax", "argmin")},
    **{n: KOp(f"ops.{n}", defaults={"axis": 1}) for n in ("cumsum", "cumprod", "stack")},
    "concatenate": KOp("ops.concatenate", renames={"tensors": "xs"}, defaults={"axis": -1}),
    "reshape": KOp("ops.reshape", renames={"shape": "newshape"}),
    "tile": KOp("ops.tile", renames={"n": "repeats"}),
    "eye": KOp("ops.eye", renames={"size": "N"}),
    "one_hot": KOp("ops.one_hot", renames={"indices": "x"}),
    "stop_gradient": KOp("ops.stop_gradient", renames={"variables": "variable"}),
    "relu": KOp("activations.relu", renames={"alpha": "negative_slope"}),
    "moments": KOp("ops.moments", axes=("axes",)),
    # Keras 2 appended a last axis by default
    "expand_dims": KOp("ops.expand_dims", defaults={"axis": -1}),
    "transpose": KOp("ops.transpose", axes=("axes",)),
    "permute_dimensions": KOp("ops.transpose", axes=("axes",), renames={"pattern": "axes"}),
    "l2_normalize": KOp("ops.normalize", defaults={"axis": None}),  # all axes
    "gather": KOp("ops.take", renames={"reference": "x"}),
    "reverse": KOp("ops.flip", renames={"axes": "axis"}),
    "repeat_elements": KOp("ops.repeat", renames={"rep": "repeats"}),
    "switch": KOp("ops.where", renames={"then_expression": "x1", "else_expression": "x2"}),
    # keras 2.x named the input `x` (and the depthwise kernel `depthwise_kernel`)
    **{n: KOp("ops.conv", renames={"x": "inputs"}) for n in ("conv1d", "conv2d", "conv3d")},
    "depthwise_conv2d": KOp("ops.depthwise_conv",
                            renames={"x": "inputs", "depthwise_kernel": "kernel"}),
    "separable_conv2d": KOp("ops.separable_conv", renames={"x": "inputs"}),
    "random_normal": KOp("random.normal"),
    "random_uniform": KOp("random.uniform", fn=_random_uniform),
    "truncated_normal": KOp("random.truncated_normal"),
    "dropout": KOp("random.dropout", renames={"x": "inputs", "level": "rate"}),
    "is_keras_tensor": KOp("utils.is_keras_tensor"),
    "image_data_format": KOp("config.image_data_format"),
    "set_image_data_format": KOp("config.set_image_data_format"),
    "set_epsilon": KOp("config.set_epsilon", renames={"e": "value"}),
    "set_floatx": KOp("config.set_floatx", renames={"floatx": "value"}),
    "epsilon": KOp("config.epsilon"),
    "floatx": KOp("config.floatx"),
    "clear_session": KOp("utils.clear_session"),
}

# Integer-valued arguments of ops (R numbers are doubles) beyond args.ARG_RULES.
_K_RULES: dict[str, A.Rule] = {
    **{k: v for k, v in A.ARG_RULES.items() if k not in ("axis", "axes")},
    **{n: A.as_integer for n in ("k", "num_classes", "top_paths", "beam_width", "n",
                                 "mask_index", "N", "M")},
    **{n: A.as_int_tuple for n in ("repeats", "newshape", "pool_size", "strides")},
    "shape": A.as_shape,
}


def _tensor(x: Any) -> Any:
    if isinstance(x, np.ndarray):
        return ops.convert_to_tensor(owned(x))
    if isinstance(x, (list, tuple)) and x and all(isinstance(i, np.ndarray) for i in x):
        return [_tensor(i) for i in x]
    return x


def wrapper(r_name: str, spec: KOp) -> A.Wrapper:
    """The call-path spec of `k_<r_name>`: the Keras 3 op under keras 2.x's argument names
    and order, with 1-based axes and keras 2.x's defaults."""
    op = spec.target()
    names, var = A.signature_names(op)
    back = {v: k for k, v in spec.renames.items()}
    axes = set(spec.axes) | ({"axis"} & set(names or ()))
    return A.Wrapper(f"k_{r_name}", op,
                     None if names is None else tuple(back.get(n, n) for n in names), var,
                     renames=spec.renames, defaults=spec.defaults,
                     converters={n: A.as_axis for n in axes}, fallback=_K_RULES,
                     finish=_tensor)


def k_function(r_name: str, spec: KOp) -> Callable[..., Any]:
    w = A.WRAPPERS[f"k_{r_name}"] = wrapper(r_name, spec)

    def fn(*args: Any, **kwargs: Any) -> Any:
        return w(*args, **kwargs)

    fn.__name__ = fn.__qualname__ = f"k_{r_name}"
    fn.__doc__ = f"`keras.{spec.path}` with 1-based axes."
    return fn


# -- Keras 2 functions without one Keras 3 counterpart ---------------------------------------

def k_constant(value: Any, dtype: str | None = None, shape: Any = None,
               name: str | None = None) -> Any:
    """A constant tensor from an R value (broadcast to `shape` if given); R numbers (doubles
    and integers) become Keras's float type (float32) unless `dtype` is given, as in Keras 2."""
    arr = np.array(value, copy=True)
    if dtype is None and arr.dtype.kind in "fiu":  # Keras 2: numbers become floatx
        dtype = keras.config.floatx()
    t = ops.convert_to_tensor(arr, dtype=dtype)
    if shape is not None:
        t = ops.broadcast_to(t, A.as_shape(shape))
    return t


def k_variable(value: Any, dtype: str | None = None, name: str | None = None) -> Any:
    """A Keras variable holding `value` (an R array keeps its dimensions); of type floatx
    unless `dtype` says otherwise, as keras 2.x's `k_variable()` (R integers too)."""
    return keras.Variable(np.array(value, copy=True), dtype=dtype or keras.config.floatx(),
                          name=name)


def k_get_value(x: Any) -> Any:
    """The value of a variable or tensor as an array."""
    return ops.convert_to_numpy(x)


k_eval = k_get_value


def k_set_value(x: Any, value: Any) -> None:
    """Assign `value` to the variable `x`."""
    x.assign(np.array(value, copy=True))


def k_int_shape(x: Any) -> list[Any]:
    """The shape of a tensor as a list (NULL for unknown sizes)."""
    return list(tuple(_tensor(x).shape))


def k_dtype(x: Any) -> str:
    """The dtype of a tensor, as a string."""
    return keras.backend.standardize_dtype(x.dtype)


def k_batch_flatten(x: Any) -> Any:
    """Flatten every sample: an (n, ...) tensor becomes (n, prod(...))."""
    x = _tensor(x)
    return ops.reshape(x, (ops.shape(x)[0], -1))


def k_flatten(x: Any) -> Any:
    """All elements of a tensor in one dimension."""
    return ops.reshape(_tensor(x), (-1,))


def k_bias_add(x: Any, bias: Any, data_format: str | None = None) -> Any:
    """Add a bias vector to the last (channels_last) or second (channels_first) axis."""
    x, bias = _tensor(x), _tensor(bias)
    if data_format == "channels_first":
        bias = ops.reshape(bias, (1, -1) + (1,) * (len(x.shape) - 2))
    return ops.add(x, bias)


def _pool(x: Any, pool_size: Any, strides: Any, padding: str, data_format: str | None,
          pool_mode: str) -> Any:
    op = {"max": ops.max_pool, "avg": ops.average_pool}.get(pool_mode)
    if op is None:
        raise RkTypeError('`pool_mode` must be "max" or "avg".')
    return op(_tensor(x), A.as_int_tuple(pool_size, "pool_size"),
              strides=A.as_int_tuple(strides, "strides"), padding=padding,
              data_format=data_format)


def k_pool2d(x: Any, pool_size: Any, strides: Any = (1, 1),
             padding: str = "valid", data_format: str | None = None,
             pool_mode: str = "max") -> Any:
    """2-D pooling; `pool_mode` is "max" or "avg"."""
    return _pool(x, pool_size, strides, padding, data_format, pool_mode)


def k_pool3d(x: Any, pool_size: Any, strides: Any = (1, 1, 1),
             padding: str = "valid", data_format: str | None = None,
             pool_mode: str = "max") -> Any:
    """3-D pooling of volumes (samples, depth, rows, cols, channels)

    Args:
        x: A 5-D tensor or R array.
        pool_size: The pooling window: 3 whole numbers, e.g. `c(2, 2, 2)`.
        strides: The steps of the window: 3 whole numbers.
        padding: "valid" or "same".
        data_format: "channels_last" (the default: channels are the last dimension) or
            "channels_first".
        pool_mode: "max" or "avg".
    """
    x = _as_tensor(x)
    if keras.backend.standardize_dtype(x.dtype) not in ("float16", "bfloat16", "float32"):
        x = ops.cast(x, keras.config.floatx())  # TensorFlow pools volumes of these only
    return _pool(x, pool_size, strides, padding, data_format, pool_mode)


def k_count_params(x: Any) -> int:
    """The number of scalars in a variable or tensor."""
    return int(np.prod(tuple(x.shape)))


def k_update(x: Any, new_x: Any) -> Any:
    """Assign `new_x` to the variable `x` (returns `x`)."""
    x.assign(_tensor(new_x))
    return x


def k_update_add(x: Any, increment: Any) -> Any:
    """Add `increment` to the variable `x` (returns `x`)."""
    x.assign_add(_tensor(increment))
    return x


def k_update_sub(x: Any, decrement: Any) -> Any:
    """Subtract `decrement` from the variable `x` (returns `x`)."""
    x.assign_sub(_tensor(decrement))
    return x


def k_cast_to_floatx(x: Any) -> Any:
    """`x` as an array of the default float type."""
    return np.asarray(x, dtype=keras.config.floatx())


def k_backend() -> str:
    """The name of the Keras backend in use ("tensorflow")."""
    return keras.backend.backend()


# -- Keras 2 backend functions over Keras 3 / TensorFlow ops --------------------------------

def _as_tensor(x: Any) -> Any:
    return ops.convert_to_tensor(_tensor(x))


def _data_format(data_format: Any) -> str:
    fmt = keras.config.image_data_format() if data_format is None \
        else str(A.scalar(data_format))
    if fmt not in ("channels_last", "channels_first"):
        raise RkValueError(f'`data_format` must be "channels_last" or "channels_first", '
                           f'not "{fmt}".')
    return fmt


def _spatial_axes(x: Any, n: int, data_format: Any, fn: str) -> list[int]:
    """The 0-based axes of the `n` spatial dimensions of `x` (samples first)."""
    if len(x.shape) != n + 2:
        raise RkValueError(f"{fn}() takes a {n + 2}-D tensor (samples, {n} spatial "
                           f"dimensions and channels); `x` has {len(x.shape)} dimensions.")
    first = 2 if _data_format(data_format) == "channels_first" else 1
    return list(range(first, first + n))


def _axis0(axis: Any, ndim: int, name: str, fn: str) -> int:
    """A 1-based R axis of a tensor with `ndim` dimensions as a non-negative 0-based one."""
    given = A.scalar(axis)

    def not_an_axis(_: Any = None) -> RkValueError:
        return RkValueError(f"`{name} = {given}` of {fn}() is not an axis of a tensor with "
                            f"{ndim} dimensions (axes are 1-based: 1 is the batch axis, -1 "
                            f"the last).")
    i = A.as_integer(given, name)
    if not isinstance(i, int):
        raise not_an_axis()
    return A.zero_based(i, A.AXIS, name, size=ndim, error=not_an_axis)


def k_batch_dot(x: Any, y: Any, axes: Any = None) -> Any:
    """Batchwise dot product

    For each sample `i`, the dot product of `x[i, ...]` and `y[i, ...]` over one axis of
    each, as Keras 2's `batch_dot()`: the result has the remaining axes of `x`, then those of
    `y`; with 2-D `x` and `y` it is a one-column matrix (samples x 1).

    Args:
        x: A tensor or R array with at least 2 dimensions (samples first).
        y: A tensor or R array with at least 2 dimensions and as many samples as `x`.
        axes: The axis of `x` and the axis of `y` to reduce: one number for both, or two
            (`c(3, 2)`). `NULL`: the last axis of `x` and the last but one of `y` (its last if
            `y` is 2-D). 1-based, as in the keras 2.x R interface: 1 is the batch axis (which
            cannot be reduced), 2 the first axis of each sample, -1 the last.
    """
    x, y = _as_tensor(x), _as_tensor(y)
    xn, yn = len(x.shape), len(y.shape)
    if xn < 2 or yn < 2:
        raise RkValueError(f"k_batch_dot() needs `x` and `y` with at least 2 dimensions "
                           f"(samples first); they have {xn} and {yn}.")
    if axes is None:
        a0, a1 = xn - 1, (yn - 1 if yn == 2 else yn - 2)
    else:
        items = A._as_list(axes)
        items = [A.scalar(axes)] * 2 if items is None else items * 2 if len(items) == 1 \
            else items
        if len(items) != 2:
            raise RkValueError("`axes` of k_batch_dot() is one axis (for both `x` and `y`) "
                               "or two: c(axis of x, axis of y).")
        a0, a1 = _axis0(items[0], xn, "axes", "k_batch_dot"), \
            _axis0(items[1], yn, "axes", "k_batch_dot")
    if a0 == 0 or a1 == 0:
        raise RkValueError("k_batch_dot() cannot reduce the batch axis: `axes` counts from 1, "
                           "the batch axis; 2 is the first axis of each sample.")
    if x.shape[a0] is not None and y.shape[a1] is not None and x.shape[a0] != y.shape[a1]:
        raise RkValueError(f"k_batch_dot(): axis {a0 + 1} of `x` has {x.shape[a0]} elements "
                           f"but axis {a1 + 1} of `y` has {y.shape[a1]}; they must match.")
    x2, y2 = xn == 2, yn == 2
    if x2:
        x, a0 = ops.expand_dims(x, 1), a0 + 1
    if y2:
        y = ops.expand_dims(y, 2)
    x, y = ops.moveaxis(x, a0, -1), ops.moveaxis(y, a1, 1)
    xs, ys = ops.shape(x), ops.shape(y)
    b = xs[0] if xs[0] is not None else -1  # unknown only for symbolic inputs (layer_input())

    def size(dims: tuple[Any, ...]) -> Any:
        known = all(isinstance(d, int) for d in dims)
        return int(np.prod(dims, dtype=np.int64)) if known else -1

    out = ops.matmul(ops.reshape(x, (b, size(xs[1:-1]), xs[-1])),
                     ops.reshape(y, (b, ys[1], size(ys[2:]))))
    out = ops.reshape(out, (b, *xs[1:-1], *ys[2:]))
    if x2:
        return ops.squeeze(out, 1)
    return ops.squeeze(out, -1) if y2 else out


def k_batch_get_value(ops: Any) -> list[Any]:
    """The values of several variables or tensors

    Args:
        ops: A list of variables or tensors.
    """
    items = ops if isinstance(ops, (list, tuple)) else [ops]
    return [keras.ops.convert_to_numpy(t) for t in items]


def k_batch_set_value(lists: Any) -> None:
    """Set the values of several variables at once

    Args:
        lists: A list of pairs `list(variable, value)`; each value has its variable's
            dimensions.
    """
    for pair in (lists or []):
        if not isinstance(pair, (list, tuple)) or len(pair) != 2:
            raise RkTypeError("`lists` of k_batch_set_value() is a list of pairs: "
                              "list(list(variable, value), ...).")
        k_set_value(pair[0], pair[1])


def k_batch_normalization(x: Any, mean: Any, var: Any, beta: Any = None, gamma: Any = None,
                          axis: Any = -1, epsilon: float = 0.001) -> Any:
    """Normalize a tensor with given statistics

    `(x - mean) / sqrt(var + epsilon) * gamma + beta`, as Keras 2's `batch_normalization()`.

    Args:
        x: A tensor or R array (integers are taken as floats).
        mean: The mean: a vector with one value per position along axis `axis` of `x`, a
            number, or an array that broadcasts against `x`.
        var: The variance, given like `mean`.
        beta: The offset added, given like `mean`; `NULL` adds none.
        gamma: The scale, given like `mean`; `NULL` scales by 1.
        axis: The axis of `x` that vector statistics run along (the default: the last).
        epsilon: A small number added to the variance.
    """
    x = _as_tensor(x)
    if not keras.backend.is_float_dtype(x.dtype):
        x = ops.cast(x, keras.config.floatx())
    nd = len(x.shape)
    ax = _axis0(axis, max(nd, 1), "axis", "k_batch_normalization")

    def stat(v: Any) -> Any:
        if v is None:
            return None
        t = ops.cast(_as_tensor(v), x.dtype)
        if len(t.shape) == 1 and nd > 1:
            shape = [1] * nd
            shape[ax] = t.shape[0]
            t = ops.reshape(t, shape)
        return t

    m, v, b, g = stat(mean), stat(var), stat(beta), stat(gamma)
    inv = ops.rsqrt(v + float(A.scalar(epsilon)))
    if g is not None:
        inv = inv * g
    out = (x - m) * inv
    return out + b if b is not None else out


def _conv_transpose(x: Any, kernel: Any, output_shape: Any, strides: Any, padding: str,
                    data_format: str | None, n: int, fn: str) -> Any:
    """Keras 2's conv2d_transpose / conv3d_transpose: `output_shape` is the full shape."""
    x = _as_tensor(x)
    if len(x.shape) != n + 2:
        raise RkValueError(f"{fn}() takes a {n + 2}-D `x`; it has {len(x.shape)} dimensions.")
    if not keras.backend.is_float_dtype(x.dtype):
        x = ops.cast(x, keras.config.floatx())
    kernel = ops.cast(_as_tensor(kernel), x.dtype)
    shape = list(A.as_shape(output_shape, "output_shape"))
    if len(shape) != n + 2:
        raise RkValueError(f"`output_shape` of {fn}() is the full shape of the result: "
                           f"{n + 2} numbers, samples first (it has {len(shape)}).")
    first = _data_format(data_format) == "channels_first"
    if first:  # TensorFlow's CPU kernels take channels last
        x = ops.moveaxis(x, 1, -1)
        shape = [shape[0], *shape[2:], shape[1]]
    if shape[0] is None:
        shape[0] = tf.shape(x)[0]
    s = A.as_int_tuple(strides, "strides")
    s = (s,) * n if isinstance(s, int) else tuple(s)
    conv = tf.nn.conv2d_transpose if n == 2 else tf.nn.conv3d_transpose
    out = conv(x, kernel, tf.stack(shape), (1, *s, 1), padding=str(padding).upper())
    return ops.moveaxis(out, -1, 1) if first else out


def k_conv2d_transpose(x: Any, kernel: Any, output_shape: Any, strides: Any = (1, 1),
                       padding: str = "valid", data_format: str | None = None) -> Any:
    """2-D transposed convolution (deconvolution)

    Args:
        x: A 4-D tensor or R array (samples, rows, cols, channels).
        kernel: The kernel: rows x cols x output channels x input channels.
        output_shape: The full shape of the result, samples first, e.g. `c(1, 4, 4, 2)`
            (`NA` samples: as many as `x` has), in `data_format` order.
        strides: The steps of the convolution: 2 whole numbers.
        padding: "valid" or "same".
        data_format: "channels_last" (the default: channels are the last dimension) or
            "channels_first".
    """
    return _conv_transpose(x, kernel, output_shape, strides, padding, data_format, 2,
                           "k_conv2d_transpose")


def k_conv3d_transpose(x: Any, kernel: Any, output_shape: Any, strides: Any = (1, 1, 1),
                       padding: str = "valid", data_format: str | None = None) -> Any:
    """3-D transposed convolution (deconvolution)

    Args:
        x: A 5-D tensor or R array (samples, depth, rows, cols, channels).
        kernel: The kernel: depth x rows x cols x output channels x input channels.
        output_shape: The full shape of the result, samples first, e.g.
            `c(1, 4, 4, 4, 2)` (`NA` samples: as many as `x` has), in `data_format` order.
        strides: The steps of the convolution: 3 whole numbers.
        padding: "valid" or "same".
        data_format: "channels_last" (the default: channels are the last dimension) or
            "channels_first".
    """
    return _conv_transpose(x, kernel, output_shape, strides, padding, data_format, 3,
                           "k_conv3d_transpose")


def k_ctc_label_dense_to_sparse(labels: Any, label_lengths: Any) -> Any:
    """CTC labels from a dense matrix to a sparse tensor

    Args:
        labels: The label codes: a samples x max_length matrix (whole numbers).
        label_lengths: How many labels of each row are used: one number per sample.
    """
    labels = ops.cast(_as_tensor(labels), "int32")
    lengths = tf.cast(tf.reshape(_as_tensor(label_lengths), [-1]), "int32")
    mask = tf.sequence_mask(lengths, maxlen=tf.shape(labels)[1])
    indices = tf.where(mask)
    return tf.SparseTensor(indices, tf.gather_nd(labels, indices),
                           tf.cast(tf.shape(labels), "int64"))


def _ctc_inputs(y_pred: Any, lengths: Any) -> tuple[Any, Any]:
    """Keras 2's CTC inputs: softmax outputs as time-major log-probabilities (the blank is
    the last class), lengths as an int32 vector."""
    y_pred = _as_tensor(y_pred)
    if not keras.backend.is_float_dtype(y_pred.dtype):
        y_pred = ops.cast(y_pred, keras.config.floatx())
    logp = tf.math.log(tf.transpose(y_pred, (1, 0, 2)) + keras.config.epsilon())
    return logp, tf.cast(tf.reshape(_as_tensor(lengths), [-1]), "int32")


def k_ctc_batch_cost(y_true: Any, y_pred: Any, input_length: Any, label_length: Any) -> Any:
    """CTC loss of each sample

    Keras 2's `ctc_batch_cost()`: `y_pred` holds softmax probabilities whose last class is
    the CTC blank; the result is a samples x 1 matrix of losses.

    Args:
        y_true: The label codes: a samples x max_label_length matrix (0-based class codes).
        y_pred: The predictions: samples x time steps x classes (softmax outputs; the last
            class is the blank).
        input_length: The number of time steps of each sample in `y_pred`: a samples x 1
            matrix (or a vector).
        label_length: The number of labels of each sample in `y_true`: a samples x 1
            matrix (or a vector).
    """
    logp, steps = _ctc_inputs(y_pred, input_length)
    labels = k_ctc_label_dense_to_sparse(y_true, label_length)
    loss = tf.compat.v1.nn.ctc_loss(labels=labels, inputs=logp, sequence_length=steps)
    return tf.expand_dims(loss, 1)


def k_ctc_decode(y_pred: Any, input_length: Any, greedy: bool = True, beam_width: Any = 100,
                 top_paths: Any = 1) -> list[Any]:
    """Decode CTC predictions

    Keras 2's `ctc_decode()`: greedy (best path) or beam search decoding of softmax outputs
    whose last class is the blank.

    Args:
        y_pred: The predictions: samples x time steps x classes (softmax outputs; the last
            class is the blank).
        input_length: The number of time steps of each sample in `y_pred` (a vector).
        greedy: `TRUE`: best path decoding; `FALSE`: beam search.
        beam_width: The beam width of the beam search.
        top_paths: How many decodings the beam search returns.
    """
    y = _as_tensor(y_pred)
    logp, steps = _ctc_inputs(y, input_length)
    if A.as_bool(greedy, "greedy"):
        decoded, log_prob = tf.nn.ctc_greedy_decoder(inputs=logp, sequence_length=steps)
    else:
        decoded, log_prob = tf.compat.v1.nn.ctc_beam_search_decoder(
            inputs=logp, sequence_length=steps,
            beam_width=A.as_integer(A.scalar(beam_width), "beam_width"),
            top_paths=A.as_integer(A.scalar(top_paths), "top_paths"))
    shape = tf.cast(tf.shape(y)[:2], "int64")
    dense = [tf.sparse.to_dense(tf.SparseTensor(st.indices, st.values, shape),
                                default_value=-1) for st in decoded]
    return [dense, log_prob]


def k_unstack(x: Any, axis: Any = 1, num: Any = None, name: str | None = None) -> list[Any]:
    """Split a tensor into a list of tensors along an axis

    Args:
        x: A tensor or R array.
        axis: The axis to split along (the default: the first).
        num: The number of pieces (the size of that axis); `NULL`: found from `x`.
        name: Ignored (Keras 2 named the operation).
    """
    return ops.unstack(_as_tensor(x), num=None if num is None else A.as_integer(num, "num"),
                       axis=A.as_axis(A.scalar(axis), "axis"))


def k_in_top_k(predictions: Any, targets: Any, k: Any) -> Any:
    """Whether each target class is among the `k` highest predictions

    Args:
        predictions: The predictions: samples x classes.
        targets: The target class of each sample (0-based codes, as Keras counts them).
        k: How many of the highest predictions count.
    """
    targets = ops.cast(_as_tensor(targets), "int32")
    predictions = ops.cast(_as_tensor(predictions), "float32")  # TensorFlow's only kind
    return ops.in_top_k(ops.reshape(targets, (-1,)), predictions,
                        A.as_integer(A.scalar(k), "k"))


def k_identity(x: Any, name: str | None = None) -> Any:
    """A tensor with the same content as `x`

    Args:
        x: A tensor or R array.
        name: Ignored (Keras 2 named the operation).
    """
    return tf.identity(_as_tensor(x))


def k_repeat(x: Any, n: Any) -> Any:
    """Repeat a 2-D tensor: samples x dim becomes samples x n x dim

    Args:
        x: A 2-D tensor or R matrix.
        n: How many times each row is repeated.
    """
    x = _as_tensor(x)
    if len(x.shape) != 2:
        raise RkValueError(f"k_repeat() repeats a 2-D tensor (samples x dim); `x` has "
                           f"{len(x.shape)} dimensions. For other repetitions see "
                           f"k_repeat_elements() or k_tile().")
    return ops.repeat(ops.expand_dims(x, 1), A.as_integer(A.scalar(n), "n"), axis=1)


def k_clip(x: Any, min_value: Any = None, max_value: Any = None) -> Any:
    """Clip values into the interval from `min_value` to `max_value`

    Args:
        x: A tensor or R array.
        min_value: The lower bound; `NULL`: none.
        max_value: The upper bound; `NULL`: none.
    """
    low = -np.inf if min_value is None else A.scalar(min_value)
    high = np.inf if max_value is None else A.scalar(max_value)
    return ops.clip(_as_tensor(x), low, high)


def k_arange(start: Any, stop: Any = None, step: Any = 1, dtype: str = "int32") -> Any:
    """A vector of evenly spaced numbers from `start` (included) to `stop` (excluded)

    Keras 2's `arange()`: integers (int32) by default; with one number, from 0 to it.

    Args:
        start: The first value (or, without `stop`, the end: from 0).
        stop: The end (excluded).
        step: The difference between consecutive values.
        dtype: Data type of the result.
    """
    dtype = str(A.scalar(dtype))
    whole = "int" in dtype

    def num(v: Any) -> Any:
        v = A.scalar(v)
        return int(v) if whole and isinstance(v, float) and v.is_integer() else v

    start, stop, step = num(start), None if stop is None else num(stop), num(step)
    if stop is None:
        start, stop = 0, start
    return ops.arange(start, stop, step, dtype=dtype)


def _fold(left: bool, fn: Callable[..., Any], elems: Any, initializer: Any,
          name: str | None) -> Any:
    elems = _tensor(elems)
    if isinstance(elems, np.ndarray) or np.isscalar(elems):
        elems = ops.convert_to_tensor(elems)
    if initializer is not None and not isinstance(initializer, (list, tuple, dict)):
        initializer = _tensor(initializer)
        if not tf.is_tensor(initializer):
            dtype = elems.dtype if tf.is_tensor(elems) else None
            initializer = tf.convert_to_tensor(np.asarray(initializer), dtype=dtype)
    fold = tf.foldl if left else tf.foldr
    return fold(fn, elems, initializer=initializer, name=name)


def k_foldl(fn: Callable[..., Any], elems: Any, initializer: Any = None,
            name: str | None = None) -> Any:
    """Reduce a tensor from the first element to the last with a function

    Args:
        fn: A function `function(acc, x)` that combines the accumulated value with the next
            element (slice along the first axis of `elems`).
        elems: A tensor or R array, taken element by element along its first axis.
        initializer: The first accumulated value; `NULL`: the first element of `elems`.
        name: Name of the operation (a string).
    """
    return _fold(True, fn, elems, initializer, name)


def k_foldr(fn: Callable[..., Any], elems: Any, initializer: Any = None,
            name: str | None = None) -> Any:
    """Reduce a tensor from the last element to the first with a function

    Args:
        fn: A function `function(acc, x)` that combines the accumulated value with the next
            element (slice along the first axis of `elems`, from the last).
        elems: A tensor or R array, taken element by element along its first axis.
        initializer: The first accumulated value; `NULL`: the last element of `elems`.
        name: Name of the operation (a string).
    """
    return _fold(False, fn, elems, initializer, name)


def k_map_fn(fn: Callable[..., Any], elems: Any, name: str | None = None,
             dtype: str | None = None) -> Any:
    """Apply a function to each element of a tensor along its first axis

    Args:
        fn: A function of one element (a slice along the first axis of `elems`) that
            returns a tensor.
        elems: A tensor or R array.
        name: Name of the operation (a string).
        dtype: The data type of what `fn` returns, when it differs from `elems`'s.
    """
    elems = _tensor(elems)
    if isinstance(elems, np.ndarray):
        elems = ops.convert_to_tensor(elems)
    return tf.map_fn(fn, elems, fn_output_signature=dtype, name=name)


def k_get_variable_shape(x: Any) -> list[Any]:
    """The shape of a variable as a list (NULL for unknown sizes)

    Args:
        x: A variable or tensor.
    """
    return k_int_shape(x)


def k_is_sparse(tensor: Any) -> bool:
    """Whether a tensor is sparse

    Args:
        tensor: A tensor (a sparse matrix of package Matrix becomes a sparse tensor).
    """
    return bool(is_sparse(tensor))


def k_to_dense(tensor: Any) -> Any:
    """A sparse tensor as a dense one (other tensors are returned as they are)

    Args:
        tensor: A tensor, sparse or not.
    """
    return tf.sparse.to_dense(tensor) if is_sparse(tensor) else tensor


def k_print_tensor(x: Any, message: str = "") -> Any:
    """Print a tensor's value, with a message, and return it

    In R the text goes to the console; inside a compiled model function (layer_lambda()
    during fit()), TensorFlow prints it to standard output at each call.

    Args:
        x: A tensor or R array.
        message: Text printed before the value.
    """
    x = _tensor(x)
    if isinstance(x, keras.KerasTensor):  # a model being built: no value yet
        return x
    message = "" if message is None else str(A.scalar(message))
    if tf.executing_eagerly():
        text = tf.strings.format("{}", [x], summarize=3).numpy().decode()
        progress.write(f"{message} {text}\n" if message else f"{text}\n")
        return x
    tf.print(message, x, output_stream=sys.stdout, summarize=3)
    return x


def k_random_bernoulli(shape: Any, p: float = 0.0, dtype: str | None = None,
                       seed: Any = None) -> Any:
    """A tensor of random 0/1 values, 1 with probability `p`

    Args:
        shape: The shape of the tensor, e.g. `c(2, 3)`.
        p: The probability of a 1 (from 0 to 1).
        dtype: Data type of the result; by default Keras's float type.
        seed: Integer seed for the random operations (reproducible results).
    """
    u = keras.random.uniform(A.as_shape(shape), dtype=keras.config.floatx(),
                             seed=A.as_integer(seed, "seed"))
    return ops.cast(ops.less_equal(u, float(A.scalar(p))), dtype or keras.config.floatx())


def k_random_normal_variable(shape: Any, mean: float, scale: float, dtype: str | None = None,
                             name: str | None = None, seed: Any = None) -> Any:
    """A variable of normally distributed random values

    Args:
        shape: The shape of the variable, e.g. `c(2, 3)`.
        mean: The mean of the normal distribution.
        scale: Its standard deviation.
        dtype: Data type; by default Keras's float type.
        name: Name of the variable (a string).
        seed: Integer seed for the random operations (reproducible results).
    """
    dtype = dtype or keras.config.floatx()
    value = keras.random.normal(A.as_shape(shape), mean=float(A.scalar(mean)),
                                stddev=float(A.scalar(scale)), dtype=dtype,
                                seed=A.as_integer(seed, "seed"))
    return keras.Variable(value, dtype=dtype, name=name)


def k_random_uniform_variable(shape: Any, low: float, high: float, dtype: str | None = None,
                              name: str | None = None, seed: Any = None) -> Any:
    """A variable of uniformly distributed random values

    Args:
        shape: The shape of the variable, e.g. `c(2, 3)`.
        low: The lower bound of the values.
        high: Their upper bound (excluded).
        dtype: Data type; by default Keras's float type.
        name: Name of the variable (a string).
        seed: Integer seed for the random operations (reproducible results).
    """
    dtype = dtype or keras.config.floatx()
    value = keras.random.uniform(A.as_shape(shape), minval=float(A.scalar(low)),
                                 maxval=float(A.scalar(high)), dtype=dtype,
                                 seed=A.as_integer(seed, "seed"))
    return keras.Variable(value, dtype=dtype, name=name)


def _repeat(x: Any, factors: list[Any], axes: list[int], names: list[str]) -> Any:
    for f, a, n in zip(factors, axes, names):
        x = ops.repeat(x, A.as_integer(A.scalar(f), n), axis=a)
    return x


def k_resize_images(x: Any, height_factor: Any, width_factor: Any,
                    data_format: str | None = None, interpolation: str = "nearest") -> Any:
    """Resize images by whole factors

    With "nearest" interpolation every row is repeated `height_factor` times and every
    column `width_factor` times.

    Args:
        x: A 4-D tensor or R array of images (samples, rows, cols, channels).
        height_factor: How many times larger the rows become (a whole number).
        width_factor: How many times larger the columns become (a whole number).
        data_format: "channels_last" (the default: channels are the last dimension) or
            "channels_first".
        interpolation: "nearest", "bilinear", "bicubic", "area", "lanczos3" or "lanczos5".
    """
    x = _as_tensor(x)
    rows, cols = _spatial_axes(x, 2, data_format, "k_resize_images")
    interpolation = str(A.scalar(interpolation))
    if interpolation == "nearest":
        return _repeat(x, [height_factor, width_factor], [rows, cols],
                       ["height_factor", "width_factor"])
    size = (x.shape[rows] * A.as_integer(A.scalar(height_factor), "height_factor"),
            x.shape[cols] * A.as_integer(A.scalar(width_factor), "width_factor"))
    return keras.ops.image.resize(x, size, interpolation=interpolation,
                                  data_format=_data_format(data_format))


def k_resize_volumes(x: Any, depth_factor: Any, height_factor: Any, width_factor: Any,
                     data_format: str | None = None) -> Any:
    """Resize volumes by whole factors, repeating their elements

    Args:
        x: A 5-D tensor or R array (samples, depth, rows, cols, channels).
        depth_factor: How many times each depth slice is repeated.
        height_factor: How many times each row is repeated.
        width_factor: How many times each column is repeated.
        data_format: "channels_last" (the default: channels are the last dimension) or
            "channels_first".
    """
    x = _as_tensor(x)
    return _repeat(x, [depth_factor, height_factor, width_factor],
                   _spatial_axes(x, 3, data_format, "k_resize_volumes"),
                   ["depth_factor", "height_factor", "width_factor"])


def _pad_pairs(padding: Any, n: int, fn: str) -> list[list[int]]:
    """`n` (before, after) pairs from R: `list(c(1, 1), c(2, 2))`, `list(list(1, 1), ...)`,
    an n x 2 matrix, or (for one dimension) `c(1, 1)`."""
    pairs: Any = None
    if isinstance(padding, np.ndarray) and padding.shape == (n, 2):
        pairs = padding.tolist()
    elif isinstance(padding, (list, tuple)) and len(padding) == n and n > 1:
        pairs = [A._as_list(p) for p in padding]
    elif n == 1:
        flat = A._as_list(padding)
        pairs = [flat] if flat is not None else None
    example = "c(1, 1)" if n == 1 else "list(" + ", ".join(["c(1, 1)"] * n) + ")"
    if pairs is None or any(p is None or len(p) != 2 for p in pairs):
        raise RkValueError(f"`padding` of {fn}() is {'a pair' if n == 1 else f'{n} pairs'} "
                           f"c(before, after), e.g. `padding = {example}`.")
    return [[A.as_integer(A.scalar(v), "padding") for v in p] for p in pairs]


def _pad_spatial(x: Any, padding: Any, n: int, data_format: Any, fn: str) -> Any:
    x = _as_tensor(x)
    axes = _spatial_axes(x, n, data_format, fn)
    pairs = _pad_pairs(padding, n, fn)
    width = [[0, 0] for _ in range(len(x.shape))]
    for a, pair in zip(axes, pairs):
        width[a] = pair
    return ops.pad(x, width)


def k_temporal_padding(x: Any, padding: Any = (1, 1)) -> Any:
    """Pad the middle dimension of a 3-D tensor with zeros

    Args:
        x: A 3-D tensor or R array (samples, steps, features).
        padding: How many zero steps to add before and after: `c(before, after)`.
    """
    x = _as_tensor(x)
    if len(x.shape) != 3:
        raise RkValueError(f"k_temporal_padding() takes a 3-D `x` (samples, steps, "
                           f"features); it has {len(x.shape)} dimensions.")
    return _pad_spatial(x, padding, 1, "channels_last", "k_temporal_padding")


def k_spatial_2d_padding(x: Any, padding: Any = ((1, 1), (1, 1)),
                         data_format: str | None = None) -> Any:
    """Pad the rows and columns of a 4-D tensor with zeros

    Args:
        x: A 4-D tensor or R array of images (samples, rows, cols, channels).
        padding: How many zero rows and columns to add: `list(c(top, bottom), c(left,
            right))` (or a 2 x 2 matrix, one row per dimension).
        data_format: "channels_last" (the default: channels are the last dimension) or
            "channels_first".
    """
    return _pad_spatial(x, padding, 2, data_format, "k_spatial_2d_padding")


def k_spatial_3d_padding(x: Any, padding: Any = ((1, 1), (1, 1), (1, 1)),
                         data_format: str | None = None) -> Any:
    """Pad the depth, rows and columns of a 5-D tensor with zeros

    Args:
        x: A 5-D tensor or R array (samples, depth, rows, cols, channels).
        padding: How many zeros to add before and after each of the 3 dimensions:
            `list(c(1, 1), c(1, 1), c(1, 1))` (or a 3 x 2 matrix, one row per dimension).
        data_format: "channels_last" (the default: channels are the last dimension) or
            "channels_first".
    """
    return _pad_spatial(x, padding, 3, data_format, "k_spatial_3d_padding")


# R's arithmetic, comparison and logic operators and Math functions on tensors (so that an R
# function given to layer_lambda() can write `x * 2`): R generic -> keras.ops function.
CUSTOM: dict[str, Callable[..., Any]] = {
    f.__name__: f for f in (k_constant, k_variable, k_get_value, k_set_value, k_int_shape,
                            k_dtype, k_batch_flatten, k_flatten, k_bias_add, k_pool2d,
                            k_count_params, k_update, k_update_add, k_update_sub,
                            k_cast_to_floatx, k_backend, k_batch_dot, k_batch_get_value,
                            k_batch_set_value, k_batch_normalization, k_conv2d_transpose,
                            k_conv3d_transpose,
                            k_ctc_label_dense_to_sparse, k_ctc_batch_cost, k_ctc_decode,
                            k_clip, k_arange, k_foldl, k_unstack, k_in_top_k, k_identity, k_repeat, k_foldr, k_map_fn,
                            k_get_variable_shape, k_is_sparse, k_to_dense, k_pool3d,
                            k_print_tensor, k_random_bernoulli, k_random_normal_variable,
                            k_random_uniform_variable, k_resize_images, k_resize_volumes,
                            k_temporal_padding, k_spatial_2d_padding, k_spatial_3d_padding)}
CUSTOM["k_eval"] = k_eval
# The keras 2.x R interface's k_random_binomial() was Keras 2's random_bernoulli (shape, p).
CUSTOM["k_random_binomial"] = k_random_bernoulli


def exported() -> dict[str, Callable[..., Any]]:
    out: dict[str, Callable[..., Any]] = {
        f"k_{r}": k_function(r, spec) for r, spec in K_OPS.items() if spec.target()}
    out.update(CUSTOM)
    return out
