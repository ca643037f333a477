"""What keras 2.x R scripts used from reticulate and the tensorflow R package, and the
keras 2.x switches between Keras implementations and backends.

`tuple()`, `np_array()` and `as_tensor()` build Python values from R values that reached
the engine through the transport (so they work where reticulate 1.28 cannot convert NumPy 2
arrays). `is_keras_available()`, `backend()` and `implementation()` describe the engine;
`use_implementation()` and `use_backend()` accept the names that mean what rkbridge runs
(Keras on TensorFlow) and refuse any other with an error, rather than silently running
something else. `EXPORTS` is the table the API takes them from.
"""
from __future__ import annotations

import builtins
import re
from typing import Any, Callable

import numpy as np

from . import args as A
from .._keras import keras, tf
from ..callables import is_r_function
from ..values import owned
from ..errors import RkTypeError, RkValueError, r_dims

# What rkbridge runs, by the names keras 2.x scripts pass to use_implementation() and
# use_backend(); anything else is refused.
IMPLEMENTATIONS = ("keras", "tensorflow")
BACKENDS = ("tensorflow",)
_RUNS = "rkbridge runs Keras 3 on TensorFlow only"


def _version(v: Any, name: str) -> tuple[int, ...]:
    """A version as numbers: "2.13.0" -> (2, 13, 0); "3.5.0.dev1" compares as (3, 5, 0)."""
    text = str(A.scalar(v)).strip()
    m = re.match(r"^(\d+(?:\.\d+)*)", text)
    if not m:
        raise RkValueError(f"`{name}` must be a version such as \"2.13\" or \"3.0.0\", not "
                           f"\"{text}\".")
    return tuple(int(p) for p in m.group(1).split("."))


def _at_least(have: tuple[int, ...], want: tuple[int, ...]) -> bool:
    n = max(len(have), len(want))
    return have + (0,) * (n - len(have)) >= want + (0,) * (n - len(want))


def is_keras_available(version: Any = None) -> bool:
    """Whether Keras is available, optionally in at least version `version`.

    Args:
        version: `NULL`, or the minimum Keras version, e.g. `"2.0.9"`.

    Returns:
        `TRUE` or `FALSE`.
    """
    if version is None:
        return True
    return _at_least(_version(keras.__version__, "keras version"), _version(version, "version"))


def backend() -> Any:
    """The Keras backend module (`keras.backend`)."""
    return keras.backend


def implementation() -> Any:
    """The Python module that implements Keras (`keras`)."""
    return keras


def _choice(value: Any, name: str, accepted: tuple[str, ...], what: str) -> str:
    v = A.scalar(value)
    if not isinstance(v, str):
        raise RkTypeError(f"`{name}` must be a string such as \"tensorflow\".")
    if v.lower() not in accepted:
        raise RkValueError(
            f"{what} \"{v}\" is not available: {_RUNS} (accepted: "
            + ", ".join(f'"{a}"' for a in accepted) + ").")
    return v.lower()


def use_implementation(implementation: Any = "keras") -> None:
    """Choose the Keras implementation: "keras" or "tensorflow", which are both the Keras
    that rkbridge runs. Any other name is an error."""
    _choice(implementation, "implementation", IMPLEMENTATIONS, "The Keras implementation")


def use_backend(backend: Any = "tensorflow", gpu: Any = None) -> None:
    """Choose the Keras backend: "tensorflow" (also "keras") is what rkbridge runs; another
    backend ("cntk", "theano", "plaidml", "jax", "torch") is an error. `gpu` (keras3's
    choice of packages to install) changes nothing: the engine is installed already."""
    _choice(backend, "backend", BACKENDS + ("keras",), "The Keras backend")


def tuple_(*values: Any) -> tuple:
    """A Python tuple of the values (arrays borrowed from R are copied: the tuple is kept)."""
    return builtins.tuple(owned(v) for v in values)


def _numpy_dtype(dtype: Any) -> Any:
    dtype = A.scalar(dtype)
    if hasattr(dtype, "as_numpy_dtype"):  # a TensorFlow dtype
        return np.dtype(dtype.as_numpy_dtype)
    try:
        return np.dtype(dtype)
    except TypeError as e:
        raise RkTypeError(f"`dtype` must be a NumPy data type such as \"float32\": {e}") \
            from None


def np_array(data: Any, dtype: Any = None, order: Any = "C") -> np.ndarray:
    """A NumPy array (a copy) with the data's values and R's index meaning: `x[i, j]` in R
    is element `[i-1, j-1]`. `order` is the memory layout ("C": row-major, "F":
    column-major), which does not change the values."""
    order = str(A.scalar(order)).upper()
    if order not in ("C", "F", "A", "K"):
        raise RkValueError(f"`order` must be \"C\" or \"F\", not \"{order}\".")
    arr = np.asarray(data)
    return np.array(arr, dtype=arr.dtype if dtype is None else _numpy_dtype(dtype),
                    order=order, copy=True)


