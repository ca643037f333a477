"""R's group generics on tensors (`Ops`, `Math`, `Summary`, `Complex`) and R-style `[`
subsetting (keras3's `op_subset()`), for eager tensors, variables and symbolic tensors.

`R_GENERICS` is the declarative table: R function -> how Keras (or, for what `keras.ops`
lacks, TensorFlow) computes it. Results have R's values: `x %% y` takes the sign of `y`,
`round()` rounds half to even, and the cumulative functions run through the tensor in R's
column-major order of the array (`cumsum(x)` equals `cumsum(as.array(x))`).

Subsetting follows keras3's `op_subset()`: positive indices are 1-based, slices are
inclusive of their end, negative indices count from the end (`x[-1]` is the last element,
not R's "all but the first"), missing trailing indices take the whole axis (`x[1]` of a
matrix is its first row), `NULL` adds an axis and `..` stands for all unspecified axes.
Vectors of indices along several axes take the intersection, as R's `[` does. A logical
array of the shape of `x`, or a matrix of coordinates with one column per axis, selects
elements in R's column-major order (keras3 uses row order for the former).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

from . import args as A
from .._keras import keras, ops, tf
from .backend import _tensor
from ..errors import RkTypeError, RkValueError
from ..keras_internals import compute_output_spec


def _is_symbolic(x: Any) -> bool:
    return isinstance(x, keras.KerasTensor)


class _TFOp(keras.Operation):
    """A TensorFlow function as a Keras operation, so that it also applies to symbolic
    tensors (functional models): its output is traced from the function itself."""

    def __init__(self, fn: Callable[..., Any], name: str) -> None:
        super().__init__(name=name)
        self.fn = fn

    def call(self, *args: Any) -> Any:
        return self.fn(*args)

    def compute_output_spec(self, *args: Any) -> Any:
        return compute_output_spec(self.fn, *args)


def _tf(fn: Callable[..., Any], name: str) -> Callable[..., Any]:
    def apply(x: Any, **kwargs: Any) -> Any:
        if _is_symbolic(x):
            return _TFOp(lambda t: fn(t, **kwargs), name)(x)
        return fn(x, **kwargs)
    return apply


def _dtype(x: Any) -> str:
    return keras.backend.standardize_dtype(x.dtype)


def _float(x: Any) -> Any:
    x = ops.convert_to_tensor(x)
    return x if "float" in _dtype(x) or "complex" in _dtype(x) else \
        ops.cast(x, keras.config.floatx())


def r_vector(x: Any) -> Any:
    """The elements of `x` as a 1-D tensor in R's column-major order (as.vector(x))."""
    x = ops.convert_to_tensor(x)
    return ops.reshape(ops.transpose(x) if len(x.shape) > 1 else x, [-1])


def _gamma(x: Any) -> Any:
    x = _float(x)
    sign = tf.where((x < 0) & (tf.math.floormod(tf.math.ceil(-x), 2.0) == 1.0),
                    tf.constant(-1.0, x.dtype), tf.constant(1.0, x.dtype))
    pole = (x <= 0) & (tf.math.floor(x) == x)  # R: NaN at 0, -1, -2, ...
    return tf.where(pole, tf.constant(np.nan, x.dtype), sign * tf.exp(tf.math.lgamma(x)))


def _signif(x: Any, digits: Any = 6) -> Any:
    digits = max(1, A.as_integer(digits, "digits"))
    x = _float(x)
    ax = ops.abs(x)
    nonzero = ops.greater(ax, 0)
    mag = ops.floor(ops.log10(ops.where(nonzero, ax, ops.ones_like(ax))))
    scale = ops.power(ops.cast(10.0, x.dtype), ops.subtract(digits - 1, mag))
    return ops.where(nonzero, ops.divide(ops.round(ops.multiply(x, scale)), scale), x)


def _round(x: Any, digits: Any = 0) -> Any:
    return ops.round(x, decimals=A.as_integer(digits, "digits"))


def _log(x: Any, base: Any = None) -> Any:
    if base is None:
        return ops.log(x)
    x = _float(x)
    if ops.is_tensor(base) or isinstance(base, keras.KerasTensor):
        # a tensor base (symbolic too): log(x) / log(base), in x's float type
        return ops.divide(ops.log(x), ops.log(ops.cast(base, x.dtype)))
    return ops.divide(ops.log(x), math.log(float(A.scalar(base))))


