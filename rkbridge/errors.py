"""Engine errors that the R face turns into classed R conditions.

Each class carries `r_class`, the specific R condition class; all of them are also
`rkbridge_error`. Messages are written in R terms (argument names, `c(100, 3)` dimensions,
1-based indices) because they are read by R users as they are.
"""
from __future__ import annotations

from difflib import get_close_matches
from typing import Iterable, Sequence


class RkError(Exception):
    r_class = "rkbridge_error"


class RkCallbackError(RkError):
    """A function handed in by the caller (an R function) failed."""
    r_class = "rkbridge_callback_error"


class RkValueError(RkError, ValueError):
    r_class = "rkbridge_value_error"


class RkShapeError(RkValueError):
    r_class = "rkbridge_shape_error"


class RkTypeError(RkError, TypeError):
    r_class = "rkbridge_type_error"


class RkIndexError(RkError, IndexError):
    r_class = "rkbridge_index_error"


class RkNotCompiledError(RkError):
    r_class = "rkbridge_not_compiled_error"


class RkIOError(RkError, OSError):
    r_class = "rkbridge_io_error"


class RkNetworkError(RkError):
    r_class = "rkbridge_network_error"


class RkMissingError(RkError):
    """Something to install first (a Python package, a system program)."""
    r_class = "rkbridge_missing_error"


class RkRemovedError(RkError):
    """A Keras 2 function that Keras 3 no longer has (graph-mode APIs)."""
    r_class = "rkbridge_removed_error"


def r_dims(shape: Iterable) -> str:
    """Format a shape the way R prints `dim()`: c(100, 3); unknown sizes as NA."""
    parts = ["NA" if d is None else str(int(d)) for d in shape]
    return "c(" + ", ".join(parts) + ")"


def suggest(name: str, choices: Sequence[str]) -> str:
    close = get_close_matches(name, list(choices), n=3, cutoff=0.6)
    if close:
        return " Did you mean " + " or ".join(repr(c) for c in close) + "?"
    return ""