def _r_scalar(x: Any) -> Any:
    """An R scalar as it reaches the engine (R doubles are floats, integers ints) -> a
    0-d array of R's type: double float64, integer int32, logical bool."""
    if isinstance(x, bool):
        return np.asarray(x)
    if isinstance(x, int):
        return np.asarray(x, dtype=np.int32 if -2**31 < x < 2**31 else np.int64)
    if isinstance(x, float):
        return np.asarray(x, dtype=np.float64)
    return x


def as_tensor(x: Any, dtype: Any = None, shape: Any = None, name: Any = None) -> Any:
    """Convert to a TensorFlow tensor, as the tensorflow R package's `as_tensor()`.

    R doubles become float64, integers int32 and logicals bool, unless `dtype` is given:
    then numbers are converted with saturation (doubles to an integer type are truncated
    toward zero; NaN is an error). `shape` reshapes in row-major (C) order, as
    `array_reshape()`; one size may be `NA` or -1; a scalar is repeated to fill a fully
    known shape.

    Args:
        x: An R vector, array or list, or a tensor.
        dtype: The data type, e.g. `"int32"` or `tf$float32`.
        shape: The shape, e.g. `c(2, 3)`.
        name: Name of the operation.

    Returns:
        A tensor.
    """
    x = _r_scalar(x)
    want = None
    if shape is not None:
        dims = A.as_shape(shape, "shape") if not tf.is_tensor(shape) else None
        want = shape if dims is None else [-1 if d is None else d for d in dims]
        if isinstance(x, np.ndarray) and x.ndim > 0:
            if dims is not None and list(x.shape) == list(want):
                want = None
            elif dims is not None:
                try:
                    x = np.reshape(x, want, order="C")
                except ValueError:
                    raise RkValueError(f"`x` has {x.size} elements, which cannot be reshaped "
                                       f"to shape = c({', '.join(str(d) for d in want)}).") \
                        from None
                want = None
    t = tf.convert_to_tensor(x, name=name) if not tf.is_tensor(x) else x
    if dtype is not None:
        target = tf.as_dtype(A.scalar(dtype))
        numeric = (t.dtype.is_floating or t.dtype.is_integer) and \
            (target.is_floating or target.is_integer)
        if t.dtype.is_floating and target.is_integer and bool(tf.reduce_any(tf.math.is_nan(t))):
            raise RkValueError(f"`x` has NA or NaN values, which the integer dtype "
                               f"\"{target.name}\" cannot hold.")
        t = tf.dtypes.saturate_cast(t, target, name=name) if numeric else \
            tf.cast(t, target, name=name)
    if want is not None:
        known = not tf.is_tensor(want) and all(d >= 0 for d in want)
        if t.shape.rank == 0 and (tf.is_tensor(want) or known):
            t = tf.fill(want, t, name=name)
        else:
            t = tf.reshape(t, want, name=name)
    return t


# ---- tf_function() and R control flow on tensors ----------------------------------------
# The tensorflow R package's tf_function() traces an R function into a TensorFlow graph;
# its `autograph` lets R `if`, `for` and `while` take tensor conditions and sequences. The R
# side (R/tf-function.R) rewrites those statements so that, on a graph tensor, they call the
# three functions below with R functions for the branches and loop bodies; each R function
# gives back the values of the R variables that the statement assigns and that live on after
# it ("carried" values), which become the graph's outputs and are assigned back in R.

def tf_function(f: Any, input_signature: Any = None, autograph: Any = True,
                jit_compile: Any = None, reduce_retracing: Any = False,
                **kwargs: Any) -> Any:
    """`f` as a TensorFlow graph function (`tf.function`): traced once per input signature.

    Args:
        f: The function (an R function: R/tf-function.R has already applied its autograph).
        input_signature: `NULL`, or a list of `tf$TensorSpec()`: one trace for all inputs.
        autograph: Whether Python control flow of a Python `f` is converted.
        jit_compile: Compile with XLA (`TRUE`/`FALSE`; `NULL`: TensorFlow's default).
        reduce_retracing: Generalise shapes to trace less often.

    Returns:
        A callable TensorFlow `Function`.
    """
    if not callable(f):
        raise RkTypeError("`f` must be a function.")
    if input_signature is not None and not isinstance(input_signature, (list, builtins.tuple)):
        input_signature = [input_signature]
    # An R function's control flow is R's: Python's autograph would only convert the
    # wrapper around it.
    auto = bool(A.scalar(autograph)) and not is_r_function(f)
    return tf.function(f, input_signature=input_signature, autograph=auto,
                       jit_compile=None if jit_compile is None else bool(A.scalar(jit_compile)),
                       reduce_retracing=bool(A.scalar(reduce_retracing)), **kwargs)