def _pi_times(f: Callable[[Any], Any]) -> Callable[[Any], Any]:
    return lambda x: f(ops.multiply(_float(x), np.pi))


def _cumulative(f: Callable[[Any], Any]) -> Callable[[Any], Any]:
    return lambda x: f(r_vector(x))


def _scan(fn: Callable[[Any, Any], Any]) -> Callable[[Any], Any]:
    return lambda v: tf.scan(fn, v)


def _arg(x: Any) -> Any:
    x = ops.convert_to_tensor(x)
    if "complex" in _dtype(x):
        return ops.angle(x)
    x = _float(x)
    return ops.where(ops.less(x, 0), ops.full_like(x, np.pi), ops.zeros_like(x))


@dataclass(frozen=True)
class RGeneric:
    """How one R function (a member of R's Ops/Math/Complex groups) computes on tensors.
    `fn` takes the tensor(s) and the R function's extra arguments (`digits`, `base`)."""
    fn: Callable[..., Any]
    unary: bool = True


def _ops(name: str, unary: bool = True) -> RGeneric:
    return RGeneric(getattr(ops, name), unary)


R_GENERICS: dict[str, RGeneric] = {
    # Ops: arithmetic, comparison, logic
    **{op: _ops(k, unary=False) for op, k in {
        "+": "add", "-": "subtract", "*": "multiply", "/": "divide", "^": "power",
        "%%": "mod", "%/%": "floor_divide", "==": "equal", "!=": "not_equal", "<": "less",
        "<=": "less_equal", ">": "greater", ">=": "greater_equal"}.items()},
    "&": RGeneric(lambda a, b: ops.logical_and(ops.cast(a, "bool"), ops.cast(b, "bool")),
                  unary=False),
    "|": RGeneric(lambda a, b: ops.logical_or(ops.cast(a, "bool"), ops.cast(b, "bool")),
                  unary=False),
    "!": RGeneric(lambda a: ops.logical_not(ops.cast(a, "bool"))),
    "unary+": RGeneric(lambda a: a),
    "unary-": _ops("negative"),
    # Math: element-wise
    **{n: _ops(n) for n in ("abs", "sign", "sqrt", "floor", "trunc", "exp", "expm1",
                            "log1p", "log2", "log10", "cos", "sin", "tan", "cosh", "sinh",
                            "tanh")},
    "ceiling": _ops("ceil"),
    "acos": _ops("arccos"), "asin": _ops("arcsin"), "atan": _ops("arctan"),
    "acosh": _ops("arccosh"), "asinh": _ops("arcsinh"), "atanh": _ops("arctanh"),
    "round": RGeneric(_round),
    "signif": RGeneric(_signif),
    "log": RGeneric(_log),
    "cospi": RGeneric(_pi_times(ops.cos)),
    "sinpi": RGeneric(_pi_times(ops.sin)),
    "tanpi": RGeneric(_pi_times(ops.tan)),
    "lgamma": RGeneric(_tf(lambda x: tf.math.lgamma(_float(x)), "lgamma")),
    "gamma": RGeneric(_tf(_gamma, "gamma")),
    "digamma": RGeneric(_tf(lambda x: tf.math.digamma(_float(x)), "digamma")),
    "trigamma": RGeneric(_tf(lambda x: tf.math.polygamma(tf.constant(1.0, _float(x).dtype),
                                                          _float(x)), "trigamma")),
    # Math: cumulative, over the elements in R's order (a 1-D result, as in R)
    "cumsum": RGeneric(_cumulative(ops.cumsum)),
    "cumprod": RGeneric(_cumulative(ops.cumprod)),
    "cummax": RGeneric(_tf(_cumulative(_scan(tf.maximum)), "cummax")),
    "cummin": RGeneric(_tf(_cumulative(_scan(tf.minimum)), "cummin")),
    # Complex
    "Re": _ops("real"), "Im": _ops("imag"), "Mod": _ops("abs"), "Conj": _ops("conj"),
    "Arg": RGeneric(_arg),
}


def tensor_op(op: str, e1: Any, e2: Any = None, digits: Any = None, base: Any = None) -> Any:
    """R's operator or Math/Complex function `op` on tensors (unary when `e2` is None;
    `digits` for round()/signif(), `base` for log())."""
    unary = e2 is None
    spec = R_GENERICS.get(f"unary{op}" if unary and op in ("+", "-") else op)
    if spec is None or spec.unary != unary:
        raise RkTypeError(f"`{op}` is not available for tensors; see the op_*() functions.")
    extra = {k: v for k, v in (("digits", digits), ("base", base)) if v is not None}
    if unary:
        return spec.fn(_tensor(e1), **extra)
    return spec.fn(_tensor(e1), _tensor(e2))


