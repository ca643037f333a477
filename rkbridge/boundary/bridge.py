"""The R package's single entry point into the engine.

R calls `call(name, args, kwargs)`; the engine function runs with Python warnings recorded
and exceptions caught, so that R receives either the value, an `Outcome` (value plus
messages/warnings to signal), or a `Failure` it turns into a classed R condition. Nothing
here knows about particular functions: those live in `api.API`.
"""
from __future__ import annotations

import traceback
import warnings
import weakref
from typing import Any

import numpy as np

from .. import diagnose, values
from ..wrappers.layers import layer_input_value
from . import embedding, rfunctions, transport
from .._keras import keras
from ..api import API
from ..wrappers.args import NA as na, RkDeprecationWarning, resolve_na  # noqa: F401  (na: R's NA)
from ..wrappers.args import keras_class_args
from ..errors import RkError
from ..training.progress import set_writer  # noqa: F401  (called from R)
from ..persistence.saving import set_name_resolver  # noqa: F401  (called from R)
from ..values import Named

_last_traceback: str = ""
inside_rpy2 = embedding.embedded_by_rpy2()


class Failure:
    """An engine error on its way to R: condition class, message, and the traceback."""

    def __init__(self, exc: BaseException):
        global _last_traceback
        original, exc = exc, diagnose.translate(exc)
        # what was reached (an interrupted fit's history), converted like any result
        self.value = transport.box_arrays(getattr(exc, "value", None))
        self.r_class = getattr(exc, "r_class", None) or _python_class(exc)
        self.message = _message(exc)
        self.python_class = type(original).__name__
        _last_traceback = "".join(traceback.format_exception(original))
        self.traceback = _last_traceback


def _python_class(exc: BaseException) -> str:
    if isinstance(exc, KeyboardInterrupt):
        return "rkbridge_interrupt"
    if isinstance(exc, (ValueError, IndexError)):
        return "rkbridge_value_error"
    if isinstance(exc, TypeError):
        return "rkbridge_type_error"
    if isinstance(exc, OSError):
        return "rkbridge_io_error"
    return "rkbridge_python_error"


def _message(exc: BaseException) -> str:
    if isinstance(exc, RkError):
        return str(exc)
    text = diagnose.clean(str(exc)) or type(exc).__name__
    return text if len(text) < 2000 else text[:2000] + " ..."


class Outcome:
    """A value plus the messages and warnings raised while computing it."""

    def __init__(self, value: Any, messages: list[str], warnings_: list[str]):
        self.value, self.messages, self.warnings = value, messages, warnings_


class Kept:
    """A result that R keeps as a Python object, unconverted (`np_array()`, `tuple()`):
    R takes `value` through the unconverting module (`kept_value()`)."""

    def __init__(self, value: Any):
        self.value = value


def kept_value(kept: Kept) -> Any:
    return kept.value


def _run(fn: Any, args: Any, kwargs: Any, keep: bool = False) -> Any:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", RkDeprecationWarning)
        warnings.simplefilter("ignore", DeprecationWarning)
        try:
            kwargs, args = resolve_na(kwargs, args, getattr(fn, "shape_args", ()),
                                      getattr(fn, "na_args", ()))
            value = fn(*(args or ()), **(kwargs or {}))
            value = Kept(value) if keep else transport.box_arrays(value)
        except BaseException as e:  # everything, KeyboardInterrupt included, goes to R
            return Failure(e)
    if not caught:
        return value
    messages = [str(w.message) for w in caught if issubclass(w.category, RkDeprecationWarning)]
    others = [str(w.message) for w in caught
              if not issubclass(w.category, (RkDeprecationWarning, DeprecationWarning))]
    if not messages and not others:
        return value
    return Outcome(value, messages, others)


# Keras layers and models R has passed to call(), by id(), for R to name by that id next
# time: reticulate converts an R handle on a Python object by calling back into R (about as
# long as a small model's prediction), a number without. Weak: R's handle keeps the
# object alive, and an id whose object died is gone from here too.
_held: "weakref.WeakValueDictionary[int, Any]" = weakref.WeakValueDictionary()


class StaleHandle(RkError):
    """R named a layer by an id this side no longer has (R resends the object itself)."""
    r_class = "rkbridge_stale_handle"


def call(name: str, args: Any = None, kwargs: Any = None, keep: bool = False,
         loan_names: Any = None, loans: Any = None, held_names: Any = None,
         held: Any = None) -> Any:
    """`keep`: the value is for R to keep as a Python object (a `Kept`), not to convert.
    `loan_names`, `loans`: keyword arguments that are R arrays, lent with the call itself
    (one crossing of the boundary instead of one more per array). Flat, because reticulate
    converts plain vectors fastest: per name, `loans` holds the data's and the vector's
    addresses, the kind's code (`transport.KIND_CODES`), the number of dims, the dims.
    `held_names`, `held`: keyword arguments that are layers or models R passed before,
    named by their ids (see `_held`)."""
    if held is not None:
        kwargs = dict(kwargs or {})
        for key, ident in zip(_as_list(held_names), _as_numbers(held)):
            obj = _held.get(int(ident))
            if obj is None:
                return Failure(StaleHandle(f"no layer with id {int(ident)}"))
            kwargs[key] = obj
    if kwargs:
        for v in kwargs.values():
            if isinstance(v, keras.layers.Layer):
                _held[id(v)] = v
    if loans:  # from here on each loan is held by its view (see transport.from_r)
        kwargs = dict(kwargs or {})
        for key, (data, sexp, kind, dims) in zip(_as_list(loan_names),
                                                 transport.unpack_loans(loans)):
            kwargs[key] = transport.from_r(data, sexp, dims, kind)
    transport.release_pending()
    fn = API.get(name)
    if fn is None:
        return Failure(RkError(f"rkbridge has no function `{name}`."))
    if kwargs:
        rfunctions.label_all(name, kwargs)
    if not loans:
        return _run(fn, args, kwargs, bool(keep))
    out = _run(fn, args, kwargs, bool(keep))
    del kwargs  # the lent arrays' last reference unless the engine kept them: end their
    transport.release_pending()  # loans now, not at the next call
    return out


