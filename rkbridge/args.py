"""Argument normalisation: the one home for how R-shaped arguments become Keras arguments.

Values arrive from R as Python scalars (R doubles are floats), NumPy views of R vectors, or
lists; from Python users as anything NumPy understands. Rules are declared by argument name
in `ARG_RULES` so every wrapper (layers, optimizers, ops) converts the same way.
"""
from __future__ import annotations

import math
import numbers
import warnings
from typing import Any, Callable, Mapping

import numpy as np

from .errors import RkValueError


class RkDeprecationWarning(FutureWarning):
    """A legacy argument name was translated; shown to R users as a message."""


def deprecated(old: str, new: str) -> None:
    warnings.warn(f"`{old}` is deprecated; use `{new}` instead.", RkDeprecationWarning,
                  stacklevel=3)


def removed(old: str, function: str, why: str = "") -> None:
    """A keras 2.x argument that Keras 3 dropped, accepted and ignored with a message."""
    warnings.warn(f"`{old}` of {function}() was removed in Keras 3 and is ignored"
                  f"{'; ' + why if why else ''}.", RkDeprecationWarning, stacklevel=3)


class _RNA:
    """R's scalar `NA` as it reaches the engine. reticulate would turn a logical NA into
    `True` (`units = NA` -> 1 unit), so R sends this marker instead (`to_py()`), and
    `resolve_na()` gives it its one meaning: an unknown size in a shape, an error elsewhere."""
    _instance: "_RNA | None" = None

    def __new__(cls) -> "_RNA":
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "NA"

    def __bool__(self) -> bool:
        raise RkValueError("NA where TRUE or FALSE is needed.")


NA = _RNA()


def _is_na(v: Any) -> bool:
    return v is None or v is NA or (isinstance(v, float) and math.isnan(v))


def scalar(v: Any) -> Any:
    """Unwrap 0-d and length-1 arrays/lists (an R scalar may come as either)."""
    if isinstance(v, np.ndarray):
        if v.size == 1:
            return v.reshape(()).item()
        return v
    if isinstance(v, np.generic):
        return v.item()
    if isinstance(v, (list, tuple)) and len(v) == 1 and not isinstance(v[0], (list, tuple)):
        return scalar(v[0])
    return v


def as_integer(v: Any, name: str = "value") -> Any:
    """R's integers arrive as doubles (`units = 32`): integral numbers become int."""
    v = scalar(v)
    if v is None or isinstance(v, bool) or not isinstance(v, numbers.Number):
        return v
    if isinstance(v, numbers.Integral):
        return int(v)
    if math.isfinite(v) and float(v).is_integer():
        return int(v)
    raise RkValueError(f"`{name}` must be a whole number, not {v}.")


def _as_list(v: Any) -> list | None:
    if isinstance(v, np.ndarray):
        return v.reshape(-1, order="F").tolist()
    if isinstance(v, (list, tuple)):
        return list(v)
    return None


def as_int_tuple(v: Any, name: str = "value") -> Any:
    """`kernel_size = c(3, 3)` -> (3, 3); a single number stays a number (Keras expands it)."""
    items = _as_list(v)
    if items is None:
        return as_integer(v, name)
    return tuple(as_integer(i, name) for i in items)


def as_shape(v: Any, name: str = "shape") -> Any:
    """A shape without the batch dimension: `c(20)`, `20`, `list(NULL, 3)`; NA/NULL is unknown."""
    if v is None:
        return None
    if hasattr(v, "as_list"):  # TensorShape
        return tuple(v.as_list())
    items = _as_list(v)
    if items is None:
        items = [v]
    return tuple(None if _is_na(i) else as_integer(i, name) for i in items)


def as_axis(v: Any, name: str = "axis") -> Any:
    """1-based axis (1 = batch axis, negative from the end) -> Keras's 0-based axis."""
    items = _as_list(v)
    if items is not None:
        return [as_axis(i, name) for i in items]
    v = as_integer(v, name)
    if v is None:
        return None
    if v == 0:
        raise RkValueError(f"`{name} = 0` is not an axis: axes are 1-based (1 is the batch "
                           f"axis, -1 the last).")
    return v - 1 if v > 0 else v


def as_int_list(v: Any, name: str = "value") -> Any:
    """A vector of whole numbers that Keras wants as a list even when it has one element
    (`target_class_ids = 0`, `boundaries = c(100)`)."""
    if v is None:
        return None
    items = _as_list(v)
    return [as_integer(i, name) for i in (items if items is not None else [v])]


def as_weight_list(v: Any, name: str = "value") -> Any:
    """Per-output weights: an R numeric vector (`loss_weights = c(1, 0.2)`) is a list of
    floats, one per output, in order; a named list (a dict) keeps its names."""
    if isinstance(v, (np.ndarray, np.generic)):
        return [float(i) for i in np.ravel(v, order="F")]
    if isinstance(v, (list, tuple)):
        return [float(scalar(i)) if isinstance(scalar(i), numbers.Real) else i for i in v]
    if isinstance(v, dict):
        return {k: float(scalar(i)) if isinstance(scalar(i), numbers.Real) else i
                for k, i in v.items()}
    return v