def _reduce(op: str, x: Any) -> Any:
    x = ops.convert_to_tensor(_tensor(x))
    if op in ("all", "any"):
        return getattr(ops, op)(ops.cast(x, "bool"))
    if _dtype(x) == "bool":
        x = ops.cast(x, "int32")  # R counts TRUE as 1
    return getattr(ops, op)(x)


def tensor_summary(*xs: Any, op: str) -> Any:
    """R's Summary group (`max`, `min`, `sum`, `prod`, `range`, `all`, `any`) over all the
    elements of all the arguments: a scalar tensor (`range()`: minimum and maximum)."""
    if op == "range":
        return ops.stack([tensor_summary(*xs, op="min"), tensor_summary(*xs, op="max")])
    if op not in ("max", "min", "sum", "prod", "all", "any"):
        raise RkTypeError(f"`{op}` is not available for tensors; see the op_*() functions.")
    parts = [_reduce(op, x) for x in xs]
    if len(parts) == 1:
        return parts[0]
    if op not in ("all", "any"):
        dtype = keras.backend.result_type(*[p.dtype for p in parts])
        parts = [ops.cast(p, dtype) for p in parts]
    return _reduce(op, ops.stack(parts))


def tensor_statistic(x: Any, op: str) -> Any:
    """R's `mean()` or `median()` of a tensor: over all its elements, a scalar tensor
    (a float one, as R's value is a double for integers and logicals too)."""
    if op not in ("mean", "median"):
        raise RkTypeError(f"`{op}` is not available for tensors; see the op_*() functions.")
    x = ops.convert_to_tensor(_tensor(x))
    if not _dtype(x).startswith(("float", "bfloat", "complex")):
        x = ops.cast(x, keras.config.floatx())
    return getattr(ops, op)(x)


def tensor_t(x: Any) -> Any:
    """R's `t()`: a 2-D tensor transposed; a 1-D one as a one-row matrix, as R's `t()` of a
    vector."""
    x = ops.convert_to_tensor(_tensor(x))
    if len(x.shape) == 1:
        return ops.reshape(x, (1, -1))
    if len(x.shape) != 2:
        raise RkValueError(f"t() needs a matrix (a tensor of 1 or 2 axes); this one has "
                           f"{len(x.shape)} axes: use op_transpose(x, axes).")
    return ops.transpose(x)


# -- subsetting ------------------------------------------------------------------------

ALL = "all"  # an index left empty (`x[, 1]`): the whole axis
DOTS = ".."  # `..`: all the axes not otherwise indexed


@dataclass(frozen=True)
class RSlice:
    """`start:end` with 1-based, inclusive ends (negative from the end, None open)."""
    start: int | None = None
    end: int | None = None
    step: int | None = None


def _int(v: Any, what: str) -> int:
    return A.as_integer(v, what)


def _position(i: int, size: int | None, axis: int) -> int:
    """A 1-based index (negative from the end) -> 0-based, checked against `size`."""
    return A.zero_based(i, A.POSITION, size=size, error=lambda i: RkValueError(
        f"Index 0 on axis {axis}: indices are 1-based (1 is the first element, -1 the last)."
        if i == 0 else f"Index {i} is out of bounds on axis {axis}, of size {size}."))


def _to_slice(s: RSlice, size: int | None, axis: int) -> slice:
    step = 1 if s.step is None else s.step
    if step == 0:
        raise RkValueError("A slice's step cannot be 0.")
    start = None if s.start is None else _position(s.start, size, axis)
    end = None if s.end is None else _position(s.end, size, axis)
    if end is not None:
        end = end + (1 if step > 0 else -1)
        if end < 0:
            end = None
    return slice(start, end, step)


def _as_slice(v: np.ndarray) -> RSlice | None:
    """A vector of indices with one step, all on one side of 0 (1:3, c(5, 3, 1))."""
    if v.size < 2:
        return None
    steps = np.diff(v)
    if not np.all(steps == steps[0]) or steps[0] == 0 or (v[0] > 0) != (v[-1] > 0):
        return None
    return RSlice(int(v[0]), int(v[-1]), int(steps[0]))


