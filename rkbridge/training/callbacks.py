"""Callbacks whose hooks are R functions (or any Python callables).

R users read epochs and batches 1-based (CONVENTIONS.md section 2: the history's first epoch
is epoch 1), so every hook written by a user receives `epoch + 1` / `batch + 1`, and `logs`
as a plain dict of floats (reticulate turns it into a named list). `ADAPTERS` maps a Keras
callback class to the argument translation its family function applies (see
`families.instantiate`); `callback_r()` builds the callback behind R6 / new_callback_class()
custom callbacks.
"""
from __future__ import annotations

import importlib.util
import numbers
from typing import Any, Callable, Mapping

import numpy as np

from ..wrappers import args as A
from .._keras import keras
from ..errors import RkError, RkTypeError, RkValueError
from ..callables import arity, ignore_value
from ..keras_internals import checkpoint_model
from ..persistence.saving import save_checkpoint

# Hooks whose first argument is an epoch or a batch index (shown 1-based).
EPOCH_HOOKS = ("on_epoch_begin", "on_epoch_end")
BATCH_HOOKS = tuple(f"on_{phase}_batch_{when}" for phase in ("train", "test", "predict")
                    for when in ("begin", "end")) + ("on_batch_begin", "on_batch_end")
PLAIN_HOOKS = tuple(f"on_{phase}_{when}" for phase in ("train", "test", "predict")
                    for when in ("begin", "end"))
HOOKS = EPOCH_HOOKS + BATCH_HOOKS + PLAIN_HOOKS


def plain_logs(logs: Mapping[str, Any] | None) -> dict[str, Any]:
    """Keras's logs (tensors, NumPy scalars) as Python floats that reticulate converts."""
    out: dict[str, Any] = {}
    for k, v in (logs or {}).items():
        if v is None or isinstance(v, (bool, int, str)):
            out[k] = v
            continue
        try:
            v = np.asarray(v)
            out[k] = float(v) if v.size == 1 else v.tolist()
        except (TypeError, ValueError):
            out[k] = v
    return out


def call_flexibly(fn: Callable[..., Any], *args: Any) -> Any:
    """Call a user function once, with as many leading arguments as it declares: R functions
    written `function(epoch)` are as welcome as `function(epoch, logs)`. The count comes
    from the function's formals (`arity()`), never from an error's text, so an
    error raised inside the function itself is reported as it is."""
    n = arity(fn)
    return fn(*(args if n is None else args[:n]))


