"""Values the engine shares with whoever calls it.

The R package describes R's values with these (the boundary makes them before an engine
function runs), and Python users may pass them too:
- `RFactor` (codes and levels), `RDataFrame` (named columns) and `RPartlyNamed` (a list
  where only some elements are named) keep what R's values mean, which arrays, dicts and
  lists cannot; the engine's data rules (data.py) decide what they become.
- `Named`: a function of the R interface given by its name, uncalled
  (`loss = loss_binary_crossentropy`), resolved by the engine where it is used.
- `owned()`: a caller's array may be a read-only view of memory the engine does not own
  (R's, lent for the call); what the engine writes to, or keeps in a form Keras may not
  expect, is a copy.
- `Record`: a result that is only data (the training history). Python users get the
  object; the boundary hands R its `fields()`, plain containers of arrays, so R reads a
  result in the one crossing that returned it.
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from ._keras import keras, tf


def is_tensor(x: Any) -> bool:
    """A TensorFlow tensor (eager or traced) or a Keras symbolic tensor: data that Keras
    takes as it is (checks and casts of arrays do not apply)."""
    return tf.is_tensor(x) or isinstance(x, keras.KerasTensor)


class Record:
    """A result made only of data: `fields()` gives it as plain dicts, lists and arrays."""

    def fields(self) -> dict[str, Any]:
        raise NotImplementedError


def owned(x: Any) -> Any:
    """`x` in memory of the engine's own (a writable copy of a read-only view of memory
    the engine does not own, such as an R vector's).

    Views keep their memory alive by themselves; this is for code that wants to write, or
    to hand Keras memory whose layout it may not expect."""
    if isinstance(x, np.ndarray) and not x.flags.owndata and not x.flags.writeable:
        return np.array(x, copy=True)
    return x


class Named:
    """A function of the R interface passed uncalled (`loss = loss_binary_crossentropy`)."""

    def __init__(self, r_name: str):
        self.r_name = r_name

    def __repr__(self) -> str:
        return f"Named({self.r_name!r})"


def resolve(x: Any) -> Any:
    """`x` with every `Named` (also inside lists and dicts) replaced by what it names."""
    if isinstance(x, Named):
        from .wrappers.families import resolve_named  # families needs this module first
        return resolve_named(x.r_name)
    if isinstance(x, tuple):  # a tuple stays a tuple (Lambda's `output_shape` is added to one)
        return type(x)(*(resolve(i) for i in x)) if hasattr(x, "_fields") \
            else tuple(resolve(i) for i in x)
    if isinstance(x, list):
        return [resolve(i) for i in x]
    if isinstance(x, dict):
        return {k: resolve(v) for k, v in x.items()}
    return x


class RFactor:
    """An R factor: integer codes (1-based, NA as NaN) and its levels."""

    def __init__(self, codes: np.ndarray, levels: Sequence[str]):
        self.codes = np.asarray(codes)
        self.levels = list(levels)

    def __len__(self) -> int:
        return len(self.codes)

    def labels(self) -> list[str | None]:
        """The level of each element (R's codes count the levels from 1); None for NA."""
        codes = np.asarray(self.codes, dtype=np.float64).reshape(-1)
        return [None if np.isnan(c) else self.levels[int(c) - 1] for c in codes]


class RPartlyNamed(list):
    """An R list where only some elements are named (`list(a, b = x)`): a list of the
    elements, with `names` ("" for an unnamed one). A dict would lose all but one of the
    unnamed elements."""

    def __init__(self, items: Sequence[Any], names: Sequence[str]):
        super().__init__(items)
        self.names = list(names)

    def items_named(self) -> list[tuple[str, Any]]:
        return list(zip(self.names, self))


class RDataFrame:
    """An R data.frame: its column names and columns (arrays, RFactor or lists of strings)."""

    def __init__(self, names: Sequence[str], columns: Sequence[Any]):
        self.names = list(names)
        self.columns = list(columns)

    @property
    def nrow(self) -> int:
        return len(self.columns[0]) if self.columns else 0