def as_float_list(v: Any, name: str = "value") -> Any:
    """A vector of numbers Keras wants as a Python list even with one element
    (`bin_boundaries = c(0, 1, 2)`): an array's truth value would be ambiguous there."""
    if v is None:
        return None
    if isinstance(v, (np.ndarray, np.generic)):
        return [float(i) for i in np.ravel(v, order="F")]
    if isinstance(v, (list, tuple)):
        return [float(scalar(i)) for i in v]
    if isinstance(v, numbers.Real) and not isinstance(v, bool):
        return [float(v)]
    return v


def _show(v: Any) -> str:
    """A value as R would print it in an error message."""
    if isinstance(v, str):
        return f'"{v}"'
    if isinstance(v, (bool, np.bool_)):
        return "TRUE" if v else "FALSE"
    if isinstance(v, numbers.Real):
        return f"{v:g}"
    if isinstance(v, (list, tuple, np.ndarray)):
        return f"a vector of length {np.size(v) if isinstance(v, np.ndarray) else len(v)}"
    return type(v).__name__


def _whole_at_least(v: Any, name: str, low: int, what: str) -> Any:
    v = scalar(v)
    if v is None:
        return None
    n = as_integer(v, name) if isinstance(v, numbers.Real) and not isinstance(v, bool) else v
    if not isinstance(n, int) or isinstance(n, bool) or n < low:
        raise RkValueError(f"`{name}` must be {what}, not {_show(v)}.")
    return n


def as_positive_integer(v: Any, name: str = "value") -> Any:
    """A count of at least 1 (`batch_size`, `steps`): 0, negatives and strings are errors."""
    return _whole_at_least(v, name, 1, "a positive whole number (or NULL for the default)")


def as_count(v: Any, name: str = "value") -> Any:
    """A count that may be 0 (`epochs = 0` trains nothing, `initial_epoch`)."""
    return _whole_at_least(v, name, 0, "a whole number >= 0")


def as_float(v: Any, name: str = "value") -> Any:
    v = scalar(v)
    if isinstance(v, numbers.Real) and not isinstance(v, bool):
        return float(v)
    return v


def as_fraction(v: Any, name: str = "rate") -> Any:
    """A dropout-style rate or `validation_split`: a number in [0, 1) (1 would leave
    nothing)."""
    v = as_float(v, name)
    if v is not None and not (isinstance(v, float) and 0.0 <= v < 1.0):
        raise RkValueError(f"`{name}` must be in [0, 1), not {_show(v)}.")
    return v


def as_class_weight(v: Any, name: str = "class_weight") -> dict[int, float] | None:
    """`list("0" = 1, "1" = 5)` (names: 0-based class codes, as to_categorical() takes) or
    an unnamed vector of weights for classes 0, 1, ... -> Keras's {class: weight}."""
    if v is None:
        return None
    if isinstance(v, dict):
        out = {}
        for k, w in v.items():
            try:
                code = float(k)
            except (TypeError, ValueError):
                code = -1.0
            if not code.is_integer() or code < 0:
                raise RkValueError(
                    f"`{name}` has an element named \"{k}\": names must be class codes "
                    f"0, 1, ... (the 0-based codes to_categorical() takes), e.g. "
                    f"`{name} = list(\"0\" = 1, \"1\" = 5)`.")
            out[int(code)] = _weight(w, f"{name}$`{k}`")
        return out
    items = _as_list(v)
    return {i: _weight(w, f"{name}[{i + 1}]") for i, w in
            enumerate(items if items is not None else [v])}


def _weight(w: Any, name: str) -> float:
    w = scalar(w)
    if not isinstance(w, numbers.Real) or isinstance(w, bool) or not math.isfinite(w) or w < 0:
        raise RkValueError(f"`{name}` must be a finite number >= 0, not {_show(w)}.")
    return float(w)


def as_callbacks(v: Any, name: str = "callbacks") -> list:
    """NULL, one callback or a list of them -> a list of Keras callbacks."""
    from ._keras import keras
    items = [] if v is None else list(v) if isinstance(v, (list, tuple)) else [v]
    for i, cb in enumerate(items):
        if not isinstance(cb, keras.callbacks.Callback):
            hint = (f" (did you mean callback_{cb}()?)" if isinstance(cb, str) else "")
            raise RkValueError(f"`{name}[[{i + 1}]]` is {_show(cb)}, not a callback{hint}: "
                               f"give callback objects such as callback_early_stopping().")
    return items


def as_bool(v: Any, name: str = "value") -> Any:
    v = scalar(v)
    if isinstance(v, (np.bool_, bool)):
        return bool(v)
    return v


