"""Low-level training: one batch at a time, resetting states, clearing the session.

Results follow the keras3 R interface, as `evaluate()` does: `train_on_batch()` and
`test_on_batch()` give a named list (`loss` first, then the metrics in the order they were
compiled), or a single number when the model reports only its loss. (The keras 2.x R
interface gave an unnamed numeric vector there; `x[[1]]` is the loss in both, and
`unlist()` gives the numbers.) `LOW_LEVEL` is the table the R wrappers are generated from.
"""
from __future__ import annotations

import weakref
from typing import Any, Callable

from ..wrappers import args as A
from . import data_path as P
from . import fast_predict, fast_step
from .. import keras_internals as KI
from .._keras import keras
from ..errors import RkTypeError
from .model import _check_compiled, _check_model


# model -> (what the order was read for, the order): asking the model computes every
# metric's result, which costs more than a small batch's training step
_orders: "weakref.WeakKeyDictionary[Any, tuple[Any, list[str]]]" = weakref.WeakKeyDictionary()


def _metric_order(model: Any, logs: dict[str, Any]) -> list[str]:
    """The model's own order of its metrics' results, read once per set of metrics (the
    metric objects themselves: compile() makes new ones)."""
    names, metrics = tuple(logs), model.metrics
    known = _orders.get(model)
    if known is None or known[0][0] != names or len(known[0][1]) != len(metrics) or \
            any(r() is not m for r, m in zip(known[0][1], metrics)):
        # weak: an entry holding the model's metrics would keep the model alive
        held = tuple(weakref.ref(m) for m in metrics)
        known = _orders[model] = ((names, held), list(model.get_metrics_result()))
    return known[1]


def _ordered(model: Any, logs: dict[str, Any]) -> Any:
    """Keras sorts its logs by name: loss first, then the metrics in compile order (the
    model's own order of its metrics), as R scripts read `result[[1]]` as the loss."""
    order = _metric_order(model, logs)
    names = [k for k in order if k in logs] + [k for k in logs if k not in order]
    if "loss" in names:
        names.remove("loss")
        names.insert(0, "loss")
    out = {k: float(logs[k]) for k in names}
    return next(iter(out.values())) if len(out) == 1 else out


def train_on_batch(object: Any, x: Any, y: Any = None, sample_weight: Any = None,
                   class_weight: Any = None, allow_na: Any = False) -> Any:
    """Run a single gradient update on one batch of data.

    Args:
        object: A compiled Keras model (updated in place).
        x: Input data: an array (samples first) or a list of arrays for several inputs.
        y: Target data, like `x`.
        sample_weight: Optional weights, one per sample.
        class_weight: Optional weights per class: a named list (`list("0" = 1, "1" = 5)`)
            or a numeric vector (element `i` weighs class `i - 1`).
        allow_na: Whether NA values in `x` and `y` are allowed.

    Returns:
        The loss on the batch, or a named list (`loss` first, then the metrics in compile
        order) when the model has metrics.
    """
    _check_compiled(object, "train_on_batch")
    x, y, w = P.prepare(object, x, y, sample_weight, allow_na=bool(A.as_bool(allow_na)),
                        fn="train_on_batch")
    class_weight = A.as_class_weight(class_weight)
    logs = fast_step.run(object, "train", x, y, w) if class_weight is None else \
        object.train_on_batch(x, y, sample_weight=w, class_weight=class_weight,
                              return_dict=True)
    return _ordered(object, logs)


def test_on_batch(object: Any, x: Any, y: Any = None, sample_weight: Any = None,
                  allow_na: Any = False) -> Any:
    """Compute the loss and metrics on one batch of data (no update).

    Args:
        object: A compiled Keras model.
        x: Input data: an array (samples first) or a list of arrays for several inputs.
        y: Target data, like `x`.
        sample_weight: Optional weights, one per sample.
        allow_na: Whether NA values in `x` and `y` are allowed.

    Returns:
        The loss on the batch, or a named list (`loss` first, then the metrics in compile
        order) when the model has metrics.
    """
    _check_compiled(object, "test_on_batch")
    x, y, w = P.prepare(object, x, y, sample_weight, allow_na=bool(A.as_bool(allow_na)),
                        fn="test_on_batch")
    logs = fast_step.run(object, "test", x, y, w)
    return _ordered(object, logs)


def predict_on_batch(object: Any, x: Any) -> Any:
    """Predictions for one batch of samples (Keras's `predict_on_batch()`).

    Args:
        object: A Keras model.
        x: Input data: an array (samples first) or a list of arrays for several inputs.

    Returns:
        An array with one row per sample (a list of them for several outputs).
    """
    _check_model(object, "predict_on_batch")
    # Keras's own one-batch call (fast_predict.one_batch() is the same call, by its concrete
    # function), which has no `allow_na` to refuse NA with: NA rows predict NA, as in Keras
    x = P.prepare(object, x, allow_na=True, fn="predict_on_batch")[0]
    fast_predict.drop_stale(object)
    return fast_predict.one_batch(object, x)


def reset_states(object: Any) -> Any:
    """Reset the states of a stateful layer or model (keras 2.x name of `reset_state()`).

    Args:
        object: A model, a stateful RNN layer or a metric.

    Returns:
        `object`, invisibly.
    """
    return reset_state(object)


def reset_state(object: Any) -> Any:
    """Reset the state of a stateful layer, of every stateful layer of a model, or of a
    metric.

    Args:
        object: A model, a stateful RNN layer or a metric.

    Returns:
        `object`, invisibly.
    """
    if isinstance(object, keras.Model) and not hasattr(type(object), "reset_state"):
        found = False
        for layer in KI.flatten_layers(object):
            if getattr(layer, "stateful", False) and hasattr(layer, "reset_state"):
                layer.reset_state()
                found = True
        if not found and hasattr(object, "reset_metrics"):
            object.reset_metrics()
        return object
    fn = getattr(object, "reset_state", None) or getattr(object, "reset_states", None)
    if fn is None:
        raise RkTypeError(f"reset_state() needs a model, a stateful layer or a metric, not "
                          f"{type(object).__name__}.")
    fn()
    return object


def clear_session(free_memory: Any = True) -> None:
    """Reset all state generated by Keras (layer name counters, the graph).

    Models and layers made before the call should not be used after it.

    Args:
        free_memory: Whether to also run Python's garbage collection.

    Returns:
        `NULL`, invisibly.
    """
    keras.utils.clear_session(free_memory=bool(A.as_bool(free_memory)))


LOW_LEVEL: dict[str, Callable[..., Any]] = {
    f.__name__: f for f in (train_on_batch, test_on_batch, predict_on_batch, reset_states,
                            reset_state, clear_session)}


def exported() -> dict[str, Callable[..., Any]]:
    return dict(LOW_LEVEL)
