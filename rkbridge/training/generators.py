"""Data that comes batch by batch: R generator functions, Python generators and iterators,
`keras.utils.PyDataset`s (the legacy image iterators among them), as `x` of fit(),
evaluate() and predict().

Keras pulls generator batches through tf.data, which calls the generator from its own
threads; an R function must only run on R's thread. So a batch source is handed to Keras
as a `MainThreadAdapter`: its "dataset" is a plain Python iterable, and Keras's TensorFlow
trainer then pulls each batch in its own loop, on the thread that runs fit() (R's), before
running the compiled step on it. Python sources take the same road, so that every source
gives the same batches in the same order (a Python generator may call R functions too).
tf.data datasets are left to Keras.
"""
from __future__ import annotations

import itertools
import types
from typing import Any, Callable, Iterator

import numpy as np

from . import data as D
from . import data_path as P
from .. import keras_internals as KI
from .._keras import keras, tf
from ..errors import RkError, RkValueError
from ..callables import is_r_function

_PyDataset = keras.utils.PyDataset
_DataAdapter = KI.data_adapter_base()


def is_batch_source(x: Any) -> bool:
    """A generator function, generator, iterator or PyDataset (not arrays, not tf.data)."""
    if x is None or isinstance(x, (np.ndarray, list, tuple, dict, str)):
        return False
    if isinstance(x, (_PyDataset, _DataAdapter, types.GeneratorType)):
        return True
    if is_r_function(x):
        return True
    return hasattr(x, "__next__") and hasattr(x, "__iter__")


def is_tf_dataset(x: Any) -> bool:
    return isinstance(x, (tf.data.Dataset, tf.distribute.DistributedDataset))


class _PulledInPython(tf.distribute.DistributedDataset):
    """What the adapter gives Keras's TensorFlow trainer as its dataset: iterating it calls
    the source in the caller's thread (the trainer then feeds each batch to its step)."""

    def __init__(self, batches: Callable[[], Iterator[Any]]):
        self._batches = batches

    def __iter__(self) -> Iterator[Any]:
        return self._batches()


