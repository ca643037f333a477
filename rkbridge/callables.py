"""Functions handed in from the caller's language (R), as the engine sees them.

The boundary wraps every R function it passes as a plain Python function carrying its state
in `_rk_state` (boundary/rfunctions.py): where it was given (`label`), the names of its
formal arguments (`formals`, None when R could not say), and whether its value is used.
The engine asks here what such a function is and how many arguments it takes, never by
trying.
"""
from __future__ import annotations

import inspect
from typing import Any


def is_r_function(x: Any) -> bool:
    return callable(x) and isinstance(getattr(x, "_rk_state", None), dict)


def ignore_value(fn: Any) -> None:
    """`fn`'s value is not used (a callback hook): whatever it is, it is not an error."""
    if is_r_function(fn):
        fn._rk_state["value_unused"] = True


def arity(fn: Any) -> int | None:
    """How many leading positional arguments `fn` takes, from its declaration: an R
    function's formals (`...` takes any number), a Python function's signature. None when
    there is no limit or it cannot be known (then callers pass every argument)."""
    if is_r_function(fn):
        names = fn._rk_state.get("formals")
        return None if names is None or "..." in names else len(names)
    try:
        params = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):
        return None
    if any(p.kind is p.VAR_POSITIONAL for p in params):
        return None
    return sum(p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) for p in params)
