"""predict() of one batch through Keras's own `predict_on_batch()`.

Keras's `model.predict()` builds a data adapter, an epoch iterator and a callback list on
every call: ~35 ms for one row, where the model's computation takes well under 1 ms. R users
call predict() in loops (simulations, Shiny apps, reinforcement learning), so inputs that fit
in one batch go to `predict_on_batch()` instead (~0.3 ms).

Why this is indistinguishable from `predict()` (CONVENTIONS section 4), case by case: for
inputs of at most one batch, `predict()` calls the model's `predict_function` once, on
`[(x,)]` with lists turned into tuples and float arrays cast to `floatx()` (its data
adapter does that even for a float64 model), and concatenates that single batch's outputs, which
copies them unchanged; `predict_on_batch()` calls the same `predict_function` (so a
subclass's `predict_step`, `jit_compile`, `run_eagerly`, the dtype policy and whatever
`compile()` reset all apply) on the same structure and values (we apply the same cast) and converts its outputs, of any
structure (dicts, nested lists), to NumPy the same way. Weights live in variables, so
set_weights()/fit() are seen at once. tests/test_fast_predict.py checks each case against
`predict()`. Larger inputs, explicit `steps`/`callbacks`/other arguments and inputs that are
not plain arrays use `predict()` itself.

One step further: `predict_on_batch()` calls the traced `predict_function`, whose dispatch
(matching the inputs against its traces, converting them) costs about as much as running a
small model. The concrete function that dispatch picks for a given input signature is kept
(per `predict_function`, so compile() or a changed model drops it) and called directly: the
same graph on the same values, so the same numbers, in about half the time. It is found with
`get_concrete_function()`, the lookup-or-trace a call makes, so retracing behaves as before.
Models run eagerly (no traced function) use `predict_on_batch()`; the environment variable
`RKBRIDGE_CONCRETE_PREDICT=0` (or `set_concrete_predict(False)`) turns the shortcut off, and
that of train_on_batch()/test_on_batch() (fast_step.py).
"""
from __future__ import annotations

import os
import weakref
from typing import Any

import numpy as np

from .. import keras_internals as KI
from .._keras import keras, tf
from .batches import DEFAULT_BATCH  # inputs up to this many rows are one batch


def _structure(model: Any) -> tuple:
    return (tuple(id(v) for v in model.variables), tuple(id(l) for l in model.layers))


_seen: "weakref.WeakKeyDictionary[Any, tuple]" = weakref.WeakKeyDictionary()


def drop_stale(model: Any) -> None:
    """Keras keeps a model's traced `predict_function` after Sequential add()/pop() and would
    predict with the old layers (in `predict()` and `predict_on_batch()` alike): reset it
    when the model's layers or variables changed since the last predict."""
    try:
        structure = _structure(model)
    except (AttributeError, TypeError):
        return
    if _seen.get(model) == structure:
        return
    if model in _seen and getattr(model, "predict_function", None) is not None:
        model.predict_function = None
    _seen[model] = structure


def _rows(x: Any) -> int | None:
    """The common number of rows of an array or a list/tuple/dict of arrays, else None."""
    leaves = list(x.values()) if isinstance(x, dict) else \
        list(x) if isinstance(x, (list, tuple)) else [x]
    if not leaves or not all(isinstance(a, np.ndarray) and a.ndim >= 1 for a in leaves):
        return None
    rows = {a.shape[0] for a in leaves}
    return rows.pop() if len(rows) == 1 else None


def _eligible(model: Any, x: Any, batch_size: Any, extra: dict[str, Any]) -> bool:
    if extra or not isinstance(model, keras.Model) or not getattr(model, "built", False):
        return False
    n = _rows(x)
    limit = batch_size if batch_size is not None else DEFAULT_BATCH
    return n is not None and 0 < n <= limit


def try_predict(model: Any, x: Any, batch_size: Any = None, **extra: Any) -> Any:
    """Keras's predictions for `x` when it is one batch, else None (then `predict()`
    must do it: see above)."""
    extra = {k: v for k, v in extra.items() if v is not None}
    if isinstance(model, keras.Model):
        drop_stale(model)
    if not _eligible(model, x, batch_size, extra):
        return None
    x = as_adapter_would(x)
    return one_batch(model, x if isinstance(x, np.ndarray) else keras.tree.lists_to_tuples(x))