def as_str_list(v: Any, name: str = "value") -> Any:
    if isinstance(v, str):
        return [v]
    return v


Rule = Callable[[Any, str], Any]

# Argument names whose meaning is fixed across Keras: the declarative conversion table.
ARG_RULES: dict[str, Rule] = {
    **{n: as_integer for n in (
        "units", "filters", "output_dim", "input_dim", "num_heads", "key_dim", "value_dim",
        "depth_multiplier", "n", "k", "num_classes",
        "verbose", "patience", "seed", "max_tokens",
        "num_bins", "num_tokens", "output_sequence_length", "groups",
        "num_groups", "start_from_epoch", "decay_steps",
        "cooldown", "height", "width", "max_number", "first_decay_steps", "maxlen",
        "sequence_length", "sequence_stride", "sampling_rate", "head_dim", "num_query_heads",
        "num_key_value_heads", "histogram_freq", "embeddings_freq", "update_freq",
        "num_oov_indices", "crossing_dim", "hashing_dim", "num_discretization_bins")},
    **{n: as_positive_integer for n in (
        "batch_size", "validation_batch_size", "steps_per_epoch", "validation_steps", "steps",
        "validation_freq")},
    **{n: as_count for n in ("epochs", "initial_epoch")},
    "class_weight": as_class_weight,
    "callbacks": as_callbacks,
    **{n: as_int_list for n in ("target_class_ids", "boundaries")},
    "loss_weights": as_weight_list,
    "bin_boundaries": as_float_list,
    **{n: as_int_tuple for n in (
        "kernel_size", "strides", "pool_size", "dilation_rate", "size", "padding",
        "cropping", "output_padding", "dims", "output_size", "salt")},
    **{n: as_shape for n in ("input_shape", "shape", "target_shape", "batch_shape",
                             "noise_shape", "output_shape")},
    **{n: as_axis for n in ("axis", "axes")},
    **{n: as_fraction for n in ("rate", "dropout", "recurrent_dropout", "validation_split")},
    **{n: as_float for n in ("learning_rate", "momentum", "epsilon", "rho",
                             "beta_1", "beta_2", "stddev", "l1", "l2", "alpha", "min_delta",
                             "factor", "min_lr", "clipnorm", "clipvalue", "decay")},
}


# Arguments where NA means an unknown size (`shape = c(NA)` is `(None,)`, keras 2.x and 3).
SHAPE_ARGS = frozenset({"input_shape", "shape", "target_shape", "batch_shape", "noise_shape",
                        "output_shape", "batch_input_shape"})


def _has_na(v: Any) -> bool:
    if v is NA:
        return True
    if isinstance(v, (list, tuple)):
        return any(_has_na(i) for i in v)
    if isinstance(v, dict):
        return any(_has_na(i) for i in v.values())
    return False


def _na_as_none(v: Any) -> Any:
    if v is NA:
        return None
    if isinstance(v, (list, tuple)):
        return [_na_as_none(i) for i in v]
    return v


def resolve_na(kwargs: Mapping[str, Any] | None, args: Any = None,
               shape_args: Any = (), na_args: Any = ()) -> tuple[Any, Any]:
    """R's NA in the arguments of an engine call: in a shape an unknown size (a lone `NA` is
    a one-dimensional shape of unknown size), anywhere else an error naming the argument.
    `shape_args`: the called function's own shape arguments beyond SHAPE_ARGS (a function
    declares them as `fn.shape_args`)."""
    for i, v in enumerate(args or ()):
        if _has_na(v):
            raise RkValueError(f"Argument {i + 1} is NA: give a value.")
    if not kwargs or not any(_has_na(v) for v in kwargs.values()):
        return kwargs, args
    out = {}
    for k, v in kwargs.items():
        if not _has_na(v):
            out[k] = v
        elif k in na_args:  # the function gives NA its meaning (`fn.na_args`)
            out[k] = v
        elif k in SHAPE_ARGS or k in shape_args:
            out[k] = [None] if v is NA else _na_as_none(v)
        else:
            raise RkValueError(
                f"`{k}` is NA: give a value, or leave the argument out for its default "
                f"(NA means an unknown size only in a shape, e.g. `shape = c(NA, 3)`).")
    return out, args


def normalize(kwargs: Mapping[str, Any], rules: Mapping[str, Rule] = ARG_RULES,
              skip: tuple[str, ...] = ()) -> dict[str, Any]:
    """Apply the declared rule of each argument; others only lose R's length-1 wrapping."""
    out: dict[str, Any] = {}
    for k, v in kwargs.items():
        rule = rules.get(k)
        if k in skip:
            out[k] = v
        elif rule is not None:
            out[k] = rule(v, k)
        elif isinstance(v, (np.ndarray, np.generic)) and np.size(v) == 1:
            out[k] = scalar(v)
        else:
            out[k] = v
    return out