def _condition(pred: Any) -> Any:
    """An R condition as a scalar boolean tensor (numbers: nonzero is TRUE, as R's `if`)."""
    pred = tf.convert_to_tensor(pred)
    if pred.shape.rank is not None and pred.shape.num_elements() not in (None, 1):
        raise RkValueError(f"the condition has length > 1 (a tensor of shape "
                           f"{r_dims(pred.shape)}): reduce it, e.g. with tf$reduce_all().")
    if pred.dtype != tf.bool:
        pred = tf.not_equal(pred, tf.zeros([], pred.dtype))
    return tf.reshape(pred, [])


def _like(value: Any, ref: Any) -> Any:
    """`value` as a tensor of `ref`'s dtype when it is a plain R number (an R double that
    meets a float32 tensor takes the tensor's type, as in R's arithmetic on tensors)."""
    if tf.is_tensor(value) or ref is None:
        return tf.convert_to_tensor(value) if not tf.is_tensor(value) else value
    return tf.convert_to_tensor(value, dtype=ref.dtype)


def autograph_cond(pred: Any, true_fn: Callable[[], Any], false_fn: Callable[[], Any],
                   has_value: Any = True) -> list:
    """R's `if` on a graph tensor: tf.cond of two R branches, each giving back
    `list(value, list(carried values))`. Returns `[value or None, [carried values]]`."""
    want_value = bool(A.scalar(has_value))
    first: dict[str, Any] = {}

    def branch(fn: Callable[[], Any], which: str) -> Any:
        def run() -> Any:
            value, carried = fn()
            carried = list(carried or [])
            gives = want_value and value is not None
            if not first:
                first.update(gives=gives, carried=[tf.convert_to_tensor(c) for c in carried])
                first["value"] = tf.convert_to_tensor(value) if gives else None
                return [first["value"] if gives else tf.constant(False), first["carried"]]
            if gives != first["gives"]:
                raise RkValueError("`if` on a tensor: one branch gives a value and the other "
                                   "NULL; give both branches a value (or use neither's).")
            out = [_like(c, r) for c, r in zip(carried, first["carried"])]
            return [_like(value, first["value"]) if gives else tf.constant(False), out]
        return run

    value, carried = tf.cond(_condition(pred), branch(true_fn, "true"),
                             branch(false_fn, "false"))
    return [value if first.get("gives") else None, list(carried)]


def _carry(out: Any, init: list) -> list:
    out = list(out or [])
    return [tf.cast(_like(o, i), i.dtype) if _like(o, i).dtype != i.dtype else _like(o, i)
            for o, i in zip(out, init)]


def autograph_for(seq: Any, body_fn: Callable[[Any, list], Any], init: Any) -> list:
    """R's `for` over a graph tensor (its first axis) or a tf.data dataset: the R body
    `body_fn(element, carried)` gives back the carried values' new values."""
    init = [tf.convert_to_tensor(v) for v in (init or [])]
    if isinstance(seq, tf.data.Dataset):
        out = seq.reduce(builtins.tuple(init),
                         lambda state, elem: builtins.tuple(_carry(body_fn(elem, list(state)),
                                                                   init)))
        return list(out)
    seq = tf.convert_to_tensor(seq)
    n = tf.shape(seq, out_type=tf.int32)[0]

    def step(i: Any, *state: Any) -> Any:
        return (i + 1, *_carry(body_fn(tf.gather(seq, i), list(state)), init))
    out = tf.while_loop(lambda i, *state: i < n, step, (tf.constant(0), *init))
    return list(out[1:])


def autograph_while(cond_fn: Callable[[list], Any], body_fn: Callable[[list], Any],
                    init: Any) -> list:
    """R's `while` with a graph tensor condition: `cond_fn(carried)` and
    `body_fn(carried)` (the new carried values) are R functions."""
    init = [tf.convert_to_tensor(v) for v in (init or [])]
    out = tf.while_loop(lambda *state: _condition(cond_fn(list(state))),
                        lambda *state: builtins.tuple(_carry(body_fn(list(state)), init)),
                        builtins.tuple(init))
    return list(out)


EXPORTS: dict[str, Callable[..., Any]] = {
    "is_keras_available": is_keras_available,
    "backend": backend,
    "implementation": implementation,
    "use_implementation": use_implementation,
    "use_backend": use_backend,
    "tuple": tuple_,
    "np_array": np_array,
    "as_tensor": as_tensor,
    "tf_function": tf_function,
    "autograph_cond": autograph_cond,
    "autograph_for": autograph_for,
    "autograph_while": autograph_while,
}
