"""R functions handed to the engine (custom metrics, losses, `callback_lambda()` hooks,
learning-rate schedules), called back safely.

The R package wraps every R function it passes with `r_function()`. The bridge labels it with
where it was given (`on_epoch_end` of callback_lambda()), so that an R error inside it becomes
an `RkCallbackError` naming that place, which fit() reports as an R error. An R function is
only ever called from the thread that runs R: Keras calling one from another thread gets an
error instead of crashing R.
"""
from __future__ import annotations

import threading
from typing import Any, Callable

from ..callables import is_r_function
from ..errors import RkCallbackError, RkError
from ..training.interrupts import is_interrupt
from ..wrappers.args import NA
from . import interrupts  # noqa: F401  (R's report of an interrupt is one)


class RkJump(BaseException):
    """An R function left by a non-local exit (a restart, a condition caught outside, callCC)
    that R holds (src/jumps.c): the engine unwinds, and R resumes the exit where it called
    the engine. A BaseException, so that no `except Exception` in Keras swallows it."""
    r_class = "rkbridge_jump"


class _Jumped:
    """What the R side of an R function returns when the function's exit was held."""


JUMPED = _Jumped()


class Unconvertible:
    """An R function's value that reticulate could not convert: an error if the value is
    used, ignored where it is not (callback hooks)."""

    def __init__(self, message: str):
        self.message = message


_UNLABELLED = "an R function"


def r_function(fn: Any, label: str = _UNLABELLED,
               formals: Any = None) -> Callable[..., Any]:
    """`fn` (an R function, as reticulate hands it over) as a plain Python function that
    reports an R error as an RkCallbackError naming `label`. A function, not a callable
    object, so Keras treats it (inspection, serialization) as it treated reticulate's.
    `formals`: the names of the R function's formal arguments (None when R could not say),
    kept so that callers can decide how many arguments to pass without trying
    (`callables.arity()`)."""
    names = None if formals is None else \
        [str(formals)] if isinstance(formals, str) else [str(f) for f in formals]
    state = {"label": label, "formals": names}
    thread = threading.get_ident()

    def r_function(*args: Any, **kwargs: Any) -> Any:
        if threading.get_ident() != thread:
            raise RkCallbackError(f"The R function given as {state['label']} was called from "
                                  f"a background thread; R functions can only run on R's "
                                  f"thread.")
        try:
            value = fn(*args, **kwargs)
        except RkError:
            raise
        except Exception as e:
            message = str(e).strip() or type(e).__name__
            if is_interrupt(e):  # Ctrl-C while the R function ran
                raise KeyboardInterrupt from e
            raise RkCallbackError(f"The R function given as {state['label']} failed: "
                                  f"{message}") from e
        if value is JUMPED:
            raise RkJump(f"The R function given as {state['label']} left by a non-local exit.")
        if state.get("value_unused"):
            return None
        if isinstance(value, str):  # no engine callback (metric, loss, schedule) takes one
            raise RkCallbackError(f"The R function given as "
                                  f"{state.get('value_of', state['label'])} returned a "
                                  f"string (\"{value[:40]}\"), not a number or tensor.")
        if value is NA:  # R's NA: no engine callback takes it (reticulate would say TRUE)
            raise RkCallbackError(f"The R function given as "
                                  f"{state.get('value_of', state['label'])} returned NA, not "
                                  f"a number or tensor.")
        if isinstance(value, Unconvertible):
            raise RkCallbackError(f"The R function given as {state['label']} returned a value "
                                  f"that cannot be passed to the engine: {value.message}")
        return value

    r_function._rk_state = state  # type: ignore[attr-defined]
    return r_function


def label_all(fn_name: str, kwargs: dict[str, Any]) -> None:
    """Label the R functions among `kwargs` (top level and inside lists) with their
    argument's name and `fn_name`, unless they were labelled where first given."""
    def visit(value: Any, arg: str) -> None:
        if is_r_function(value):
            if value._rk_state["label"] == _UNLABELLED:
                value._rk_state["label"] = f"`{arg}` of {fn_name}()"
        elif isinstance(value, (list, tuple)):
            for v in value:
                visit(v, arg)
        elif isinstance(value, dict):
            for k, v in value.items():
                visit(v, f"{arg}${k}")
    for k, v in kwargs.items():
        visit(v, k)
