"""The one road data takes into a model, whatever the verb and whatever the source.

`prepare()` turns what the user gave (R arrays, data frames, lists, pandas) into what Keras
takes, checking it against the model once: NA/NaN/Inf, row counts of `x`, `y` and the
sample weights, shapes against the model's inputs and outputs, names of named lists, then
the cast to the model's dtypes. fit(), evaluate(), predict(), validation data and the
`*_on_batch()` verbs call it on their arrays; `stream()` makes every batch of a generator,
iterator, PyDataset (generators.MainThreadAdapter) or tf.data dataset go through the same
rules, lazily, one batch at a time, with errors that name the batch.

tf.data batches are checked inside the pipeline: one reduction per float tensor (and a row
count comparison) decides whether a batch is fine; only a batch that is not reaches Python,
where `check()` words the error exactly as for arrays. `dataset_errors()` hands that error,
not TensorFlow's wrapper of it, to the caller.
"""
from __future__ import annotations

import contextlib
import weakref
from typing import Any, Iterator

import numpy as np

from . import data as D
from .._keras import keras, tf
from .. import values as T
from ..errors import RkError, RkValueError

NAMES = ("x", "y", "sample_weight")


def convert(model: Any, x: Any, y: Any = None, sample_weight: Any = None,
            names: tuple[str, str, str] = NAMES, own: bool = False) -> tuple[Any, Any, Any]:
    """`x`, `y` and the sample weights as arrays (data.as_data()), lists matched to the
    model's inputs and outputs by name or given order. `own`: copies of arrays viewing R
    memory (batches, which Keras may keep beyond the call that made them)."""
    x = D.match_inputs(model, D.as_data(x, names[0], model), names[0])
    if isinstance(y, T.RFactor):
        y = D.factor_targets(model, y, names[1])
    if y is not None:
        y = D.match_targets(model, D.one_row(D.as_data(y, names[1])), names[1])
    w = None if sample_weight is None else D.as_data(sample_weight, names[2])
    if own:
        x, y, w = (keras.tree.map_structure(T.owned, v) for v in (x, y, w))
    return x, y, w


def check(model: Any, x: Any, y: Any = None, w: Any = None, allow_na: bool = False,
          names: tuple[str, str, str] = NAMES) -> None:
    """The rules every piece of data meets (arrays, a batch, a dataset's element spec)."""
    if not allow_na:
        for part, name in zip((x, y, w), names):
            if part is not None:
                D.check_finite(part, name)
    if y is not None:
        D.check_rows(x, y, names[0], names[1])
        D.check_target_shape(model, y, names[1])
        D.check_class_codes(model, y, names[1])
    if w is not None:
        D.check_rows(x, w, names[0], names[2])
    D.check_input_shape(model, x, names[0])


def prepare(model: Any, x: Any, y: Any = None, sample_weight: Any = None, *,
            allow_na: bool = False, fn: str = "fit", names: tuple[str, str, str] = NAMES,
            own: bool = False, tensors: bool = False) -> tuple[Any, Any, Any]:
    """`x`, `y` and `sample_weight` converted, checked and cast for `model` (fn: the verb,
    for the messages; predictions take no rows, the other verbs need some). `tensors`:
    large arrays as tensors Keras uses without a copy of its own (data.as_tensor()), for
    Keras's own loops."""
    x, y, w = _checked(model, x, y, sample_weight, allow_na, fn, names, own)
    return _cast(model, (x, y, w), tensors)


def _checked(model: Any, x: Any, y: Any, sample_weight: Any, allow_na: bool, fn: str,
             names: tuple[str, str, str], own: bool) -> tuple[Any, Any, Any]:
    if x is None:
        raise RkValueError(f"{fn}() needs the input data `{names[0]}`, not NULL.")
    x, y, w = convert(model, x, y, sample_weight, names, own)
    if not fn.startswith("predict") and D.nrows(x) == 0:
        raise RkValueError(f"`{names[0]}` has 0 rows (samples): {fn}() needs at least one.")
    check(model, x, y, w, allow_na, names)
    return x, y, w


def _cast(model: Any, parts: tuple[Any, Any, Any], tensors: bool) -> tuple[Any, Any, Any]:
    x, y, w = parts
    return (D.cast_for_model(model, x, tensors), D.cast_targets(y, tensors),
            D.cast_targets(w, tensors))