_concrete_on = os.environ.get("RKBRIDGE_CONCRETE_PREDICT", "1") not in ("0", "false", "FALSE")
# {input signature: concrete function}, kept on the traced predict_function itself: it goes
# with it when compile() or a changed model replaces it, and a cache of our own would keep
# the model alive (each concrete function refers back to it).
_CACHE = "_rkbridge_concrete"


def concrete_on() -> bool:
    """Whether the concrete-function shortcuts (here and in fast_step.py) are on."""
    return _concrete_on


def set_concrete_predict(on: bool) -> bool:
    """Turn the concrete-function shortcut on or off; returns the previous setting."""
    global _concrete_on
    before, _concrete_on = _concrete_on, bool(on)
    return before


def signature(x: Any) -> Any:
    """The key of an input for its concrete function: structure, shapes and dtypes."""
    if isinstance(x, np.ndarray):
        return (x.shape, x.dtype.str)
    if isinstance(x, (list, tuple)):
        return (type(x).__name__, tuple(signature(i) for i in x))
    if isinstance(x, dict):
        return ("dict", tuple((k, signature(v)) for k, v in x.items()))
    raise TypeError  # anything else: no shortcut


def one_batch(model: Any, x: Any) -> Any:
    """`model.predict_on_batch(x)`, by the traced function's concrete function when it has one."""
    if not _concrete_on or keras.backend.backend() != "tensorflow":
        return model.predict_on_batch(x)
    model.make_predict_function()
    fn = model.predict_function
    if not hasattr(fn, "get_concrete_function"):  # run_eagerly: a plain Python function
        return model.predict_on_batch(x)
    try:
        key = signature(x)
    except TypeError:
        return model.predict_on_batch(x)
    cache = attached_cache(fn, _CACHE)
    if cache is None:
        return model.predict_on_batch(x)
    data = [(x,)]  # what predict_on_batch() passes
    known = cache.get(key)
    if known is None:
        concrete = fn.get_concrete_function(data)
        known = cache[key] = (concrete, _flat_call_works(concrete))
    concrete, flat = known
    if flat and isinstance(x, np.ndarray):
        # One plain array: skip binding `data` to the signature (a third of the call's cost)
        # and hand the concrete function its one tensor, as that binding would.
        out = KI.flat_call(concrete, [tf.convert_to_tensor(x)])
    else:
        out = concrete(data)
    return keras.tree.map_structure(_to_numpy, out)


def attached_cache(fn: Any, name: str) -> dict[Any, Any] | None:
    """The dict kept as attribute `name` of a traced function (made at first use): it goes
    with the function when Keras replaces it, and holds nothing that would keep the model
    alive from outside. None where the function has no room for it."""
    cache = getattr(fn, name, None)
    if cache is None:
        cache = {}
        try:
            setattr(fn, name, cache)
        except AttributeError:
            return None
    return cache


def _flat_call_works(concrete: Any) -> bool:
    """ConcreteFunction._call_flat(tensors, captured_inputs) is TensorFlow's own inner call
    (private, stable from 2.13 through 2.21 at least): used only where that version range
    holds and the function takes exactly one tensor besides its captures."""
    if not KI.has_flat_call(concrete):
        return False
    return len(concrete.inputs) - len(concrete.captured_inputs) == 1


# predict_on_batch()'s conversion of each output (ragged tensors stay as they are)
_to_numpy = KI.predict_output_converter()


def as_adapter_would(x: Any) -> Any:
    """`x` with what Keras's array data adapter does to predict()'s input: every float array
    that is not of `floatx()` is cast to it, even for a float64 model
    (keras/src/trainers/data_adapters/array_slicing.py, "Normalize floats to floatx").
    Our own batching (batches.py) skips the adapter, so predict() applies this on every
    path."""
    floatx = np.dtype(keras.config.floatx())

    def cast(a: Any) -> Any:
        if isinstance(a, np.ndarray) and a.dtype.kind == "f" and a.dtype != floatx:
            return a.astype(floatx)
        return a
    return cast(x) if isinstance(x, np.ndarray) else keras.tree.map_structure(cast, x)