class MainThreadAdapter(_DataAdapter):
    """A batch source as Keras's data adapter; batches are pulled on the calling thread,
    each one prepared as arrays are (data_path.prepare()).

    `source`: an R generator function (each call returns `list(x, y)`, `list(x, y,
    sample_weight)` or `x`), a Python iterator/generator, or a PyDataset (indexed, with
    `on_epoch_end()`). `steps`: batches per epoch (needed for sources with no end).
    `allow_na`: batches may hold NA/NaN/Inf."""

    def __init__(self, source: Any, steps: int | None, model: Any, arg: str, fn: str,
                 targets: bool = True, allow_na: bool = False):
        self.source = source
        self.model = model
        self.arg = arg
        self.targets = targets
        self.allow_na = allow_na
        self.fn = fn
        self.what = "a PyDataset" if isinstance(source, _PyDataset) else "a generator"
        if isinstance(source, _PyDataset):
            n = source.num_batches
            self._steps = steps if steps is not None else n
        else:
            if steps is None and is_r_function(source):
                raise P.endless(arg, fn, "a generator function")
            self._steps = steps
            if not is_r_function(source):
                self._iterator = iter(source)

    # -- the batches ---------------------------------------------------------------------
    def _raw(self) -> Iterator[Any]:
        src = self.source
        if isinstance(src, _PyDataset):
            n = src.num_batches
            for i in itertools.count() if n is None else range(n):
                yield src[i]
        elif is_r_function(src):
            while True:
                yield src()
        else:
            yield from self._iterator

    def _batches(self) -> Iterator[Any]:
        for i, batch in enumerate(self._raw()):
            yield self.normalise(batch, i + 1)
        # The end of a source of unknown length, said the way Keras's TensorFlow loop
        # understands (a StopIteration would be swallowed by its zip() over the steps).
        raise tf.errors.OutOfRangeError(None, None, "End of the batches.")

    def normalise(self, batch: Any, index: int = 1) -> Any:
        """Batch number `index` as Keras takes it: `x`, `(x,)`, `(x, y)` or `(x, y, w)`,
        prepared as arrays are."""
        # predict(): list(x, y) drops y, unless the model has several inputs to fill
        lists_are_xy = self.targets or len(D.input_names(self.model) or [None]) == 1
        if isinstance(batch, tuple) or (isinstance(batch, list) and 2 <= len(batch) <= 3
                                        and lists_are_xy):
            parts = list(batch)
        elif isinstance(batch, list) and len(batch) == 1:
            parts = [batch[0]]
        else:
            parts = [batch]
        if not self.targets:
            parts = parts[:1]
        # An R number (a Python scalar after reticulate) is a batch of one sample, as an R
        # vector of length one is.
        parts = [np.asarray([p]) if isinstance(p, (int, float)) and not isinstance(p, bool)
                 else p for p in parts]
        where = f"Batch {index} of `{self.arg}` ({self.what})"
        if len(parts) > 3:
            raise RkValueError(f"{where} has {len(parts)} elements: it must be list(x, y), "
                               f"list(x, y, sample_weight) or x.")
        if self.targets and parts[0] is not None and (len(parts) == 1 or parts[1] is None) \
                and _needs_targets(self.model):
            raise RkValueError(f"{where} has no targets `y`: the model's loss needs them, so "
                               f"each batch must be list(x, y) (or list(x, y, sample_weight)).")
        try:
            x, y, w = P.prepare(self.model, *(parts + [None, None])[:3],
                                allow_na=self.allow_na, fn=self.fn, own=True)
        except RkError as e:
            raise P.in_batch(e, where) from None
        out = [v for v in (x, y, w) if v is not None]
        if len(out) == 1 and not isinstance(out[0], (list, tuple)):
            return out[0]
        return keras.tree.lists_to_tuples(tuple(out))

    # -- Keras's DataAdapter interface ----------------------------------------------------
    def get_numpy_iterator(self) -> Iterator[Any]:
        return self._batches()

    def get_tf_dataset(self) -> Any:
        return _PulledInPython(self._batches)

    def get_jax_iterator(self) -> Iterator[Any]:
        return self._batches()

    def get_torch_dataloader(self) -> Any:
        return self._batches()

    @property
    def num_batches(self) -> int | None:
        return self._steps

    @property
    def batch_size(self) -> int | None:
        return None

    @property
    def has_partial_batch(self) -> bool | None:
        return None

    @property
    def partial_batch_size(self) -> int | None:
        return None

    def on_epoch_end(self) -> None:
        if isinstance(self.source, _PyDataset):
            self.source.on_epoch_end()


def _needs_targets(model: Any) -> bool:
    """Whether Keras's own steps compare predictions with targets: a compiled loss, and no
    train_step()/test_step() of the model's own (one may make its targets from `x`)."""
    own_steps = any(getattr(type(model), step, None) is not getattr(keras.Model, step, None)
                    for step in ("train_step", "test_step"))
    return getattr(model, "loss", None) is not None and not own_steps


def adapt(x: Any, steps: int | None, model: Any, arg: str, fn: str,
          targets: bool = True, allow_na: bool = False) -> Any:
    """`x` as Keras should receive it when it is a batch source, else None."""
    if isinstance(x, MainThreadAdapter) or not is_batch_source(x):
        return None
    if isinstance(x, _DataAdapter):
        return x
    return MainThreadAdapter(x, steps, model, arg, fn, targets, allow_na)


def generator_next(generator: Any, completed: Any = None) -> Any:
    """The next batch of a generator: an R generator function, a Python iterator or
    generator, or a legacy image iterator (`flow_images_from_*()`).

    Args:
        generator: The generator.
        completed: Unused (kept for compatibility with the R interface).

    Returns:
        The next batch, e.g. `list(x, y)`.
    """
    if is_r_function(generator):
        return generator()
    if isinstance(generator, _PyDataset) and not hasattr(generator, "__next__"):
        raise RkValueError("generator_next() needs an iterator: this dataset is indexed "
                           "(use `dataset[[i]]`).")
    return next(generator)
