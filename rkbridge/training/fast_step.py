"""train_on_batch() and test_on_batch() through the traced step's concrete function.

Custom training loops and GANs call `train_on_batch()` thousands of times on small batches.
For a small model, two parts of Keras's own call cost more than the step itself: the
dispatch of the traced step (matching the inputs against its traces and binding them), and
`reset_metrics()`, which resets each metric with eager assignments, one variable at a time.

What is done instead, and why the numbers are Keras's own:
- The first call for an input signature is Keras's `train_on_batch()` (`test_on_batch()`)
  itself: it builds the model and its metrics and traces the step as Keras does.
- Later calls with the same signature (shapes, dtypes, structure) call the concrete function
  that Keras's dispatch picked for it (`get_concrete_function()` is the lookup a call
  makes), with the batch's tensors: the same graph on the same values. Concrete functions are
  kept on the model's `train_function`/`test_function`, so `compile()` (which replaces
  them) drops them, and nothing of ours keeps a model alive.
- The metrics are reset as Keras's `reset_metrics()` does, traced once into one graph call
  where every metric's `reset_state()` is Keras's own (variable assignments only). A metric
  or model class with a `reset_state()`/`reset_metrics()` of its own (an R class, a user's
  Python class) is reset by Keras's eager call, as its code may do more than assign.
- `class_weight`, models run eagerly, other backends and any input that is not plain arrays
  go through Keras's own call every time.

tests/test_on_batch.py checks, step by step, that losses, metrics and weights equal Keras's
own calls on a twin model. `RKBRIDGE_CONCRETE_PREDICT=0` (or
`fast_predict.set_concrete_predict(False)`) turns this shortcut off with predict()'s.
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from .. import keras_internals as KI
from .._keras import keras, tf
from . import fast_predict

_CACHE = "_rkbridge_steps"  # on the step function: {signature: concrete}, plus the resetter


def _signature(parts: tuple[Any, Any, Any]) -> Any:
    """The key of a batch (x, y, sample_weight): structure, shapes and dtypes."""
    return tuple(None if p is None else fast_predict.signature(p) for p in parts)


def run(model: Any, kind: str, x: Any, y: Any, sample_weight: Any) -> dict[str, Any]:
    """`model.train_on_batch(x, y, sample_weight, return_dict=True)` (kind "train") or
    `test_on_batch()` (kind "test"), by the concrete function where it applies."""
    data = (x, y, sample_weight)
    keras_call = model.train_on_batch if kind == "train" else model.test_on_batch
    if not fast_predict.concrete_on() or keras.backend.backend() != "tensorflow" or \
            getattr(model, "run_eagerly", False):
        return keras_call(x, y, sample_weight=sample_weight, return_dict=True)
    try:
        key = _signature(data)
    except TypeError:
        return keras_call(x, y, sample_weight=sample_weight, return_dict=True)
    fn = model.train_function if kind == "train" else model.test_function
    cache = getattr(fn, _CACHE, None) if fn is not None else None
    known = cache.get(key) if cache is not None else None
    if known is None:
        logs = keras_call(x, y, sample_weight=sample_weight, return_dict=True)
        _remember(model, kind, key, data)
        return logs
    concrete, flat_inputs = known
    _resetter(model, cache)()
    leaves = [a for a in tf.nest.flatten(data) if a is not None]
    if len(leaves) == flat_inputs and all(isinstance(a, np.ndarray) for a in leaves):
        logs = KI.flat_call(concrete, [tf.convert_to_tensor(a) for a in leaves])
    else:
        logs = concrete(data)
    return KI.python_logs(logs)


def _remember(model: Any, kind: str, key: Any, data: tuple[Any, Any, Any]) -> None:
    """Keep the concrete function Keras's dispatch uses for `data`, after a call made it."""
    fn = model.train_function if kind == "train" else model.test_function
    step = KI.one_step_function(fn) if fn is not None else None
    if step is None:
        return
    cache = fast_predict.attached_cache(fn, _CACHE)
    if cache is None:  # no room for it: no shortcut
        return
    concrete = step.get_concrete_function(data)
    # the number of tensors it takes besides its captures, where its flat call can be used
    flat_inputs = len(concrete.inputs) - len(concrete.captured_inputs) \
        if KI.has_flat_call(concrete) else -1
    cache[key] = (concrete, flat_inputs)


def _keras_own(method: Any) -> bool:
    return getattr(method, "__module__", "").startswith("keras.")


def _plain_resets(metrics: list[Any]) -> bool:
    """Whether resetting `metrics` runs only Keras's own reset_state() code."""
    for m in metrics:
        if m is None:
            continue
        if not _keras_own(type(m).reset_state):
            return False
        inner = [*getattr(m, "_flat_metrics", ()), *getattr(m, "_flat_weighted_metrics", ())]
        listed = getattr(m, "metrics", None)
        if isinstance(listed, list):
            inner += listed
        if inner and not _plain_resets(inner):
            return False
    return True


def _resetter(model: Any, cache: dict[Any, Any]) -> Callable[[], Any]:
    """`model.reset_metrics()`, as one traced call where that is the same thing."""
    metrics = model.metrics
    ident = tuple(id(m) for m in metrics)
    known = cache.get("reset")
    if known is not None and known[0] == ident:
        return known[1]
    reset: Callable[[], Any] = model.reset_metrics
    if _keras_own(type(model).reset_metrics) and _plain_resets(metrics):
        traced = tf.function(model.reset_metrics, autograph=False).get_concrete_function()
        reset = traced
        if KI.has_flat_call(traced):
            reset = lambda: KI.flat_call(traced, [])  # noqa: E731
    cache["reset"] = (ident, reset)
    return reset
