"""An interrupted fit() keeps what it reached.

A Ctrl-C while the engine trains arrives between two training steps as KeyboardInterrupt,
or as an error whose message is how the caller reports an interrupt of its own code (the
boundary registers R's: `recognise()`). The variables already hold the weights reached, so
the model stays usable; Keras's own History callback (`model.history`) holds the epochs that
finished. `interrupted_fit()` makes the error the caller receives: it carries that partial
history.
"""
from __future__ import annotations

from typing import Any

from ..errors import RkError
from .history import History

_MESSAGES: list[str] = []  # texts in an error that mean "interrupted"


def recognise(message: str) -> None:
    """Errors whose text contains `message` are interrupts from now on."""
    if message not in _MESSAGES:
        _MESSAGES.append(message)


def is_interrupt(exc: BaseException | None) -> bool:
    """A Ctrl-C, as Python's KeyboardInterrupt or as a registered message, possibly wrapped
    by Keras or TensorFlow in another exception."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, KeyboardInterrupt) or any(m in str(exc) for m in _MESSAGES):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


class RkInterrupted(RkError):
    r_class = "rkbridge_interrupt"

    def __init__(self, message: str, value: Any = None):
        super().__init__(message)
        self.value = value  # handed to the caller with the condition


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