def split_at(n: int, split: float) -> int:
    """The first row `validation_split` holds out of `n`: Keras validates on the last rows
    (train_validation_split()). An error when either part would be empty."""
    at = int(n * (1.0 - split))
    if at == 0 or at == n:
        raise RkValueError(
            f"`validation_split = {split:g}` of the {n} rows of `x` leaves "
            f"{'no rows to validate on' if at == n else 'no rows to train on'}: "
            f"use a split between {1 / n:.3g} and {1 - 1 / n:.3g}, or more data.")
    return at


def prepare_fit(model: Any, x: Any, y: Any = None, sample_weight: Any = None, *,
                allow_na: bool = False, split: float = 0.0,
                tensors: bool = False) -> tuple[tuple[Any, Any, Any], Any]:
    """prepare() for fit(): the training data and, for a `validation_split` (`split`), the
    rows Keras would hold out, as validation data (None: no split, or one left to Keras).
    Each part is cast from its own row range of the given data, as Keras's split takes
    them (the first rows to train on, the last to validate on, unshuffled): no copy of the
    whole, and none of Keras's own (slices of one tensor that do not start aligned would be
    copied by TensorFlow)."""
    parts = _checked(model, x, y, sample_weight, allow_na, "fit", NAMES, False)
    leaves = [a for a in keras.tree.flatten(parts) if a is not None]
    if not split or not all(isinstance(a, np.ndarray) and a.ndim for a in leaves):
        return _cast(model, parts, tensors), None
    at = split_at(D.nrows(parts[0]), split)
    rows = lambda start, end: keras.tree.map_structure(  # noqa: E731
        lambda a: None if a is None else a[start:end], parts)
    train = _cast(model, rows(0, at), tensors)
    x_val, y_val, w_val = _cast(model, rows(at, None), tensors)
    return train, (x_val, y_val) if w_val is None else (x_val, y_val, w_val)


def in_batch(error: RkError, where: str) -> RkError:
    """`error`, raised for one batch, said with the batch it was found in."""
    return type(error)(f"{where}: {error}")


# -- streams -------------------------------------------------------------------------------

def stream(model: Any, x: Any, steps: int | None, arg: str, fn: str, *,
           targets: bool = True, allow_na: bool = False) -> Any:
    """`x` as Keras should receive it when it comes batch by batch, every batch going through
    prepare()'s rules; None when `x` is not a stream (arrays: prepare() them)."""
    from . import generators as G  # which prepares each batch with this module
    if G.is_tf_dataset(x):
        if steps is None and isinstance(x, tf.data.Dataset) and \
                int(x.cardinality()) == tf.data.INFINITE_CARDINALITY:
            # Keras would read epoch 1 (or the predictions) forever
            raise endless(arg, fn, "a TensorFlow dataset that repeats without end "
                          "(dataset_repeat() with no count)")
        return checked_dataset(model, x, arg, targets=targets, allow_na=allow_na)
    return G.adapt(x, steps, model, arg, fn, targets, allow_na)


def endless(arg: str, fn: str, what: str) -> RkValueError:
    """The error for a stream with no end given without the number of batches to read."""
    steps = "validation_steps" if arg == "validation_data" else \
        "steps_per_epoch" if fn == "fit" else "steps"
    return RkValueError(f"`{arg}` is {what}, which never ends: give `{steps}` (the number "
                        f"of batches to draw from it per {'epoch' if fn == 'fit' else 'call'}).")


def unpack(element: Any, targets: bool) -> tuple[Any, Any, Any]:
    """A batch's `x`, `y` and sample weights, as Keras unpacks them (`y` and the weights
    only when the verb uses them)."""
    x, y, w = keras.utils.unpack_x_y_sample_weight(element)
    return (x, y, w) if targets else (x, None, None)


def checked_dataset(model: Any, dataset: Any, arg: str, *, targets: bool = True,
                    allow_na: bool = False) -> Any:
    """A tf.data dataset of batches whose element spec meets the shape rules now, and whose
    every batch is checked for NA/NaN/Inf and row counts as it is read."""
    if not isinstance(dataset, tf.data.Dataset):  # a distributed dataset: as given
        return dataset
    label = f"`{arg}` (a TensorFlow dataset)"
    try:
        check(model, *convert_specs(model, unpack(dataset.element_spec, targets)),
              allow_na=True)
    except RkError as e:
        raise in_batch(e, f"The batches of {label}") from None
    return _DatasetCheck(model, label, targets, allow_na).apply(dataset)


