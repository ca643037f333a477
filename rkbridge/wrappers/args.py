"""Argument normalisation: the one home for how R-shaped arguments become Keras arguments.

Values arrive from R as Python scalars (R doubles are floats), NumPy views of R vectors, or
lists; from Python users as anything NumPy understands. Rules are declared by argument name
in `ARG_RULES` so every wrapper (layers, optimizers, ops) converts the same way.
"""
from __future__ import annotations

import inspect
import math
import numbers
import warnings
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

import numpy as np

from ..errors import RkTypeError, RkValueError


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
    `True` (`units = NA` -> 1 unit), so R sends this marker instead (`rk_to_engine()`), and
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
    """`kernel_size = c(3, 3)` -> (3, 3); a single number stays a number (Keras expands it).
    Nested to any depth: `cropping = list(c(1, 1), c(2, 2))` (or a 2 x 2 matrix, one row
    per dimension) -> ((1, 1), (2, 2))."""
    if isinstance(v, np.ndarray) and v.ndim > 1:
        return tuple(as_int_tuple(row, name) for row in v)
    items = _as_list(v)
    if items is None:
        return as_integer(v, name)
    return tuple(as_int_tuple(i, name) if _as_list(i) is not None else as_integer(i, name)
                 for i in items)


def as_shape(v: Any, name: str = "shape") -> Any:
    """A shape without the batch dimension: `c(20)`, `20`, `list(NULL, 3)`; NA/NULL is unknown."""
    if v is None:
        return None
    if hasattr(v, "as_list"):  # TensorShape
        return tuple(v.as_list())
    v = _eager_value(v)
    items = _as_list(v)
    if items is None:
        items = [v]
    if any(isinstance(i, (str, bytes)) for i in items):
        raise RkTypeError(f"`{name}` must be whole numbers (NA for any size), such as "
                          f"c(28, 28), not {_show(scalar(v))}.")
    return tuple(None if _is_na(i) else as_integer(_eager_value(i), name) for i in items)


def _eager_value(v: Any) -> Any:
    """A shape given as a tensor (`as_tensor(c(1, 2, 3), "int32")`), or its sizes as scalar
    tensors: their values, as for an R vector."""
    if isinstance(v, np.ndarray) or not hasattr(v, "numpy") or not hasattr(v, "dtype"):
        return v
    try:
        return np.asarray(v.numpy())
    except (AttributeError, TypeError, ValueError, NotImplementedError):
        return v  # symbolic: Keras takes it as it is


# -- 1-based numbers (CONVENTIONS section 2): the one rule -------------------------------

@dataclass(frozen=True)
class Counting:
    """One kind of 1-based number a person types, and what 0 means for it. For every kind a
    positive `i` is `i - 1`, and a negative one counts from the end: resolved against the
    size where the caller knows it (`size + i`), else passed on, as Keras counts the same."""
    kind: str  # the word in messages: "axis", "index"
    kinds: str  # its plural
    zero_ok: bool  # True: 0 is passed on as 0; False: 0 is an error
    hint: str  # what 1 and -1 mean, for messages


AXIS = Counting("axis", "axes", zero_ok=False, hint="1 is the batch axis, -1 the last")
POSITION = Counting("index", "indices", zero_ok=False,
                    hint="1 is the first element, -1 the last")
# keras3's op_*() index arguments: 0 and negative values reach Keras unchanged.
OP_INDEX = Counting("index", "indices", zero_ok=True, hint="1 is the first element")


def zero_based(i: int, counting: Counting, name: str = "value", size: int | None = None,
               error: Callable[[int], Exception] | None = None) -> int:
    """The primitive: a 1-based whole number of kind `counting` -> Keras's 0-based one,
    checked against `size` when given. `error(i)` builds the caller's own message for a
    number that names nothing (0 where it is an error, or beyond `size`)."""
    if (i == 0 and not counting.zero_ok) or (size is not None and not -size <= i <= size):
        if error is not None:
            raise error(i)
        if i == 0:
            raise RkValueError(f"`{name} = 0` is not an {counting.kind}: {counting.kinds} "
                               f"are 1-based ({counting.hint}).")
        raise RkValueError(f"`{name} = {i}` is out of range: there are {size} "
                           f"{counting.kinds} (use 1 to {size}, or -1 to -{size} from the "
                           f"end).")
    if i > 0:
        return i - 1
    return size + i if size is not None and i < 0 else i


