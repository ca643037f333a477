"""A picture of a model: Keras's `model_to_dot()` written as an image file (R: `plot(model)`,
which shows it on the current graphics device). It needs the Python package pydot and
Graphviz's `dot` program; without them the error says what to install."""
from __future__ import annotations

import os
import shutil
from typing import Any

from ..wrappers import args as A
from .._keras import keras
from ..errors import RkMissingError, RkValueError

_INSTALL = ("Plotting a model needs the Python package pydot and the Graphviz program `dot`: "
            "install them with `pip install pydot` (in the Python that runs rkbridge) and "
            "your system's graphviz package (Debian/Ubuntu: `apt-get install graphviz`; "
            "macOS: `brew install graphviz`).")


def _require() -> None:
    try:
        import pydot  # noqa: F401
    except ImportError:
        raise RkMissingError(f"The Python package pydot is not installed. {_INSTALL}") \
            from None
    if shutil.which("dot") is None:
        raise RkMissingError(f"Graphviz's `dot` program is not on the PATH. {_INSTALL}")


def _flag(v: Any) -> bool:
    return bool(A.as_bool(v))


def plot_model(model: Any, to_file: Any, show_shapes: Any = False, show_dtype: Any = False,
               show_layer_names: Any = False, rankdir: Any = "TB", expand_nested: Any = False,
               dpi: Any = 200, show_layer_activations: Any = False,
               show_trainable: Any = None, **kwargs: Any) -> str:
    """Write a diagram of `model` to `to_file` (its extension, e.g. ".png" or ".svg", is the
    format). `show_trainable = NULL`: shown when the model has frozen weights. Returns the
    file's path."""
    if not isinstance(model, keras.Model):
        raise RkValueError("`x` must be a Keras model.")
    _require()
    path = os.fspath(A.scalar(to_file))
    fmt = os.path.splitext(path)[1].lstrip(".").lower() or "png"
    if show_trainable is None:
        show_trainable = bool(model.built and model.non_trainable_weights)
    try:
        dot = keras.utils.model_to_dot(
            model, show_shapes=_flag(show_shapes), show_dtype=_flag(show_dtype),
            show_layer_names=_flag(show_layer_names), rankdir=str(A.scalar(rankdir)),
            expand_nested=_flag(expand_nested), dpi=int(A.scalar(dpi)),
            show_layer_activations=_flag(show_layer_activations),
            show_trainable=_flag(show_trainable), **kwargs)
    except ValueError as e:
        raise RkValueError(f"The model cannot be plotted: {e}") from None
    dot.write(path, format=fmt)
    return path


EXPORTS = {"plot_model": plot_model}