def _index_array(v: Any, name: str) -> np.ndarray:
    arr = np.asarray(v)
    if arr.dtype.kind == "f":
        if not np.all(np.isfinite(arr) & (arr == np.round(arr))):
            raise RkValueError(f"{name} must hold whole numbers.")
        arr = arr.astype(np.int64)
    return arr


def _key_item(v: Any) -> Any:
    """One R index, as given: ALL, DOTS, None (a new axis), RSlice, an int, a 1-D array of
    ints or logicals, or a tensor."""
    if v is None or v is Ellipsis:
        return DOTS if v is Ellipsis else None
    if isinstance(v, str):
        if v in (ALL, DOTS):
            return v
        raise RkTypeError(f"Cannot subset a tensor with the string \"{v}\".")
    if isinstance(v, slice):
        return RSlice(*(None if p is None else _int(p, "a slice end")
                        for p in (v.start, v.stop, v.step)))
    if isinstance(v, dict) and "slice" in v:
        return RSlice(*(None if v.get(k) is None else _int(v[k], "a slice end")
                        for k in ("start", "end", "step")))
    if isinstance(v, (bool, np.bool_)):
        return np.asarray([bool(v)])
    if isinstance(v, (int, float, np.integer, np.floating)):
        return _int(v, "An index")
    if isinstance(v, (list, tuple)):
        v = np.asarray(v)
    if isinstance(v, np.ndarray):
        return v if v.dtype == bool else _index_array(v, "Indices")
    if tf.is_tensor(v) or _is_symbolic(v) or isinstance(v, keras.Variable):
        return ops.convert_to_tensor(v)
    raise RkTypeError(f"Cannot subset a tensor with a {type(v).__name__}.")


def _whole_selection(x: Any, item: Any) -> Any:
    """A single index that selects elements rather than an axis: a logical array of x's
    shape, or a matrix of coordinates (one column per axis). Their R order, or None."""
    rank = len(x.shape)
    if rank < 2:
        return None
    if not isinstance(item, np.ndarray) and hasattr(item, "dtype") and \
            _dtype(item) == "bool" and tuple(item.shape) == tuple(x.shape):
        return tf.boolean_mask(r_vector(x), r_vector(item))
    if not isinstance(item, np.ndarray):
        return None
    if item.dtype == bool and tuple(item.shape) == tuple(x.shape):
        return ops.take(r_vector(x), np.flatnonzero(item.reshape(-1, order="F")))
    if item.dtype != bool and item.ndim == 2 and item.shape[1] == rank:
        shape = x.shape
        if any(s is None for s in shape):
            raise RkValueError("A matrix of coordinates needs a tensor of known shape.")
        cols = [np.array([_position(int(i), shape[k], k + 1) for i in item[:, k]])
                for k in range(rank)]
        flat = np.ravel_multi_index(cols, tuple(shape))
        return ops.take(ops.reshape(x, [-1]), flat)
    return None


