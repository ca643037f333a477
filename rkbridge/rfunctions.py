"""R functions handed to the engine (custom metrics, losses, `callback_lambda()` hooks,
learning-rate schedules), called back safely.

The R package wraps every R function it passes as an `RFunction`. The bridge labels it with
where it was given (`on_epoch_end` of callback_lambda()), so that an R error inside it becomes
an `RkCallbackError` naming that place, which fit() reports as an R error. An R function is
only ever called from the thread that runs R: Keras calling one from another thread gets an
error instead of crashing R.
"""
from __future__ import annotations

import threading
from typing import Any

from .errors import RkError


class RkCallbackError(RkError):
    r_class = "rkbridge_callback_error"


class RFunction:
    """A callable R function with a label saying where the user gave it."""

    def __init__(self, fn: Any, label: str = "an R function"):
        self.fn = fn
        self.label = label
        self.__name__ = "r_function"  # Keras names losses/metrics after their function
        self._thread = threading.get_ident()

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if threading.get_ident() != self._thread:
            raise RkCallbackError(f"The R function given as {self.label} was called from a "
                                  f"background thread; R functions can only run on R's "
                                  f"thread.")
        try:
            return self.fn(*args, **kwargs)
        except RkError:
            raise
        except Exception as e:
            message = str(e).strip() or type(e).__name__
            raise RkCallbackError(f"The R function given as {self.label} failed: "
                                  f"{message}") from e

    def __repr__(self) -> str:
        return f"<R function: {self.label}>"


def label_all(fn_name: str, kwargs: dict[str, Any]) -> None:
    """Label the R functions among `kwargs` (top level and inside lists) with their
    argument's name and `fn_name`, unless they were labelled where first given."""
    def visit(value: Any, arg: str) -> None:
        if isinstance(value, RFunction):
            if value.label == "an R function":
                value.label = f"`{arg}` of {fn_name}()"
        elif isinstance(value, (list, tuple)):
            for v in value:
                visit(v, arg)
        elif isinstance(value, dict):
            for k, v in value.items():
                visit(v, f"{arg}${k}")
    for k, v in kwargs.items():
        visit(v, k)
