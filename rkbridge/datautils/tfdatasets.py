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
from .._keras import keras, tf
from ..callables import is_r_function
from ..values import RDataFrame, RFactor
from ..errors import RkTypeError, RkValueError
from .preprocessing import unreadable_file

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


def dataset_flat_map(dataset: Any, map_func: Any) -> Any:
    """Map each element to a dataset (`map_func`, traced like dataset_map()'s function) and
    chain those datasets' elements."""
    return _dataset(dataset).flat_map(_element_function(map_func, "map_func"))


def dataset_interleave(dataset: Any, map_func: Any, cycle_length: Any = None,
                       block_length: Any = 1, num_parallel_calls: Any = None,
                       deterministic: Any = None) -> Any:
    """Map each element to a dataset and interleave their elements: `cycle_length`
    datasets are open at once (NULL: tuned), `block_length` elements are taken from each in
    turn. The way to read many files (a `file_list_dataset()` mapped to
    `text_line_dataset()` or `tfrecord_dataset()`) with a few open at a time."""
    kw = _parallel_options(num_parallel_calls, deterministic)
    if cycle_length is not None:
        kw["cycle_length"] = A.as_integer(cycle_length, "cycle_length")
    return _dataset(dataset).interleave(_element_function(map_func, "map_func"),
                                        block_length=A.as_integer(block_length,
                                                                  "block_length"), **kw)


def dataset_rebatch(dataset: Any, batch_size: Any, drop_remainder: Any = False) -> Any:
    """Batches of other sizes from a batched dataset, without unbatching: `batch_size` a
    number, or a vector of sizes taken in turn."""
    size = np.atleast_1d(np.asarray(batch_size))
    if size.size == 0 or np.any(size <= 0) or np.any(size != np.round(size)):
        raise RkValueError(f"`batch_size` must be positive whole numbers, not {batch_size}.")
    sizes: Any = int(size[0]) if size.size == 1 else [int(v) for v in size]
    return _dataset(dataset).rebatch(sizes, drop_remainder=A.as_bool(drop_remainder,
                                                                     "drop_remainder"))


def dataset_shard(dataset: Any, num_shards: Any, index: Any) -> Any:
    """Every `num_shards`-th element, starting at element `index` (1-based: shard 1 of 3
    has elements 1, 4, 7, ...)."""
    n = A.as_integer(num_shards, "num_shards")
    i = A.as_integer(index, "index")
    if not isinstance(n, int) or n < 1:
        raise RkValueError(f"`num_shards` must be a positive whole number, not {num_shards}.")
    if not isinstance(i, int) or not 1 <= i <= n:
        raise RkValueError(f"`index` must be between 1 and {n} (1-based), not {index}.")
    return _dataset(dataset).shard(n, i - 1)