def subset_key(x: Any, index: tuple[Any, ...]) -> tuple[tuple[Any, ...], list[tuple[int, Any]]]:
    """The basic (NumPy) key for `x` and the index arrays to take afterwards, as
    (result axis, 0-based positions), from R's indices."""
    items = [_key_item(v) for v in index]
    if sum(1 for i in items if isinstance(i, str) and i == DOTS) > 1:
        raise RkValueError("`..` can appear once in a subset.")
    rank = len(x.shape)
    used = sum(1 for i in items if i is not None and not (isinstance(i, str) and i == DOTS))
    if used > rank:
        raise RkValueError(f"{used} indices for a tensor with {rank} axes.")
    if not any(isinstance(i, str) and i == DOTS for i in items):
        items = items + [ALL] * (rank - used)
    else:
        k = next(n for n, i in enumerate(items) if isinstance(i, str) and i == DOTS)
        items = items[:k] + [ALL] * (rank - used) + items[k + 1:]
    key: list[Any] = []
    takes: list[tuple[int, Any]] = []
    axis = 0  # of x
    out_axis = 0  # of the basic result
    for item in items:
        if item is None:
            key.append(None)
            out_axis += 1
            continue
        size = x.shape[axis]
        label = axis + 1
        if isinstance(item, str):  # ALL
            key.append(slice(None))
        elif isinstance(item, RSlice):
            key.append(_to_slice(item, size, label))
        elif isinstance(item, int):
            key.append(_position(item, size, label))
            out_axis -= 1
        elif isinstance(item, np.ndarray):
            if item.ndim != 1:
                raise RkValueError(f"The index for axis {label} must be a vector.")
            if item.dtype == bool:
                if size is not None and item.size not in (1, size):
                    raise RkValueError(f"A logical index of length {item.size} for axis "
                                       f"{label}, of size {size}.")
                mask = np.resize(item, size) if size is not None else item
                pos = np.flatnonzero(mask)
            else:
                as_slice = _as_slice(item)
                if as_slice is not None:
                    key.append(_to_slice(as_slice, size, label))
                    axis += 1
                    out_axis += 1
                    continue
                if item.size == 0:
                    raise RkValueError(f"An empty index for axis {label}.")
                pos = np.array([_position(int(i), size, label) for i in item], np.int64)
            key.append(slice(None))
            takes.append((out_axis, pos))
        else:  # a tensor of 1-based positions (or logicals)
            t = item
            if _dtype(t) == "bool":
                t = ops.reshape(ops.nonzero(t)[0], [-1])
                key.append(slice(None))
                takes.append((out_axis, t))
            else:
                t = A.zero_based_array(ops.cast(t, "int32"), A.POSITION, size)
                if len(t.shape) == 0:
                    key.append(t)
                    out_axis -= 1
                else:
                    key.append(slice(None))
                    takes.append((out_axis, t))
        axis += 1
        out_axis += 1
    return tuple(key), takes


def op_subset(x: Any, *index: Any) -> Any:
    """Subset a tensor with R's `[` rules (1-based, inclusive slices, negative from the
    end; keras3's op_subset()).

    Args:
        x: A tensor (or variable).
        index: One index per axis: a number, a vector of numbers or logicals, `NULL` (a new
            axis), `..` (all other axes), or left empty (the whole axis). A single logical
            array of x's shape, or a matrix of coordinates, selects elements.
    """
    x = _tensor(x)
    if isinstance(x, keras.Variable):
        x = x.value
    if len(index) == 1:
        whole = _whole_selection(x, _key_item(index[0]))
        if whole is not None:
            return whole
    key, takes = subset_key(x, index)
    out = x[key] if any(k != slice(None) for k in key) else x
    for axis, pos in takes:
        out = ops.take(out, pos, axis=axis)
    return out


def op_subset_set(x: Any, *index: Any, value: Any) -> Any:
    """Replace a subset of a tensor (R's `x[...] <- value`, keras3's op_subset_set()).

    A variable is changed in place and returned; a tensor gives a new tensor.

    Args:
        x: A tensor or variable.
        index: As for op_subset().
        value: The new values, broadcast to the subset's shape.
    """
    x = _tensor(x)
    current = x.value if isinstance(x, keras.Variable) else ops.convert_to_tensor(x)
    shape = tuple(current.shape)
    if any(s is None for s in shape):
        raise RkValueError("op_subset_set() needs a tensor of known shape.")
    positions = ops.reshape(ops.arange(int(np.prod(shape)), dtype="int64"), shape)
    selected = r_vector(op_subset(positions, *index))  # R's order of the selection
    n = int(selected.shape[0])
    value = ops.convert_to_tensor(_tensor(value))
    if tuple(value.shape) == tuple(op_subset(positions, *index).shape):
        value = r_vector(value)
    elif len(value.shape) <= 1:  # R recycles a vector over the selection, in R's order
        size = int(np.prod(value.shape))
        if size == 0 or n % size:
            raise RkValueError(f"{size} values to replace {n} elements: the number of "
                               "elements must be a multiple of the number of values.")
        value = ops.tile(ops.reshape(value, [-1]), [n // size])
    else:
        value = r_vector(ops.broadcast_to(value, op_subset(positions, *index).shape))
    flat = ops.scatter_update(ops.reshape(current, [-1]), ops.reshape(selected, [-1, 1]),
                              ops.cast(value, current.dtype))
    new = ops.reshape(flat, shape)
    if isinstance(x, keras.Variable):
        x.assign(new)
        return x
    return new


EXPORTS: dict[str, Callable[..., Any]] = {
    "tensor_op": tensor_op,
    "tensor_summary": tensor_summary,
    "tensor_statistic": tensor_statistic,
    "tensor_t": tensor_t,
    "op_subset": op_subset,
    "op_subset_set": op_subset_set,
}
