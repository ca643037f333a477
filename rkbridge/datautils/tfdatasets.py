"""A core of the tfdatasets R package (`tensor_slices_dataset()`, `dataset_batch()`,
`dataset_map()`, `as_array_iterator()`, ...) over `tf.data`, with R's conventions: R arrays
in (through the transport, so an R matrix's rows are the dataset's elements), R arrays out
(`iter_next()`, `dataset_collect()`), counts and sizes as R numbers.

`dataset_map()` takes a Python callable (a Keras layer, a TensorFlow function) or an R
function. tf.data traces the function once, when the map is made, on the calling thread
(R's): the R function is called then with symbolic tensors, and what it computes with tensor
operations (arithmetic, `op_*()`, `tf$...`, layers) becomes the graph tf.data runs. The R
function is not called per element, so it cannot use R code that needs the values (an R
`if` on a tensor's value, base R functions on arrays).
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from ..wrappers import args as A
from .._keras import tf
from ..callables import is_r_function
from ..values import RDataFrame, RFactor
from ..errors import RkTypeError, RkValueError

_Dataset = tf.data.Dataset


# -- R values in ---------------------------------------------------------------------------

def _structure(x: Any, arg: str) -> Any:
    """An R value as tf.data's element structure: an unnamed list -> a tuple, a named list
    or data frame -> a dict of its columns, arrays as NumPy arrays of the engine's own."""
    if isinstance(x, RDataFrame):
        return {n: _column(c, f"{arg}${n}") for n, c in zip(x.names, x.columns)}
    if isinstance(x, RFactor):
        raise RkTypeError(f"`{arg}` is a factor: convert it with as.integer() or "
                          f"as.character() first.")
    if isinstance(x, dict):
        return {k: _structure(v, f"{arg}${k}") for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        if isinstance(x, list) and x and all(isinstance(v, (int, float, bool, str))
                                             for v in x):
            return np.asarray(x)  # as TensorFlow converts a list of numbers: one array
        return tuple(_structure(v, f"{arg}[[{i + 1}]]") for i, v in enumerate(x))
    if isinstance(x, np.ndarray):
        return np.array(x, copy=True) if not x.flags.owndata else x
    return x


def _column(col: Any, arg: str) -> Any:
    if isinstance(col, RFactor):
        raise RkTypeError(f"`{arg}` is a factor: convert it with as.integer() or "
                          f"as.character() first.")
    if isinstance(col, list):  # a character column
        return np.array(col, dtype=str)
    return _structure(col, arg)


def _dataset(x: Any, arg: str = "dataset") -> Any:
    if not isinstance(x, _Dataset):
        raise RkTypeError(f"`{arg}` must be a TensorFlow dataset (e.g. from "
                          f"tensor_slices_dataset()), not {type(x).__name__}.")
    return x


def _count(x: Any, arg: str, default: int | None = None) -> int | None:
    if x is None:
        return default
    n = A.as_integer(x, arg)
    return n


# -- making datasets ---------------------------------------------------------------------------

def tensor_slices_dataset(tensors: Any) -> Any:
    """A dataset whose elements are the slices of `tensors` along their first axis (the rows
    of a matrix, the first index of an array; the rows of a data frame as named lists).

    Args:
        tensors: An R array, a (named) list of arrays with the same number of rows, or a
            data frame.

    Returns:
        A `tf.data.Dataset`.
    """
    return _Dataset.from_tensor_slices(_structure(tensors, "tensors"))


def tensors_dataset(tensors: Any) -> Any:
    """A dataset of one element, `tensors` (an array or a list of arrays) as it is.

    Args:
        tensors: An R array or a (named) list of them.

    Returns:
        A `tf.data.Dataset`.
    """
    return _Dataset.from_tensors(_structure(tensors, "tensors"))


def range_dataset(from_: Any = 0, to: Any = 0, by: Any = 1) -> Any:
    """The integers `from_`, `from_ + by`, ... up to but excluding `to` (as tf.data.Dataset.range).

    Args:
        from_: The first value.
        to: The end (excluded).
        by: The step.

    Returns:
        A `tf.data.Dataset` of int64 scalars.
    """
    return _Dataset.range(A.as_integer(from_, "from"), A.as_integer(to, "to"),
                          A.as_integer(by, "by"))


def zip_datasets(*datasets: Any) -> Any:
    """A dataset whose elements are tuples of the elements of `datasets`, in step.

    Args:
        *datasets: Datasets (or one list of them).

    Returns:
        A `tf.data.Dataset`.
    """
    if len(datasets) == 1 and isinstance(datasets[0], (list, tuple)):
        datasets = tuple(datasets[0])
    return _Dataset.zip(tuple(_dataset(d, f"datasets[[{i + 1}]]")
                              for i, d in enumerate(datasets)))


# -- transformations ---------------------------------------------------------------------------

def _parallel_options(num_parallel_calls: Any, deterministic: Any) -> dict[str, Any]:
    """tf.data's `num_parallel_calls` and `deterministic`, those given."""
    kw: dict[str, Any] = {}
    if num_parallel_calls is not None:
        kw["num_parallel_calls"] = _parallel(num_parallel_calls)
    if deterministic is not None:
        kw["deterministic"] = A.as_bool(deterministic, "deterministic")
    return kw


def dataset_batch(dataset: Any, batch_size: Any, drop_remainder: Any = False,
                  num_parallel_calls: Any = None, deterministic: Any = None) -> Any:
    """Combine consecutive elements into batches of `batch_size` (a new first axis).

    Args:
        dataset: A dataset.
        batch_size: Elements per batch.
        drop_remainder: Whether to drop a last batch smaller than `batch_size`.
        num_parallel_calls: Batches computed in parallel (NULL: sequentially).
        deterministic: Whether the order must be kept when computing in parallel.

    Returns:
        The batched dataset.
    """
    kw = _parallel_options(num_parallel_calls, deterministic)
    return _dataset(dataset).batch(A.as_integer(batch_size, "batch_size"),
                                   drop_remainder=A.as_bool(drop_remainder, "drop_remainder"),
                                   **kw)


def dataset_unbatch(dataset: Any) -> Any:
    """Split each element's first axis into separate elements (the inverse of a batch)."""
    return _dataset(dataset).unbatch()


def dataset_repeat(dataset: Any, count: Any = None) -> Any:
    """Repeat the dataset `count` times (NULL: forever)."""
    return _dataset(dataset).repeat(_count(count, "count"))


def dataset_shuffle(dataset: Any, buffer_size: Any, seed: Any = None,
                    reshuffle_each_iteration: Any = None) -> Any:
    """Shuffle the elements with a buffer of `buffer_size` elements (a buffer as large as the
    dataset shuffles it fully)."""
    kw: dict[str, Any] = {}
    if reshuffle_each_iteration is not None:
        kw["reshuffle_each_iteration"] = A.as_bool(reshuffle_each_iteration,
                                                   "reshuffle_each_iteration")
    return _dataset(dataset).shuffle(A.as_integer(buffer_size, "buffer_size"),
                                     seed=_count(seed, "seed"), **kw)


def dataset_take(dataset: Any, count: Any) -> Any:
    """The first `count` elements (-1: all)."""
    return _dataset(dataset).take(A.as_integer(count, "count"))


def dataset_skip(dataset: Any, count: Any) -> Any:
    """All but the first `count` elements."""
    return _dataset(dataset).skip(A.as_integer(count, "count"))


def dataset_prefetch(dataset: Any, buffer_size: Any = None) -> Any:
    """Prepare up to `buffer_size` elements ahead (NULL: tuned by TensorFlow)."""
    size = tf.data.AUTOTUNE if buffer_size is None else A.as_integer(buffer_size,
                                                                      "buffer_size")
    return _dataset(dataset).prefetch(size)


def dataset_cache(dataset: Any, filename: Any = None) -> Any:
    """Keep the elements after the first pass, in memory or (`filename`) in a file."""
    return _dataset(dataset).cache("" if filename is None else str(A.scalar(filename)))


def dataset_concatenate(dataset: Any, other: Any) -> Any:
    """The elements of `dataset`, then those of `other`."""
    return _dataset(dataset).concatenate(_dataset(other, "other"))


def _parallel(n: Any) -> int:
    if isinstance(n, str) or n is tf.data.AUTOTUNE:
        return tf.data.AUTOTUNE
    return A.as_integer(n, "num_parallel_calls")


def _element_function(fn: Any, what: str) -> Callable[..., Any]:
    if not callable(fn):
        raise RkTypeError(f"`{what}` must be a function (an R function, a formula, a Keras "
                          f"layer or a Python callable), not {type(fn).__name__}.")
    if not is_r_function(fn):
        return fn

    def call_r(*args: Any) -> Any:
        return _r_result(fn(*args))
    return call_r


def _r_result(x: Any) -> Any:
    """What an R function returned to tf.data: an unnamed list is a tuple."""
    if isinstance(x, list):
        return tuple(_r_result(v) for v in x)
    if isinstance(x, dict):
        return {k: _r_result(v) for k, v in x.items()}
    return x


def dataset_map(dataset: Any, map_func: Any, num_parallel_calls: Any = None,
                deterministic: Any = None) -> Any:
    """Apply `map_func` to each element. An element that is a tuple (an unnamed list) is
    passed as separate arguments, a dict (named list) as one named list.

    `map_func` is traced once, on the calling thread: an R function is called with symbolic
    tensors and must compute its result with tensor operations.

    Args:
        dataset: A dataset.
        map_func: An R function or formula, a Keras layer, or a Python callable.
        num_parallel_calls: Elements processed in parallel (NULL: sequentially; "auto" or
            `tf$data$AUTOTUNE`: tuned).
        deterministic: Whether the order must be kept when processing in parallel.

    Returns:
        The mapped dataset.
    """
    kw = _parallel_options(num_parallel_calls, deterministic)
    return _dataset(dataset).map(_element_function(map_func, "map_func"), **kw)


def dataset_filter(dataset: Any, predicate: Any) -> Any:
    """The elements for which `predicate` (traced like dataset_map()'s function) gives TRUE."""
    return _dataset(dataset).filter(_element_function(predicate, "predicate"))


# -- R values out ------------------------------------------------------------------------------

def _to_r(x: Any) -> Any:
    """An element (tensors, nested tuples/dicts) as R arrays: tuples -> unnamed lists,
    dicts -> named lists, strings -> character."""
    if isinstance(x, dict):
        return {k: _to_r(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_to_r(v) for v in x]
    if tf.is_tensor(x):
        x = x.numpy()
    if isinstance(x, np.ndarray) and x.dtype.kind in "OS":
        return np.vectorize(lambda b: b.decode("utf-8") if isinstance(b, bytes) else str(b),
                            otypes=[str])(x) if x.size else x.astype(str)
    if isinstance(x, bytes):
        return x.decode("utf-8")
    return x


class ArrayIterator:
    """An iterator over a dataset's elements as R arrays (as_array_iterator())."""

    def __init__(self, dataset: Any):
        self._it = iter(dataset)

    def __iter__(self) -> "ArrayIterator":
        return self

    def __next__(self) -> Any:
        return _to_r(next(self._it))


def as_array_iterator(dataset: Any) -> ArrayIterator:
    """An iterator whose `iter_next()` gives the dataset's next element as R arrays."""
    return ArrayIterator(_dataset(dataset))


def as_iterator(dataset: Any) -> Any:
    """An iterator whose `iter_next()` gives the dataset's next element as tensors."""
    return iter(_dataset(dataset))


_DONE = object()


def iter_next(it: Any, completed: Any = None) -> Any:
    """The next element of an iterator (as_array_iterator(), as_iterator(), a Python
    iterator), or `completed` (NULL) when there is none."""
    if isinstance(it, _Dataset):
        raise RkTypeError("iter_next() needs an iterator: make one with "
                          "as_array_iterator(dataset) (R arrays) or as_iterator(dataset).")
    value = next(it, _DONE)
    return completed if value is _DONE else value


def dataset_collect(dataset: Any, n: Any = None) -> list[Any]:
    """The (first `n`) elements of a dataset as a list of R arrays."""
    ds = _dataset(dataset)
    if n is not None:
        ds = ds.take(A.as_integer(n, "n"))
    return [_to_r(e) for e in ds]


def dataset_cardinality(dataset: Any) -> Any:
    """The number of elements: NA when unknown, Inf when infinite."""
    n = int(_dataset(dataset).cardinality().numpy())
    if n == int(tf.data.INFINITE_CARDINALITY):
        return float("inf")
    if n == int(tf.data.UNKNOWN_CARDINALITY):
        return float("nan")
    return n


EXPORTS: dict[str, Callable[..., Any]] = {f.__name__: f for f in (
    tensor_slices_dataset, tensors_dataset, range_dataset, zip_datasets, dataset_batch,
    dataset_unbatch, dataset_repeat, dataset_shuffle, dataset_take, dataset_skip,
    dataset_prefetch, dataset_cache, dataset_concatenate, dataset_map, dataset_filter,
    as_array_iterator, as_iterator, iter_next, dataset_collect, dataset_cardinality)}