def _state_like(x: Any, element_spec: Any) -> Any:
    """An initial state from R as tensors: an R number takes the dtype of a dataset whose
    element is one number tensor (summing int64 counts in an integer state), else floatx."""
    if isinstance(x, dict):
        return {k: _state_like(v, element_spec) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return tuple(_state_like(v, element_spec) for v in x)
    if tf.is_tensor(x):
        return x
    a = np.asarray(x)
    if a.dtype.kind in "fiu":
        dtype = element_spec.dtype if isinstance(element_spec, tf.TensorSpec) and \
            (element_spec.dtype.is_floating or element_spec.dtype.is_integer) else \
            keras.config.floatx()
        return tf.constant(a, dtype=dtype)
    return tf.constant(a)


def dataset_reduce(dataset: Any, initial_state: Any, reduce_func: Any) -> Any:
    """Fold the dataset into one value: `reduce_func(state, element)` (traced like
    dataset_map()'s function) gives the next state, starting from `initial_state`; the
    final state comes back as R arrays."""
    ds = _dataset(dataset)
    fn = _element_function(reduce_func, "reduce_func")
    return _to_r(ds.reduce(_state_like(_structure(initial_state, "initial_state"),
                                       ds.element_spec), fn))


def dataset_scan(dataset: Any, initial_state: Any, scan_func: Any) -> Any:
    """A running fold: `scan_func(state, element)` returns `list(new_state, output)`; the
    dataset of the outputs (dataset_reduce()'s states along the way)."""
    ds = _dataset(dataset)
    return ds.scan(_state_like(_structure(initial_state, "initial_state"), ds.element_spec),
                   _element_function(scan_func, "scan_func"))


def dataset_padded_batch(dataset: Any, batch_size: Any, padded_shapes: Any = None,
                         padding_values: Any = None, drop_remainder: Any = False) -> Any:
    """Batches of elements of different shapes (sequences of different lengths), each
    padded to the longest of its batch (or to `padded_shapes`; NA: the longest)."""
    shapes = None
    if padded_shapes is not None:
        shapes = tf.nest.map_structure(
            lambda d: [None if d is None or (isinstance(d, float) and np.isnan(d)) else int(d)
                       for d in np.atleast_1d(d)] if np.size(d) else [],
            _r_result(padded_shapes))
    ds = _dataset(dataset)
    values = None if padding_values is None else tf.nest.map_structure(
        lambda spec, v: tf.cast(tf.constant(v), spec.dtype), ds.element_spec,
        _r_result(padding_values))  # in each component's dtype (R's 0 is a double)
    return ds.padded_batch(
        A.as_integer(batch_size, "batch_size"), padded_shapes=shapes, padding_values=values,
        drop_remainder=A.as_bool(drop_remainder, "drop_remainder"))


def dataset_enumerate(dataset: Any, start: Any = 1) -> Any:
    """Each element paired with its position: `list(i, element)`, counting from `start`
    (1, as R counts; tf.data counts from 0)."""
    return _dataset(dataset).enumerate(A.as_integer(start, "start"))


def dataset_take_while(dataset: Any, predicate: Any) -> Any:
    """The elements up to the first for which `predicate` is FALSE."""
    return _dataset(dataset).take_while(_element_function(predicate, "predicate"))


def dataset_unique(dataset: Any) -> Any:
    """Each distinct element once (elements that are one integer or string tensor)."""
    return _dataset(dataset).unique()


def sample_from_datasets(datasets: Any, weights: Any = None, seed: Any = None,
                         stop_on_empty_dataset: Any = True) -> Any:
    """Elements drawn at random from `datasets` (a list), each with its probability
    `weights` (NULL: equal)."""
    ds = [_dataset(d, f"datasets[[{i + 1}]]") for i, d in enumerate(list(datasets))]
    w = None if weights is None else [float(v) for v in np.atleast_1d(weights)]
    return _Dataset.sample_from_datasets(ds, weights=w, seed=_count(seed, "seed"),
                                         stop_on_empty_dataset=A.as_bool(
                                             stop_on_empty_dataset, "stop_on_empty_dataset"))


_SHARD_POLICIES = ("off", "auto", "file", "data", "hint")


def dataset_options(dataset: Any, **options: Any) -> Any:
    """Set `tf.data.Options` (dotted names reach nested ones:
    `experimental_distribute.auto_shard_policy = "data"`); without options, the dataset's
    options as they are. The auto-shard policy is a name: "auto" (by file when the dataset
    reads files, else by element), "file", "data", "hint" or "off"."""
    ds = _dataset(dataset)
    if not options:
        return ds.options()
    opts = tf.data.Options()
    for name, value in options.items():
        target, parts = opts, name.split(".")
        for p in parts[:-1]:
            if not hasattr(target, p):
                raise RkValueError(f"Unknown dataset option \"{name}\" (no \"{p}\").")
            target = getattr(target, p)
        leaf = parts[-1]
        if not hasattr(target, leaf):
            raise RkValueError(f"Unknown dataset option \"{name}\".")
        if leaf == "auto_shard_policy" and isinstance(value, str):
            if value.lower() not in _SHARD_POLICIES:
                raise RkValueError(f"`{name}` must be one of "
                                   f"{', '.join(repr(p) for p in _SHARD_POLICIES)}, "
                                   f"not \"{value}\".")
            value = getattr(tf.data.experimental.AutoShardPolicy, value.upper())
        elif isinstance(value, float) and value == int(value):
            value = int(value)
        setattr(target, leaf, value)
    return ds.with_options(opts)


# -- files -------------------------------------------------------------------------------------

def _paths(filenames: Any, arg: str = "filenames") -> Any:
    if tf.is_tensor(filenames) or isinstance(filenames, _Dataset):
        return filenames  # a file name inside a map (dataset_interleave()), a file_list_dataset()
    files = [filenames] if isinstance(filenames, str) else list(np.atleast_1d(filenames))
    if not files:
        raise RkValueError(f"`{arg}` names no file.")
    return [str(f) for f in files]


def _compression(x: Any) -> str:
    value = "" if x is None else str(A.scalar(x)).upper()
    if value not in ("", "GZIP", "ZLIB"):
        raise RkValueError(f"`compression_type` must be NULL, \"GZIP\" or \"ZLIB\", not "
                           f"\"{x}\".")
    return value


def file_list_dataset(file_pattern: Any, shuffle: Any = False, seed: Any = None) -> Any:
    """The names of the files matching `file_pattern` (a glob, or a vector of them), sorted.
    Unlike tf.data's default, not shuffled unless asked: every worker of a cluster must list
    the files in the same order for sharding by file (a shuffle needs a `seed` for that)."""
    return _Dataset.list_files(_paths(file_pattern, "file_pattern"),
                               shuffle=A.as_bool(shuffle, "shuffle"), seed=_count(seed, "seed"))


def text_line_dataset(filenames: Any, compression_type: Any = None, buffer_size: Any = None,
                      num_parallel_reads: Any = None) -> Any:
    """The lines of text files (strings, without the newline), file after file; read as
    they are needed, so a file larger than memory streams."""
    return tf.data.TextLineDataset(_paths(filenames), _compression(compression_type),
                                   _count(buffer_size, "buffer_size"),
                                   _count(num_parallel_reads, "num_parallel_reads"))


def tfrecord_dataset(filenames: Any, compression_type: Any = None, buffer_size: Any = None,
                     num_parallel_reads: Any = None, features: Any = None) -> Any:
    """The records of TFRecord files, streamed. With `features` (what write_tfrecords()
    returns, or a named list of `list(dtype =, shape =)`), each record is parsed into a
    named list of arrays; without it, records are serialized strings."""
    ds = tf.data.TFRecordDataset(_paths(filenames), _compression(compression_type),
                                 _count(buffer_size, "buffer_size"),
                                 _count(num_parallel_reads, "num_parallel_reads"))
    if features is None:
        return ds
    spec = {str(k): tf.io.FixedLenFeature(
        [int(d) for d in np.atleast_1d(v.get("shape", [])) if v.get("shape") is not None],
        tf.as_dtype(str(A.scalar(v.get("dtype", "float32")))))
        for k, v in dict(features).items()}
    return ds.map(lambda r: tf.io.parse_single_example(r, spec),
                  num_parallel_calls=tf.data.AUTOTUNE, deterministic=True)


def _columns(x: Any) -> dict[str, np.ndarray]:
    if isinstance(x, RDataFrame):
        return {n: np.asarray(_column(c, f"x${n}")) for n, c in zip(x.names, x.columns)}
    if isinstance(x, dict):
        return {str(k): np.asarray(_structure(v, f"x${k}")) for k, v in x.items()}
    raise RkTypeError("`x` must be a data frame or a named list of arrays with the same "
                      "number of rows.")


def write_tfrecords(x: Any, filenames: Any, compression_type: Any = None) -> dict[str, Any]:
    """Write the rows of `x` (a data frame, or a named list of arrays with equal rows) as
    `tf.train.Example` records: one record per row, a feature per column (doubles as
    float32, integers and logicals as int64, strings as bytes; an array's row is stored
    whole). Several `filenames` split the rows into that many consecutive shards. Returns
    the features, for `tfrecord_dataset(features = )`."""
    cols = _columns(x)
    rows = {len(v) for v in cols.values()}
    if len(rows) != 1:
        raise RkValueError(f"The columns of `x` have different numbers of rows: "
                           f"{', '.join(f'{k} {len(v)}' for k, v in cols.items())}.")
    n = rows.pop()
    kinds: dict[str, tuple[str, str]] = {}
    for k, v in cols.items():
        if v.dtype.kind == "f":
            cols[k], kinds[k] = v.astype(np.float32), ("float32", "float_list")
        elif v.dtype.kind in "iub":
            cols[k], kinds[k] = v.astype(np.int64), ("int64", "int64_list")
        else:
            cols[k], kinds[k] = v.astype(str), ("string", "bytes_list")
    files = _paths(filenames)
    bounds = np.linspace(0, n, len(files) + 1).round().astype(int)
    Feature, train = tf.train.Feature, tf.train
    lists = {"float_list": train.FloatList, "int64_list": train.Int64List,
             "bytes_list": train.BytesList}

    def feature(k: str, v: np.ndarray) -> Any:
        kind = kinds[k][1]
        flat = v.reshape(-1)
        values = [s.encode("utf-8") for s in flat] if kind == "bytes_list" else flat
        return Feature(**{kind: lists[kind](value=values)})

    options = tf.io.TFRecordOptions(compression_type=_compression(compression_type))
    for f, lo, hi in zip(files, bounds[:-1], bounds[1:]):
        with tf.io.TFRecordWriter(f, options) as w:
            for i in range(lo, hi):
                w.write(train.Example(features=train.Features(feature={
                    k: feature(k, v[i]) for k, v in cols.items()})).SerializeToString())
    return {k: {"dtype": kinds[k][0], "shape": [int(d) for d in v.shape[1:]]}
            for k, v in cols.items()}


def _csv_files(file_pattern: Any) -> list[str]:
    import glob
    files = sorted({f for p in _paths(file_pattern, "file_pattern") for f in glob.glob(p)})
    if not files:
        raise RkValueError(f"No file matches `file_pattern` "
                           f"({', '.join(_paths(file_pattern, 'file_pattern'))}).")
    return files


def make_csv_dataset(file_pattern: Any, batch_size: Any, column_names: Any = None,
                     column_defaults: Any = None, label_name: Any = None,
                     select_columns: Any = None, field_delim: str = ",",
                     use_quote_delim: bool = True, na_value: str = "", header: bool = True,
                     num_epochs: Any = None, shuffle: bool = True,
                     shuffle_buffer_size: Any = 10000, shuffle_seed: Any = None,
                     prefetch_buffer_size: Any = None, num_parallel_reads: Any = None,
                     sloppy: bool = False, num_rows_for_inference: Any = 100) -> Any:
    """tf.data's make_csv_dataset(): batches of CSV rows as (named list of columns[,
    label]), streamed from the files, repeated `num_epochs` times (NULL: without end),
    shuffled unless `shuffle = FALSE`. Column types are inferred from the first
    `num_rows_for_inference` rows unless `column_defaults` gives them."""
    kw: dict[str, Any] = dict(
        column_names=None if column_names is None else [str(c) for c in
                                                        np.atleast_1d(column_names)],
        column_defaults=None if column_defaults is None else list(column_defaults),
        label_name=None if label_name is None else str(A.scalar(label_name)),
        select_columns=None if select_columns is None else list(np.atleast_1d(select_columns)),
        field_delim=str(field_delim), use_quote_delim=A.as_bool(use_quote_delim,
                                                                "use_quote_delim"),
        na_value=str(na_value), header=A.as_bool(header, "header"),
        num_epochs=_count(num_epochs, "num_epochs"), shuffle=A.as_bool(shuffle, "shuffle"),
        shuffle_buffer_size=A.as_integer(shuffle_buffer_size, "shuffle_buffer_size"),
        shuffle_seed=_count(shuffle_seed, "shuffle_seed"),
        num_parallel_reads=_count(num_parallel_reads, "num_parallel_reads"),
        sloppy=A.as_bool(sloppy, "sloppy"),
        num_rows_for_inference=_count(num_rows_for_inference, "num_rows_for_inference"))
    if prefetch_buffer_size is not None:
        kw["prefetch_buffer_size"] = A.as_integer(prefetch_buffer_size, "prefetch_buffer_size")
    return tf.data.experimental.make_csv_dataset(
        _csv_files(file_pattern), A.as_integer(batch_size, "batch_size"), **kw)


def _csv_columns(first_file: str, column_names: Any, header: bool, field_delim: str,
                 rows: int) -> tuple[list[str], list[Any]]:
    """Column names (the header's unless given) and defaults inferred from the first rows:
    whole numbers int32, other numbers float32, anything else a string."""
    import csv
    import itertools
    with open(first_file, newline="") as f:
        reader = csv.reader(f, delimiter=field_delim)
        head = next(reader, []) if header else None
        sample = list(itertools.islice(reader, rows))
    names = [str(c) for c in np.atleast_1d(column_names)] if column_names is not None \
        else head if head else [f"V{i + 1}" for i in range(len(sample[0]) if sample else 0)]

    def kind(values: list[str]) -> Any:
        values = [v for v in values if v != ""]
        for cast, default in ((int, np.int32(0)), (float, np.float32(0))):
            try:
                [cast(v) for v in values]
                return default
            except ValueError:
                continue
        return ""
    return names, [kind([r[i] for r in sample if i < len(r)]) for i in range(len(names))]


def csv_dataset(file_pattern: Any, label_name: Any = None, column_names: Any = None,
                column_defaults: Any = None, select_columns: Any = None,
                field_delim: str = ",", na_value: str = "", header: bool = True,
                num_rows_for_inference: Any = 100) -> Any:
    """The rows of CSV files, one pass in file order (files sorted by name), one element a
    row: a named list of the columns (and the `label_name` column apart), to be batched,
    shuffled and repeated by the dataset_*() verbs. The files are streamed (lines read as
    text and decoded), so a multi-worker strategy can give each worker its own files."""
    files = _csv_files(file_pattern)
    delim = str(field_delim)
    names, defaults = _csv_columns(files[0], column_names, A.as_bool(header, "header"), delim,
                                   int(_count(num_rows_for_inference, "num_rows_for_inference")
                                       or 100))
    if column_defaults is not None:
        defaults = list(column_defaults)
    keep = names if select_columns is None else [
        names[int(c) - 1] if isinstance(c, (int, float)) else str(c)
        for c in np.atleast_1d(select_columns)]
    for c in keep + ([] if label_name is None else [str(label_name)]):
        if c not in names:
            raise RkValueError(f"The CSV files have no column \"{c}\" (they have "
                               f"{', '.join(names)}).")
    skip = 1 if A.as_bool(header, "header") else 0
    record_defaults = [[d] for d in defaults]

    def rows_of(f: Any) -> Any:
        lines = tf.data.TextLineDataset(f).skip(skip).batch(1024)
        return lines.map(lambda b: dict(zip(names, tf.io.decode_csv(
            b, record_defaults, field_delim=delim, na_value=str(na_value))))).unbatch()

    ds = _Dataset.from_tensor_slices(files).interleave(rows_of, cycle_length=1)
    label = None if label_name is None else str(label_name)

    def pick(row: Any) -> Any:
        cols = {c: row[c] for c in keep if c != label}
        return cols if label is None else (cols, row[label])
    return ds.map(pick)


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
        try:
            return x.decode("utf-8")
        except UnicodeDecodeError:  # binary (a serialized record): R's raw vector
            return x
    return x


def _read(dataset: Any, take: Callable[[], Any]) -> Any:
    """`take()`, a read of `dataset`: a file of a directory dataset that cannot be read is
    an error that names it (preprocessing.unreadable_file())."""
    try:
        return take()
    except tf.errors.OpError as e:
        named = unreadable_file([dataset], e)
        if named is not None:
            raise named from None
        raise


class ArrayIterator:
    """An iterator over a dataset's elements as R arrays (as_array_iterator())."""

    def __init__(self, dataset: Any):
        self._dataset = dataset
        self._it = iter(dataset)

    def __iter__(self) -> "ArrayIterator":
        return self

    def __next__(self) -> Any:
        return _to_r(_read(self._dataset, lambda: next(self._it)))


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
    value = _read(it, lambda: next(it, _DONE))
    return completed if value is _DONE else value


def dataset_collect(dataset: Any, n: Any = None) -> list[Any]:
    """The (first `n`) elements of a dataset as a list of R arrays."""
    ds = _dataset(dataset)
    if n is not None:
        ds = ds.take(A.as_integer(n, "n"))
    return _read(ds, lambda: [_to_r(e) for e in ds])


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
    as_array_iterator, as_iterator, iter_next, dataset_collect, dataset_cardinality,
    dataset_flat_map, dataset_interleave, dataset_rebatch, dataset_shard, dataset_reduce,
    dataset_options, file_list_dataset, text_line_dataset, tfrecord_dataset,
    write_tfrecords, make_csv_dataset, csv_dataset, dataset_scan, dataset_padded_batch,
    dataset_enumerate, dataset_take_while, dataset_unique, sample_from_datasets)}
