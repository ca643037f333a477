"""The `k_*()` backend functions of the R interface to Keras 2, mapped to Keras 3 ops with
1-based axes. `K_OPS` is the declarative table: R name -> (keras.ops name, axis args)."""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from . import args as A
from ._keras import keras, ops
from .transport import owned

# R name (without k_) -> (keras.ops function, names of its arguments that are axes)
K_OPS: dict[str, tuple[str, tuple[str, ...]]] = {
    **{n: (n, ("axis",)) for n in ("mean", "sum", "max", "min", "prod", "std", "var",
                                   "all", "any", "argmax", "argmin", "cumsum", "cumprod",
                                   "logsumexp", "softmax", "log_softmax", "concatenate",
                                   "stack", "unstack", "squeeze", "expand_dims", "flip")},
    **{n: (n, ()) for n in ("abs", "exp", "log", "sqrt", "square", "sign", "round", "sin",
                            "cos", "tanh", "sigmoid", "relu", "elu", "softplus", "softsign",
                            "equal", "not_equal", "greater", "greater_equal", "less",
                            "less_equal", "maximum", "minimum", "pow", "dot", "transpose",
                            "reshape", "clip", "cast", "ones_like", "zeros_like", "floor",
                            "ceil", "tile", "repeat", "where", "eye", "ones", "zeros",
                            "arange", "matmul", "log1p", "expm1", "sort", "top_k",
                            "one_hot", "stop_gradient")},
    "batch_dot": ("dot", ()),
    "l2_normalize": ("normalize", ("axis",)),
    "binary_crossentropy": ("binary_crossentropy", ()),
    "categorical_crossentropy": ("categorical_crossentropy", ("axis",)),
    "sparse_categorical_crossentropy": ("sparse_categorical_crossentropy", ("axis",)),
    "gather": ("take", ("axis",)),
    "shape": ("shape", ()),
}


def _tensor(x: Any) -> Any:
    if isinstance(x, np.ndarray):
        return ops.convert_to_tensor(owned(x))
    return x


def k_function(r_name: str, op_name: str, axis_args: tuple[str, ...]) -> Callable[..., Any]:
    op = getattr(ops, op_name)

    def fn(*args: Any, **kwargs: Any) -> Any:
        for a in axis_args:
            if a in kwargs:
                kwargs[a] = A.as_axis(kwargs[a], a)
        kwargs = {k: (A.scalar(v) if isinstance(v, np.ndarray) and v.size == 1 else v)
                  for k, v in kwargs.items()}
        return op(*[_tensor(a) for a in args], **kwargs)

    fn.__name__ = fn.__qualname__ = f"k_{r_name}"
    fn.__doc__ = f"`keras.ops.{op_name}` with 1-based axes."
    return fn


def k_epsilon() -> float:
    return float(keras.config.epsilon())


def k_constant(value: Any, dtype: str | None = None, shape: Any = None,
               name: str | None = None) -> Any:
    t = ops.convert_to_tensor(np.array(value, copy=True), dtype=dtype)
    if shape is not None:
        t = ops.broadcast_to(t, A.as_shape(shape))
    return t


def k_floatx() -> str:
    return keras.config.floatx()


def k_clear_session() -> None:
    keras.backend.clear_session()


def exported() -> dict[str, Callable[..., Any]]:
    out: dict[str, Callable[..., Any]] = {
        f"k_{r}": k_function(r, op, axes) for r, (op, axes) in K_OPS.items()
        if hasattr(ops, op)}
    out.update(k_epsilon=k_epsilon, k_constant=k_constant, k_floatx=k_floatx,
               k_clear_session=k_clear_session)
    return out
