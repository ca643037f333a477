"""Data utilities with the R interface's meaning: labels, custom metrics, shapes."""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from ..wrappers import args as A
from ..callables import is_r_function
from .._keras import keras, tf
from ..errors import RkValueError
from ..values import RFactor


def to_categorical(y: Any, num_classes: Any = None, dtype: str = "float32") -> np.ndarray:
    """One-hot encode class codes `0..num_classes-1` (a factor: its levels, in order, are the
    columns). An n x 1 matrix counts as a vector. Returns an n x num_classes matrix."""
    levels = None
    if isinstance(y, RFactor):
        levels = y.levels
        codes = np.asarray(y.codes, dtype=np.float64) - 1
        if np.isnan(codes).any():
            raise RkValueError("`y` has NA values: to_categorical() needs a class for every "
                               "sample.")
        y = codes
        if num_classes is None:
            num_classes = len(levels)
    arr = np.asarray(y)
    if arr.dtype.kind == "b":
        arr = arr.astype(np.int64)
    if arr.dtype.kind not in "iuf":
        raise RkValueError("`y` must hold numeric class codes 0..num_classes-1 (or be a "
                           "factor).")
    shape = arr.shape
    if arr.ndim >= 2 and shape[-1] == 1:
        shape = shape[:-1]
    flat = arr.reshape(-1, order="F") if arr.ndim > 1 else arr.reshape(-1)
    if flat.dtype.kind == "f":
        if np.isnan(flat).any():
            where = int(np.flatnonzero(np.isnan(flat))[0]) + 1
            raise RkValueError(f"`y` has NA values (first at position {where}): "
                               f"to_categorical() needs a class for every sample.")
        bad = flat != np.round(flat)
        if bad.any():
            where = int(np.flatnonzero(bad)[0])
            raise RkValueError(f"`y` must hold whole-number class codes: y[{where + 1}] is "
                               f"{flat[where]}.")
    codes = flat.astype(np.int64)
    if codes.size and codes.min() < 0:
        where = int(np.flatnonzero(codes < 0)[0])
        raise RkValueError(f"Class codes start at 0: y[{where + 1}] is {codes[where]}.")
    k = A.as_integer(num_classes, "num_classes")
    if k is None:
        k = int(codes.max()) + 1 if codes.size else 0
    if codes.size and codes.max() >= k:
        where = int(np.flatnonzero(codes >= k)[0])
        raise RkValueError(f"Class codes must be in 0..{k - 1} for num_classes = {k}: "
                           f"y[{where + 1}] is {codes[where]}.")
    out = np.zeros((codes.size, k), dtype=dtype)
    out[np.arange(codes.size), codes] = 1
    if arr.ndim > 1:
        out = out.reshape(tuple(shape) + (k,), order="F") if len(shape) > 1 else out
    return out


def custom_metric(name: str, metric_fn: Callable[..., Any]) -> Callable[..., Any]:
    """A metric `function(y_true, y_pred)` (in R, written with `k_*()` backend functions)
    that compile() accepts; `name` is its name in the history and evaluate()."""
    name = str(A.scalar(name))
    if is_r_function(metric_fn):  # what its value is, for errors about the value
        metric_fn._rk_state["value_of"] = f"the metric \"{name}\" (custom_metric())"

    def metric(y_true: Any, y_pred: Any) -> Any:
        value = metric_fn(y_true, y_pred)
        if isinstance(value, str):
            raise RkValueError(f"The metric \"{name}\" returned a string (\"{value[:40]}\"), "
                               f"not a number or tensor: compute it with k_*() functions.")
        return value

    metric.__name__ = metric.__qualname__ = name
    return metric


def shape_dims(*args: Any, dims: Any = None) -> list[Any]:
    """The sizes of a shape from R numbers (`shape(3, 3)`; NA or NULL is an unknown size,
    None), or of a tensor's shape (`shape(x)`): what R's `keras_shape` holds."""
    flat: list[Any] = []
    dims = args if dims is None else (dims if isinstance(dims, (list, tuple)) else [dims])
    if len(dims) == 1 and hasattr(dims[0], "shape") and not isinstance(dims[0], np.ndarray):
        # a tensor: in a traced function (a train_step()), a size unknown when tracing is a
        # scalar tensor holding it (keras.ops.shape()), as keras3's shape() gives
        return list(keras.ops.shape(dims[0]))
    for d in dims:
        if isinstance(d, (list, tuple, np.ndarray)):
            flat.extend(np.asarray(d, dtype=object).reshape(-1).tolist())
        else:
            flat.append(d)
    return list(A.as_shape(flat, "shape")) if flat else []



shape_dims.shape_args = ("dims",)  # type: ignore[attr-defined]  (NA: an unknown size)

def shape(*args: Any, dims: Any = None) -> Any:
    """A TensorShape from R numbers (`shape(3, 3)`); NA or NULL is an unknown size."""
    return tf.TensorShape(shape_dims(*args, dims=dims))


def as_numpy(x: Any) -> Any:
    """A tensor's value as an array (for R's as.array())."""
    if hasattr(x, "numpy"):
        return np.asarray(x.numpy())
    return keras.ops.convert_to_numpy(x)


def config_enable_unsafe_deserialization() -> None:
    """Allow loading models whose files hold code (Lambda layers with Python lambdas), for
    the rest of the session: only for files you trust."""
    keras.config.enable_unsafe_deserialization()
