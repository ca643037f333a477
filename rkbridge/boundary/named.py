"""R wrapper functions passed uncalled (`loss = loss_binary_crossentropy`): the R package
sends their names, and the engine resolves them to the Keras objects they stand for."""
from __future__ import annotations

from typing import Any

from ..families import resolve_named


class Named:
    """An R wrapper function passed uncalled (`loss = loss_binary_crossentropy`)."""

    def __init__(self, r_name: str):
        self.r_name = r_name

    def __repr__(self) -> str:
        return f"Named({self.r_name!r})"


def resolve(x: Any) -> Any:
    """`x` with every `Named` (also inside lists and dicts) replaced by what it names."""
    if isinstance(x, Named):
        return resolve_named(x.r_name)
    if isinstance(x, tuple):  # a tuple stays a tuple (Lambda's `output_shape` is added to one)
        return type(x)(*(resolve(i) for i in x)) if hasattr(x, "_fields") \
            else tuple(resolve(i) for i in x)
    if isinstance(x, list):
        return [resolve(i) for i in x]
    if isinstance(x, dict):
        return {k: resolve(v) for k, v in x.items()}
    return x
