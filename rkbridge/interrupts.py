"""An interrupted fit() keeps what it reached.

A Ctrl-C in R while the engine trains arrives as KeyboardInterrupt between two training steps
(reticulate turns R's SIGINT into one). The variables already hold the weights reached, so
the model stays usable; Keras's own History callback (`model.history`) holds the epochs that
finished. `interrupted_fit()` makes the error R receives: it carries that partial history.
"""
from __future__ import annotations

from typing import Any

from .errors import RkError
from .history import History


class RkInterrupted(RkError):
    r_class = "rkbridge_interrupt"

    def __init__(self, message: str, value: Any = None):
        super().__init__(message)
        self.value = value  # the bridge hands it to R with the condition


def interrupted_fit(model: Any, epochs: int, params: dict[str, Any],
                    previous: Any = None) -> RkInterrupted:
    """`previous`: `model.history` before this fit(), which is not this fit's history."""
    keras_history = getattr(model, "history", None)
    done = 0
    if keras_history is not None and keras_history is not previous and \
            getattr(keras_history, "history", None) is not None:
        history = History.from_keras(keras_history, params)
        done = len(next(iter(history.metrics.values()), []))
    else:
        history = History(dict(params), {})
    return RkInterrupted(
        f"fit() was interrupted during epoch {done + 1} of {epochs}: the model keeps the "
        f"weights it reached; the {done} finished epoch"
        f"{'s are' if done != 1 else ' is'} in this condition's `$history`.", history)