def zero_based_array(v: Any, counting: Counting, size: int | None = None) -> Any:
    """`zero_based()` element by element, for a NumPy array (checked) or a tensor."""
    if isinstance(v, np.ndarray):
        bad = ((v == 0) & (not counting.zero_ok)) | \
            (False if size is None else (v < -size) | (v > size))
        if np.any(bad):
            zero_based(int(v[bad].reshape(-1)[0]), counting, size=size)
        xp: Any = np
    else:
        from .._keras import ops as xp
    other = v if size is None else xp.add(v, size)
    return xp.where(xp.greater(v, 0), xp.subtract(v, 1), other)


def as_axis(v: Any, name: str = "axis") -> Any:
    """1-based axis (1 = batch axis, negative from the end) -> Keras's 0-based axis."""
    items = _as_list(v)
    if items is not None:
        return [as_axis(i, name) for i in items]
    v = as_integer(v, name)
    return None if v is None else zero_based(v, AXIS, name)


def as_index(v: Any, name: str = "index", counting: Counting = OP_INDEX) -> Any:
    """1-based positions (numbers, lists, arrays or tensors of them) -> 0-based ones, by
    `counting`; R numbers become whole numbers."""
    if v is None or isinstance(v, bool):
        return v
    if isinstance(v, (list, tuple)):
        return type(v)(as_index(i, name, counting) for i in v)
    if isinstance(v, (int, float, np.generic)):
        return zero_based(as_integer(v, name), counting, name)
    return zero_based_array(as_whole(v, name), counting)


def as_whole(v: Any, name: str = "value") -> Any:
    """Whole numbers as given (0-based already): numbers, lists and arrays of them become
    integers; tensors pass."""
    if isinstance(v, (list, tuple)):
        return type(v)(as_whole(i, name) for i in v)
    if isinstance(v, np.ndarray):
        if v.dtype.kind != "f":
            return v
        if not np.all(np.isfinite(v) & (v == np.round(v))):
            raise RkValueError(f"`{name}` must hold whole numbers.")
        return v.astype(np.int64)
    if isinstance(v, (int, float, np.generic)) and not isinstance(v, bool):
        return as_integer(v, name)
    return v


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
        if np.isnan(v):
            return "NaN"
        return f"{v:g}" if np.isfinite(v) else "Inf" if v > 0 else "-Inf"
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


def as_learning_rate(v: Any, name: str = "learning_rate") -> Any:
    """A learning rate: a finite number >= 0 (Keras would train on Inf, NaN or a negative
    rate without a word), or a schedule / function, passed as given."""
    v = as_float(v, name)
    if isinstance(v, bool) or (isinstance(v, float) and not (np.isfinite(v) and v >= 0)):
        raise RkValueError(f"`{name}` must be a finite number >= 0 (or a learning rate "
                           f"schedule), not {_show(v)}.")
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
    from .._keras import keras
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
        "num_key_value_heads", "histogram_freq", "embeddings_freq", "update_freq", "save_freq",
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
    "thresholds": as_float_list,  # metric_precision(thresholds = c(.3, .6))
    **{n: as_int_tuple for n in (
        "kernel_size", "strides", "pool_size", "dilation_rate", "size", "padding",
        "cropping", "output_padding", "dims", "output_size", "salt", "ngrams")},
    **{n: as_shape for n in ("input_shape", "shape", "target_shape", "batch_shape",
                             "noise_shape", "output_shape")},
    **{n: as_axis for n in ("axis", "axes")},
    **{n: as_fraction for n in ("rate", "dropout", "recurrent_dropout", "validation_split")},
    **{n: as_learning_rate for n in ("learning_rate", "initial_learning_rate")},
    **{n: as_float for n in ("momentum", "epsilon", "rho",
                             "beta_1", "beta_2", "stddev", "l1", "l2", "alpha", "min_delta",
                             "factor", "min_lr", "clipnorm", "clipvalue", "decay")},
}


_WHOLE_RULES = (as_integer, as_positive_integer, as_count, as_int_tuple, as_int_list)


