"""Methods of Keras's preprocessing layers: `adapt()` (fit a layer's state to data) and
the vocabulary of the lookup layers (`layer_text_vectorization`, `layer_string_lookup`,
`layer_integer_lookup`), with R vectors in and out: a character vector (an R string of
length 1 included) is a list of texts or terms, a numeric vector of whole numbers is a list
of integer terms. `VOCABULARY` is the table the R wrappers are generated from.
"""
from __future__ import annotations

import os
from typing import Any, Callable

import numpy as np

from ..wrappers import args as A
from . import feature_space as FS
from ..errors import RkTypeError, RkValueError
from ..values import owned


def _layer(object: Any, method: str) -> Any:
    if not callable(getattr(object, method, None)):
        raise RkTypeError(f"{method}() needs a preprocessing layer that has it (e.g. "
                          f"layer_text_vectorization(), layer_normalization()), not "
                          f"{type(object).__name__}.")
    return object


def _values(x: Any, arg: str) -> Any:
    """R data as what Keras's preprocessing layers take: string arrays for character data,
    integers for whole numbers, a copy (never R's memory) for the rest."""
    if isinstance(x, str):
        return np.array([x])
    if isinstance(x, (list, tuple)):
        texts = A.strings(x, arg)
        if texts is not None:
            return np.array(texts, dtype=str)
        if all(isinstance(v, (int, float, np.number)) for v in x):
            return _values(np.asarray(x), arg)
        raise RkTypeError(f"`{arg}` must be a character or numeric vector (or array).")
    if isinstance(x, (int, float, np.number)):
        return _values(np.asarray([x]), arg)
    if isinstance(x, np.ndarray):
        if x.dtype.kind == "f" and x.size and np.all(np.isfinite(x)) and \
                np.all(x == np.round(x)) and arg == "vocabulary":
            return np.ascontiguousarray(x, dtype=np.int64)
        return np.array(owned(x), order="C", copy=True)
    return x  # a tensor or a tf.data.Dataset


def adapt(object: Any, data: Any, batch_size: Any = None, steps: Any = None) -> Any:
    """Fit the state of a preprocessing layer to data (a vocabulary, a mean and variance,
    bin boundaries, ...), before training.

    Args:
        object: A preprocessing layer, e.g. from `layer_text_vectorization()`,
            `layer_string_lookup()`, `layer_integer_lookup()`, `layer_normalization()` or
            `layer_discretization()`, or a feature space (`layer_feature_space()`); it is
            changed in place.
        data: The data: a character vector (texts or terms), a numeric array with samples
            first, or a TensorFlow dataset; for a feature space, a named list of vectors
            (one per feature), a data frame or a dataset of named features.
        batch_size: Samples per batch when `data` is an array.
        steps: Number of batches to draw when `data` is a dataset.

    Returns:
        `object`, invisibly.
    """
    if isinstance(object, FS.FeatureSpace):
        return FS.adapt_space(object, data, batch_size=batch_size, steps=steps)
    layer = _layer(object, "adapt")
    kwargs = {}
    if batch_size is not None:
        kwargs["batch_size"] = A.as_integer(batch_size, "batch_size")
    if steps is not None:
        kwargs["steps"] = A.as_integer(steps, "steps")
    layer.adapt(_values(data, "data"), **kwargs)
    return layer


def get_vocabulary(object: Any, include_special_tokens: Any = True) -> Any:
    """The vocabulary of a lookup layer (`layer_text_vectorization()`,
    `layer_string_lookup()`, `layer_integer_lookup()`).

    Args:
        object: The layer.
        include_special_tokens: Whether to include the padding and OOV tokens (then the
            term at position `i` has index `i - 1` in the layer's output).

    Returns:
        A character vector; for `layer_integer_lookup()` a list of integers, as both R
        interfaces gave (Keras's list of NumPy integers, which reticulate keeps a list).
    """
    vocab = _layer(object, "get_vocabulary").get_vocabulary(
        include_special_tokens=bool(A.as_bool(include_special_tokens)))
    vocab = [v.decode() if isinstance(v, bytes) else v for v in vocab]
    if vocab and all(isinstance(v, (int, np.integer)) for v in vocab):
        return [np.int32(v) if -2**31 < v < 2**31 else np.float64(v) for v in vocab]
    return np.array([str(v) for v in vocab], dtype=str)


def set_vocabulary(object: Any, vocabulary: Any, idf_weights: Any = None) -> Any:
    """Set the vocabulary of a lookup layer, instead of adapting it.

    Args:
        object: A `layer_text_vectorization()`, `layer_string_lookup()` or
            `layer_integer_lookup()` layer; it is changed in place.
        vocabulary: A character vector of terms (integers for `layer_integer_lookup()`),
            without the padding and OOV tokens, or the path of a text file with one term per
            line.
        idf_weights: Inverse document frequency weights, one per term (needed with
            `output_mode = "tf_idf"`).

    Returns:
        `object`, invisibly.
    """
    layer = _layer(object, "set_vocabulary")
    if isinstance(vocabulary, str) and not os.path.isfile(os.path.expanduser(vocabulary)):
        vocabulary = [vocabulary]  # one term (an R character vector of length 1)
    values = vocabulary if isinstance(vocabulary, str) else _values(vocabulary, "vocabulary")
    weights = None
    if idf_weights is not None:
        weights = np.array(np.asarray(idf_weights, dtype=np.float64).reshape(-1))
        n = len(values) if not isinstance(values, str) else None
        if n is not None and len(weights) != n:
            raise RkValueError(f"`idf_weights` has {len(weights)} values but `vocabulary` "
                               f"has {n} terms: give one weight per term.")
    layer.set_vocabulary(values, idf_weights=weights)
    return layer


VOCABULARY: dict[str, Callable[..., Any]] = {
    f.__name__: f for f in (adapt, get_vocabulary, set_vocabulary)}


def exported() -> dict[str, Callable[..., Any]]:
    return dict(VOCABULARY)