def convert_specs(model: Any, parts: tuple[Any, Any, Any]) -> tuple[Any, Any, Any]:
    """A batch's parts (tensors or their specs) matched to the model's inputs and outputs
    by name, or by the order of the names the model was built from (data.by_name())."""
    x, y, w = parts
    x = D.match_inputs(model, _as_list(x))
    y = None if y is None else D.match_targets(model, _as_list(y))
    return x, y, w


def _as_list(x: Any) -> Any:
    return list(x) if isinstance(x, tuple) else x


# the errors datasets' batches raised, by batch number, for dataset_errors()
_failed: list[tuple[int, RkError]] = []


class _DatasetCheck:
    """The map that checks each batch of a dataset (see the module)."""

    def __init__(self, model: Any, label: str, targets: bool, allow_na: bool):
        # weakly: TensorFlow keeps the py_function of a dataset's map with its outermost
        # graph, the global one, for good (so this check too), and the model would stay
        self._model = weakref.ref(model)
        self.label, self.targets, self.allow_na = label, targets, allow_na
        self.limit = float(np.finfo(keras.config.floatx()).max)

    @property
    def model(self) -> Any:
        return self._model()

    def apply(self, dataset: Any) -> Any:
        return dataset.enumerate().map(self._batch)

    def _fine(self, x: Any, y: Any, w: Any) -> Any:
        ok = tf.constant(True)
        if not self.allow_na:
            for t in tf.nest.flatten((x, y, w)):
                if not isinstance(t, tf.Tensor) or not t.dtype.is_floating:
                    continue
                # float64 must also fit the model's float type; NaN fails either test
                fine = tf.abs(t) <= self.limit if t.dtype == tf.float64 else \
                    tf.math.is_finite(t)
                ok = ok & tf.reduce_all(fine)
        rows = [tf.shape(t)[0] for t in tf.nest.flatten((x, y, w))
                if isinstance(t, tf.Tensor) and t.shape.rank]
        for r in rows[1:]:
            ok = ok & tf.equal(rows[0], r)
        return ok

    def _batch(self, i: Any, element: Any) -> Any:
        """Batch `i` (0-based), checked, with its inputs and targets matched to the model's
        (tuples in the pipeline: tf.data would stack a list into one tensor)."""
        x, y, w = unpack(element, self.targets)
        leaves = tf.nest.flatten(element)
        dense = [t for t in leaves if isinstance(t, tf.Tensor)]
        # the element's structure and which parts are dense, not its graph tensors (kept for
        # good with the py_function, they would keep the graph)
        skeleton = tf.nest.pack_sequence_as(element, [None] * len(leaves))
        is_dense = [isinstance(t, tf.Tensor) for t in leaves]

        def report() -> Any:  # py_function takes dense tensors only: the others go as None
            return tf.py_function(lambda n, *v: self._report(int(n), skeleton, is_dense, v),
                                  [i] + dense, tf.bool)
        ok = tf.cond(self._fine(x, y, w), lambda: tf.constant(True), report)
        with tf.control_dependencies([ok]):
            x, y, w = tf.nest.map_structure(
                lambda t: tf.identity(t) if isinstance(t, tf.Tensor) else t, (x, y, w))
        x, y, _ = convert_specs(self.model, (x, y, w))
        return keras.tree.lists_to_tuples(keras.utils.pack_x_y_sample_weight(x, y, w))

    def _report(self, index: int, skeleton: Any, is_dense: list[bool], values: Any) -> bool:
        """A batch the pipeline found wanting, checked in Python for the message."""
        given = iter(values)
        element = tf.nest.pack_sequence_as(
            skeleton, [next(given).numpy() if d else None for d in is_dense])
        x, y, w = unpack(element, self.targets)
        try:
            check(self.model, *convert(self.model, x, y, w), allow_na=self.allow_na)
        except RkError as e:
            error = in_batch(e, f"Batch {index + 1} of {self.label}")
            _failed.append((index, error))
            raise error from None
        return True


@contextlib.contextmanager
def dataset_errors(*datasets: Any) -> Iterator[None]:
    """Around a Keras call reading `datasets` (checked or not): a batch refused inside the
    pipeline reaches the caller as the RkError it is, not as TensorFlow's wrapper of it, and
    a file of a directory dataset that cannot be read is named (preprocessing.py)."""
    from ..datautils.preprocessing import unreadable_file
    _failed.clear()
    try:
        yield
    except tf.errors.OpError as e:
        if _failed:  # the first batch (a pipeline may read ahead, in parallel)
            raise min(_failed, key=lambda f: f[0])[1] from None
        named = unreadable_file(datasets, e)
        if named is not None:
            raise named from None
        raise