def one_based_hook(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    """A Keras hook calling `fn` with R's view: 1-based epoch/batch, plain logs."""
    if not callable(fn):
        raise RkTypeError(f"`{name}` must be a function, not {type(fn).__name__}.")
    ignore_value(fn)
    if name in EPOCH_HOOKS or name in BATCH_HOOKS:
        def hook(index: int, logs: Mapping[str, Any] | None = None) -> None:
            call_flexibly(fn, int(index) + 1, plain_logs(logs))
    else:
        def hook(logs: Mapping[str, Any] | None = None) -> None:
            call_flexibly(fn, plain_logs(logs))
    return hook


def _lambda_args(kwargs: dict[str, Any]) -> dict[str, Any]:
    """callback_lambda(on_epoch_end = function(epoch, logs) ...): hooks see 1-based indices.
    Keras 2's `on_batch_begin`/`on_batch_end` mean the training batches."""
    out = dict(kwargs)
    for legacy, now in (("on_batch_begin", "on_train_batch_begin"),
                        ("on_batch_end", "on_train_batch_end")):
        if out.get(legacy) is not None and out.get(now) is None:
            out[now] = out.pop(legacy)
    for k in list(out):
        if k.startswith("on_") and out[k] is not None:
            out[k] = one_based_hook(k, out[k])
    return out


def _scheduler_args(kwargs: dict[str, Any]) -> dict[str, Any]:
    """callback_learning_rate_scheduler(function(epoch, lr) ...): `epoch` is 1-based; the
    function returns the new rate (a number)."""
    out = dict(kwargs)
    schedule = out.get("schedule")
    if schedule is None:
        return out
    if not callable(schedule):
        raise RkTypeError("`schedule` must be a function(epoch, lr) returning the learning "
                          "rate.")

    def one_based(epoch: int, lr: float) -> float:
        value = call_flexibly(schedule, int(epoch) + 1, float(lr))
        value = np.asarray(value)
        # not TypeErrors: Keras would take one for "schedule takes one argument"
        if value.size != 1 or not isinstance(value.item(), numbers.Real) or \
                isinstance(value.item(), bool):
            raise RkValueError("The learning rate schedule (`schedule` of "
                               "callback_learning_rate_scheduler()) must return one number, "
                               f"not {value!r}.")
        try:  # Keras would set an Inf, NaN or negative rate and train on
            return A.as_learning_rate(float(value.item()), "schedule")
        except RkValueError:
            raise RkValueError(f"The learning rate schedule (`schedule` of "
                               f"callback_learning_rate_scheduler()) returned "
                               f"{A._show(value.item())} at epoch {int(epoch) + 1}: it must "
                               f"return a finite number >= 0.") from None

    out["schedule"] = one_based
    return out


# keras 2.x's callback_tensorboard() arguments that Keras 3's TensorBoard lacks, and why.
TENSORBOARD_REMOVED: dict[str, str] = {
    "batch_size": "TensorFlow ignored it since 1.14",
    "write_grads": "gradients are not logged",
    "embeddings_layer_names": "embeddings_freq logs every Embedding layer",
    "embeddings_data": "embeddings_freq logs the Embedding layers' weights",
}


def _tensorboard_args(kwargs: dict[str, Any]) -> dict[str, Any]:
    """TensorBoard logs need the `tensorboard` package; say so now rather than mid-fit().
    keras 2.x's removed arguments are ignored with a message; `log_dir = NULL` is "logs"."""
    if importlib.util.find_spec("tensorboard") is None:
        raise RkError("callback_tensorboard() needs the Python package 'tensorboard' in the "
                      "engine's Python: install it there (pip install tensorboard).")
    out = dict(kwargs)
    for name, why in TENSORBOARD_REMOVED.items():
        if name in out:
            value = out.pop(name)
            if value is not None and value is not False and not (
                    isinstance(value, np.ndarray) and value.size == 1 and not value.item()):
                A.removed(name, "callback_tensorboard", why)
    if "log_dir" in out and out["log_dir"] is None:
        del out["log_dir"]
    return out


class _CheckpointWriter:
    """The model as ModelCheckpoint sees it while saving: its saves go through the atomic
    write of save_model() (persistence/saving.py), everything else to the model."""

    def __init__(self, model: Any) -> None:
        self._rk_model = model

    def __getattr__(self, name: str) -> Any:
        return getattr(self._rk_model, name)

    def save(self, filepath: Any, overwrite: bool = True, **kwargs: Any) -> None:
        save_checkpoint(self._rk_model, filepath, weights_only=False)

    def save_weights(self, filepath: Any, overwrite: bool = True, **kwargs: Any) -> None:
        save_checkpoint(self._rk_model, filepath, weights_only=True)


class ModelCheckpoint(keras.callbacks.ModelCheckpoint):
    """callback_model_checkpoint(): Keras's, writing every checkpoint (every format,
    `save_best_only`, weights only) atomically, so that a run killed while saving or a
    session loading the file meanwhile never meets a partial checkpoint."""

    def _save_model(self, epoch: int, batch: Any, logs: Any) -> None:
        with checkpoint_model(self, _CheckpointWriter(self.model)):
            super()._save_model(epoch, batch, logs)


# Keras callback classes whose family function builds rkbridge's version instead.
CLASSES: dict[str, type] = {"ModelCheckpoint": ModelCheckpoint}

ADAPTERS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "LambdaCallback": _lambda_args,
    "LearningRateScheduler": _scheduler_args,
    "TensorBoard": _tensorboard_args,
}


class RCallback(keras.callbacks.Callback):
    """A callback whose hooks are R functions (an R6 KerasCallback or new_callback_class());
    `set_context(params, model)` hands the R object its `params` and `model` before
    training starts."""

    def __init__(self, hooks: Mapping[str, Callable[..., Any]],
                 set_context: Callable[..., Any] | None = None):
        super().__init__()
        self._rk_set_context = set_context
        self._rk_hooks = {}
        for name, fn in hooks.items():
            if name not in HOOKS:
                raise RkTypeError(f"`{name}` is not a callback method; they are: "
                                  f"{', '.join(HOOKS)}.")
            self._rk_hooks[name] = one_based_hook(name, fn)
            setattr(self, name, self._rk_hooks[name])
        if "on_batch_begin" in self._rk_hooks:
            self.on_train_batch_begin = self._rk_hooks["on_batch_begin"]
        if "on_batch_end" in self._rk_hooks:
            self.on_train_batch_end = self._rk_hooks["on_batch_end"]
        train_begin = self._rk_hooks.get("on_train_begin")

        def on_train_begin(logs: Mapping[str, Any] | None = None) -> None:
            if self._rk_set_context is not None:
                self._rk_set_context(plain_logs(self.params), self.model)
            if train_begin is not None:
                train_begin(logs)
        self.on_train_begin = on_train_begin


def callback_r(hooks: Mapping[str, Callable[..., Any]] | None = None,
               set_context: Callable[..., Any] | None = None) -> RCallback:
    """The Keras callback behind an R6 custom callback: `hooks` by method name."""
    return RCallback(dict(hooks or {}), set_context)