def _as_list(x: Any) -> list:
    return [x] if isinstance(x, str) else list(x)


def _as_numbers(x: Any) -> list:
    return [x] if isinstance(x, (int, float)) else list(x)


def call_object(obj: Any, args: Any = None, kwargs: Any = None) -> Any:
    """Call a Python object (a layer, a model, a Keras function) with R arguments; arrays
    borrowed from R are copied because the result may keep them."""
    transport.release_pending()
    def owned_all(x: Any) -> Any:
        if isinstance(x, (list, tuple)):
            return [owned_all(i) for i in x]
        if isinstance(x, dict):
            return {k: owned_all(v) for k, v in x.items()}
        return values.owned(x)
    args = owned_all(list(args or []))
    kwargs = owned_all(dict(kwargs or {}))
    if isinstance(obj, type) and obj.__module__.startswith("keras"):
        args, kwargs = keras_class_args(obj, args, kwargs)
    if args:
        args[0] = layer_input_value(obj, args[0])
    return _run(obj, args, kwargs)


def last_traceback() -> str:
    return _last_traceback


# Constructors R uses to describe its values (R fetches them unconverted).
def array(loan: Any, dims: Any, kind: str) -> np.ndarray:
    """`loan` is what rk_lend() returned: the data's and the vector's addresses."""
    data, sexp = loan
    dims = [dims] if isinstance(dims, (int, float)) else list(dims)
    return transport.from_r(data, sexp, dims, kind)


set_release = transport.set_release
release_pending = transport.release_pending
loans_pending = transport.loans_pending
loans_alive = transport.loans_alive


def factor(codes: Any, levels: Any) -> values.RFactor:
    return values.RFactor(codes, [levels] if isinstance(levels, str) else list(levels))


def data_frame(names: Any, columns: Any) -> values.RDataFrame:
    names = [names] if isinstance(names, str) else list(names)
    return values.RDataFrame(names, list(columns))


def partly_named(items: Any, names: Any) -> values.RPartlyNamed:
    names = [names] if isinstance(names, str) else list(names)
    return values.RPartlyNamed(list(items), names)


def sparse_matrix(layout: str, index: Any, pointers: Any, values: Any, dims: Any) -> Any:
    from ..datautils.sparse import from_compressed
    return from_compressed(layout, index, pointers, values, dims)


def r_function(fn: Any, name: Any = None, formals: Any = None, label: Any = None) -> Any:
    """`name`: the R function's own name (a loss or metric given by name), which Keras
    saves and reports; unnamed ones are "r_function". `formals`: its arguments' names.
    `label`: how an error in it names it (a generator as the user wrote it)."""
    wrapped = rfunctions.r_function(fn, formals=formals) if label is None else \
        rfunctions.r_function(fn, str(label), formals=formals)
    if isinstance(name, str) and name.isidentifier():
        wrapped.__name__ = wrapped.__qualname__ = name
    return wrapped


# What the R side of an R function returns when its exit was held, or its value could not
# be converted (R/callables.R).
jumped = rfunctions.JUMPED
unconvertible = rfunctions.Unconvertible


def named(r_name: str) -> Named:
    return Named(r_name)


# py_to_r() of a Python list, tuple or dict: reticulate converts the containers, the
# transport the arrays in them (the same on every reticulate version).
box_arrays = transport.box_arrays
boxed_items = transport.boxed_items

info = transport.to_r_info
fill = transport.to_r_fill
strings = transport.to_r_strings


def strings_array(values: Any, dims: Any) -> np.ndarray:
    """An R character vector/matrix (column-major) as a NumPy string array."""
    values = [values] if isinstance(values, str) else list(values)
    dims = [dims] if isinstance(dims, (int, float)) else list(dims)
    return np.array(values, dtype=str).reshape([int(d) for d in dims], order="F")


def echo(x: Any) -> Any:
    """Return `x` as the engine received it (a copy of borrowed arrays): the transport check
    used by the round-trip tests and benchmarks."""
    def copy(v: Any) -> Any:
        if isinstance(v, (list, tuple)):
            return [copy(i) for i in v]
        if isinstance(v, dict):
            return {k: copy(i) for k, i in v.items()}
        return values.owned(v)
    return transport.box_arrays(copy(x))


def collect_released() -> int:
    """Collect Python's garbage after R released models (R/model-state.R): a Keras model is
    a web of reference cycles that only a full collection frees, and a model R kept until
    its own collection has reached Python's oldest generation by then, where it would wait
    long (Python collects that generation only once its new objects reach a quarter of
    it). Returns the number of objects freed."""
    import gc
    return gc.collect()