def keras_class_args(cls: type, args: list, kwargs: dict[str, Any]) -> tuple[list, dict]:
    """The arguments of a Keras class called directly from R (`keras$layers$Dense(units =
    32)`): those Keras 3 wants whole (`units`, `kernel_size`, `patience`, ...; by name or
    position) become integers, as Keras 2 took R's doubles. Other arguments keep Python's
    meaning (an `axis` given to a Keras class is Keras's, 0-based)."""
    try:
        names = [p.name for p in inspect.signature(cls).parameters.values()
                 if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    except (TypeError, ValueError):
        names = []

    def convert(name: str, v: Any) -> Any:
        rule = ARG_RULES.get(name)
        return rule(v, name) if rule in _WHOLE_RULES and v is not None else v
    args = [convert(names[i], v) if i < len(names) else v for i, v in enumerate(args)]
    return args, {k: convert(k, v) for k, v in kwargs.items()}


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
        elif v is NA or not isinstance(v, (list, tuple)):
            raise RkValueError(
                f"`{k}` is NA: give a value, or leave the argument out for its default "
                f"(NA means an unknown size only in a shape, e.g. `shape = c(NA, 3)`).")
        else:  # an element (`texts = c("a", NA)`): which one
            raise RkValueError(f"`{k}{_na_element(v)}` is NA: give a value (NA means an "
                               f"unknown size only in a shape, e.g. `shape = c(NA, 3)`).")
    return out, args


def strings(items: Any, arg: str) -> list[str] | None:
    """`items` (an R character vector, as a list) as a list of str; None when it is not
    one. R's NA and strings that are not valid UTF-8 (R sends their bytes) are errors naming
    the element: reticulate would have made them the texts "NA" and "caf<e9>"."""
    out: list[str] = []
    for i, t in enumerate(items):
        if isinstance(t, str):
            out.append(t)
        elif t is NA or t is None:
            raise RkValueError(f"`{arg}[[{i + 1}]]` is NA: give a text, or leave it out "
                               f"(`{arg}[!is.na({arg})]`).")
        elif isinstance(t, (bytes, bytearray)):
            shown = bytes(t).decode("utf-8", "backslashreplace")
            raise RkValueError(f"`{arg}[[{i + 1}]]` (\"{shown}\") is not valid UTF-8: declare "
                               f"its encoding (`Encoding(x) <- \"latin1\"`) or convert it "
                               f"with iconv().")
        else:
            return None
    return out


def _na_element(v: Any) -> str:
    """Where the first NA in list `v` is, in R's terms (`[[2]]`, `[[1]][[3]]`)."""
    for i, e in enumerate(v):
        if e is NA:
            return f"[[{i + 1}]]"
        if isinstance(e, (list, tuple)) and _has_na(e):
            return f"[[{i + 1}]]{_na_element(e)}"
    return ""


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


# -- the call path: one spec per wrapped callable -----------------------------------------

@dataclass(frozen=True)
class Wrapper:
    """One wrapped callable and what happens to each of its arguments on the way in: the
    spec that both the call path (`Wrapper.prepare()`) and the table (`rule_of()`) read.
    `params` are the wrapper's argument names in its (R) order, with the target's `*args`
    among them (`variadic`); `renames` maps an R name to the target's; `defaults` are R
    defaults (in R terms, by R name); `converters` map the target's names to rules, and
    `fallback` gives the rule of a name outside them (a family's by-name table); `finish`
    applies to every value last (R arrays to tensors)."""
    name: str
    target: Callable[..., Any]
    params: tuple[str, ...] | None  # None: the signature is unknown; positions pass as given
    variadic: str | None = None
    renames: Mapping[str, str] = field(default_factory=dict)
    defaults: Mapping[str, Any] = field(default_factory=dict)
    converters: Mapping[str, Rule] = field(default_factory=dict)
    fallback: Mapping[str, Rule] = field(default_factory=dict)
    finish: Callable[[Any], Any] = lambda v: v

    @property
    def leading(self) -> tuple[str, ...]:
        """The target's arguments before its `*args`, in the target's order."""
        names, var = signature_names(self.target)
        return names[:names.index(var)] if names and var in names else ()

    def converter(self, arg: str) -> Rule | None:
        """The rule of argument `arg` (R or target name)."""
        name = self.renames.get(arg, arg)
        return self.converters.get(name, self.fallback.get(name))

    def bind(self, args: tuple, kwargs: Mapping[str, Any]) -> dict[str, Any]:
        """Positional arguments by the wrapper's order (the rest of them into `variadic`),
        so that a value means the same by position or by name."""
        return bind(self.name, self.params or (), args, kwargs, self.variadic)

    def prepare(self, args: tuple, kwargs: Mapping[str, Any],
                replace: Mapping[str, Rule] | None = None) -> tuple[list[Any], dict[str, Any]]:
        """The target's positional and keyword arguments: bound, R defaults added, renamed,
        converted (`replace`: other rules for this call, by target name), finished."""
        if self.params is None:
            pos, bound = list(args), dict(kwargs)
        else:
            pos, bound = [], self.bind(args, kwargs)
        for k, v in self.defaults.items():
            if k not in bound and self.renames.get(k, k) not in bound:
                bound[k] = v
        out: dict[str, Any] = {}
        for k, v in bound.items():
            k = self.renames.get(k, k)
            rule = (replace or {}).get(k) or self.converter(k)
            out[k] = v if rule is None or (k == self.variadic) else rule(v, k)
        if self.variadic is not None and self.variadic in out:
            extra = out.pop(self.variadic)
            pos = [out.pop(p) for p in self.leading if p in out] + pos + \
                list(extra if isinstance(extra, (list, tuple)) else [extra])
        return ([self.finish(a) for a in pos],
                {k: self.finish(v) for k, v in out.items()})

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        pos, kw = self.prepare(args, kwargs)
        return self.target(*pos, **kw)


def bind(function: str, names: tuple[str, ...], args: tuple, kwargs: Mapping[str, Any],
         variadic: str | None = None) -> dict[str, Any]:
    """Unnamed arguments -> named, by `names` (the function's order); those beyond
    `variadic` (a `*args` among `names`) are its list. An argument given twice or more
    unnamed arguments than names is an error in R terms."""
    before = names[:names.index(variadic)] if variadic in names else names
    if len(args) > len(before) and variadic is None:
        raise RkTypeError(f"{function}() takes at most {len(before)} unnamed argument"
                          f"{'s' if len(before) != 1 else ''}, got {len(args)}.")
    out: dict[str, Any] = dict(zip(before, args))
    if variadic is not None and len(args) > len(before):
        out[variadic] = list(args[len(before):])
    for k, v in kwargs.items():
        if k in out and k != variadic:
            raise RkTypeError(f"{function}(): argument `{k}` given twice.")
        if k == variadic and k in out:
            v = out[k] + list(v if isinstance(v, (list, tuple)) else [v])
        out[k] = v
    return out


def signature_names(target: Callable[..., Any], first: tuple[str, ...] = ()
                    ) -> tuple[tuple[str, ...] | None, str | None]:
    """A callable's argument names that bind by position, in order (`first` moved to the
    front: keras3's `op_map(xs, f)`), and the name of its `*args`; (None, None) when it has
    no readable signature."""
    try:
        ps = list(inspect.signature(target).parameters.values())
    except (TypeError, ValueError):
        return None, None
    ps = [p for p in ps if p.name != "self" and p.kind is not p.VAR_KEYWORD]
    ps.sort(key=lambda p: first.index(p.name) if p.name in first else len(first))
    variadic = next((p.name for p in ps if p.kind is p.VAR_POSITIONAL), None)
    return tuple(p.name for p in ps if p.kind is not p.KEYWORD_ONLY), variadic


# Every wrapper built from a `Wrapper` spec (op_*(), k_*()), by R name: registered where
# the spec is made, read by `rule_of()`.
WRAPPERS: dict[str, Wrapper] = {}


def rule_of(function: str, arg: str) -> Rule | None:
    """What happens to argument `arg` of wrapper `function` (R name) on the way to Keras:
    the converter the call path applies (its name and doc say what it does), or None when
    the value passes as given. For op_*() and k_*(), their `Wrapper` spec; for layers and
    the function families, the axis rule declared in axes.py, else `ARG_RULES` by name."""
    from .. import api  # noqa: F401  (every wrapper module registered)
    from . import axes
    spec = WRAPPERS.get(function)
    if spec is not None:
        return spec.converter(arg)
    return axes.converter(function, arg) or ARG_RULES.get(arg)


def describe(function: str, arg: str) -> str:
    """`rule_of()` in words: the converter's name and the first paragraph of its doc."""
    rule = rule_of(function, arg)
    if rule is None:
        return f"{function}({arg}): passed to Keras as given."
    doc = " ".join((inspect.getdoc(rule) or "").split("\n\n")[0].split())
    return f"{function}({arg}): {getattr(rule, '__name__', type(rule).__name__)}: {doc}"
