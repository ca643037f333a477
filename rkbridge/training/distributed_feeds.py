"""Where each step of multi-worker training gets its batch (distributed.py runs the loop).

Every feed gives each replica its part of a global batch: the rows of the global batch split
as evenly as they go (np.array_split's sizes), in replica order, so that the workers together
train on the same global batches as one process would.

- `RowFeed`, for arrays and data frames: a distributed dataset of row indices
  (`distribute_datasets_from_function`), one order of the rows per epoch (shuffled the same
  way on every worker, from the seed and the epoch), cut into global batches; each step
  gathers its rows from the data, which the step takes as an argument. The dataset does not
  hold the data, so its distributed iterator (~0.06 s to make, up to ~0.3 s to delete) is
  kept with the model and serves the next fit() on as many rows (as Keras keeps its traced
  step): a short fit() costs about what plain fit() costs.
- `DatasetFeed`, for tf.data datasets: TensorFlow's own `experimental_distribute_dataset`
  (each element is a global batch, sharded as the dataset's options say).
- `ValueFeed`, for generators (R functions, Python iterators, PyDatasets): each batch is
  pulled on the calling thread, as for plain fit(), and given to the replicas with
  `experimental_distribute_values_from_function`.
"""
from __future__ import annotations

import contextlib
import math
from typing import Any, Iterator

import numpy as np

from . import data as D
from .. import keras_internals as KI
from .._keras import keras, tf
from .fast_predict import as_adapter_would
from .generators import MainThreadAdapter


def element(x: Any, y: Any, sample_weight: Any) -> Any:
    parts = [x] if y is None else ([x, y] if sample_weight is None else [x, y, sample_weight])
    return keras.tree.lists_to_tuples(parts[0] if len(parts) == 1 else tuple(parts))


def _layout(strategy: Any) -> tuple[int, range]:
    """The number of replicas in sync and the global ids of this worker's replicas."""
    replicas = int(strategy.num_replicas_in_sync)
    local = len(strategy.extended.worker_devices)
    first = KI.strategy_worker_index(strategy) * local
    return replicas, range(first, first + local)


def _part(rows: Any, k: int, replicas: int) -> Any:
    """Replica k's rows of a global batch (a tensor of row indices)."""
    b = tf.shape(rows, out_type=tf.int64)[0]
    q, r = b // replicas, b % replicas
    start = k * q + tf.minimum(tf.constant(k, tf.int64), r)
    return rows[start:start + q + tf.cast(k < r, tf.int64)]


def _host(strategy: Any) -> str | None:
    """This worker's CPU: rows are gathered there (a GPU replica would otherwise copy all
    the data to itself at every step), then copied to the replica as a batch. A strategy
    without worker devices (TensorFlow's default) places nothing."""
    try:
        spec = tf.DeviceSpec.from_string(strategy.extended.worker_devices[0])
    except (RuntimeError, AttributeError, IndexError):
        return None
    return spec.replace(device_type="CPU", device_index=0).to_string()


class _Feed:
    """What the loop asks of every feed; the hooks a feed needs no work in do nothing."""

    kind: str
    steps: int | None  # batches an epoch (None: until the source runs out)

    def first_batch(self) -> Any:
        """A batch of this worker's, for building the model's variables."""
        raise NotImplementedError

    def args(self) -> tuple[Any, ...]:
        """The arguments of the next step (the step function of `kind`)."""
        raise NotImplementedError

    def begin_epoch(self) -> None:
        pass

    def end_epoch(self) -> None:
        pass

    def done(self) -> None:
        pass


class RowFeed(_Feed):
    """Arrays: index batches through a distributed iterator kept with the model (see the
    module). `purpose` names the use ("train", "validation", "evaluate") so that the
    validation of a fit() keeps its own."""

    kind = "rows"

    def __init__(self, model: Any, x: Any, y: Any, sample_weight: Any, batch_size: int,
                 shuffle: bool, seed: int, purpose: str, steps: Any = None):
        # floats in floatx, as Keras's array adapter gives plain fit() (half the data to
        # gather)
        x, y = as_adapter_would(x), as_adapter_would(y)
        self.data = keras.tree.map_structure(tf.convert_to_tensor,
                                             element(x, y, sample_weight))
        self.n = D.nrows(x)
        self.batch_size = batch_size
        self.epoch_steps = math.ceil(self.n / batch_size)
        self.steps = int(steps) if steps else self.epoch_steps
        strategy = model.distribute_strategy
        key = (self.n, batch_size, bool(shuffle), int(seed))
        kept = model.__dict__.setdefault("_rk_row_feeds", {})
        entry = kept.get(purpose)
        if entry is None or entry["key"] != key or entry["position"] != 0:
            kept.pop(purpose, None)  # the old iterator goes before the new one is made
            entry = {"key": key, "position": 0,
                     "iterator": iter(_row_batches(strategy, self.n, batch_size,
                                                   bool(shuffle), int(seed)))}
            kept[purpose] = entry
        entry["position"] = None  # in use: not reusable until done() says where it stopped
        self.entry, self.taken = entry, 0

    def first_batch(self) -> Any:
        return keras.tree.map_structure(lambda a: a[:self.batch_size], self.data)

    def args(self) -> tuple[Any, ...]:
        self.taken += 1
        return (self.entry["iterator"], self.data)

    def done(self) -> None:
        self.entry["position"] = self.taken % self.epoch_steps


def _row_batches(strategy: Any, n: int, batch_size: int, shuffle: bool, seed: int) -> Any:
    """The distributed dataset of row indices (see `worker_rows()`)."""
    return strategy.distribute_datasets_from_function(
        lambda ctx: worker_rows(ctx, n, batch_size, shuffle, seed))


def worker_rows(ctx: Any, n: int, batch_size: int, shuffle: bool, seed: int) -> Any:
    """One worker's row indices, epoch after epoch: for every global batch, one element per
    local replica (in replica order) holding that replica's rows. `ctx`: the worker's
    `tf.distribute.InputContext`."""
    full, partial = divmod(n, batch_size)
    replicas = int(ctx.num_replicas_in_sync)
    local = replicas // int(ctx.num_input_pipelines)
    mine = range(int(ctx.input_pipeline_id) * local, (int(ctx.input_pipeline_id) + 1) * local)

    def order(epoch: Any) -> Any:
        rows = tf.range(n, dtype=tf.int64)
        if shuffle:
            rows = tf.random.experimental.stateless_shuffle(
                rows, seed=tf.stack([tf.constant(seed, tf.int64), epoch]))
        return rows

    def batches(rows: Any) -> Any:
        out = tf.data.Dataset.from_tensor_slices(
            tf.reshape(rows[:full * batch_size], [full, batch_size]))
        if partial:
            out = out.concatenate(tf.data.Dataset.from_tensors(rows[full * batch_size:]))
        return out

    def parts(rows: Any) -> Any:
        out = None
        for k in mine:
            one = tf.data.Dataset.from_tensors(_part(rows, k, replicas))
            out = one if out is None else out.concatenate(one)
        return out

    ds = tf.data.Dataset.counter().map(order).prefetch(1).flat_map(batches)
    if replicas > 1:
        ds = ds.flat_map(parts)
    options = tf.data.Options()
    options.experimental_optimization.apply_default_optimizations = False
    options.experimental_distribute.auto_shard_policy = \
        tf.data.experimental.AutoShardPolicy.OFF  # each worker takes its parts itself
    return ds.with_options(options).prefetch(2)


class DatasetFeed(_Feed):
    """A tf.data dataset (each element a global batch), distributed by TensorFlow. Without
    `steps`, an epoch is one pass (a new iterator each epoch, as Keras); with it, one
    iterator goes on across epochs."""

    kind = "dataset"

    def __init__(self, model: Any, dataset: Any, steps: Any):
        self.dataset = dataset
        self.dist = model.distribute_strategy.experimental_distribute_dataset(dataset)
        card = int(dataset.cardinality())
        self.fixed = steps is not None
        self.steps = int(steps) if steps else (card if card > 0 else None)
        self.iterator: Any = None

    def first_batch(self) -> Any:
        return next(iter(self.dataset))

    def begin_epoch(self) -> None:
        if self.iterator is None or not self.fixed:
            self.iterator = iter(self.dist)

    def args(self) -> tuple[Any, ...]:
        if self.iterator is None:
            self.begin_epoch()
        return (self.iterator,)


class ValueFeed(_Feed):
    """A batch source pulled on the calling thread (R generator functions must run there);
    each global batch is split between the replicas."""

    kind = "values"

    def __init__(self, model: Any, source: MainThreadAdapter, steps: Any):
        self.strategy = model.distribute_strategy
        self.source = source
        self.batches: Iterator[Any] = source._batches()
        self.steps = int(steps) if steps else source.num_batches
        self.pending: Any = None

    def first_batch(self) -> Any:
        if self.pending is None:
            self.pending = next(self.batches)
        return self.pending

    def args(self) -> tuple[Any, ...]:
        batch, self.pending = self.first_batch(), None
        replicas, mine = _layout(self.strategy)
        n = D.nrows(batch)
        bounds = [k * (n // replicas) + min(k, n % replicas) for k in range(replicas + 1)]
        parts = {k: keras.tree.map_structure(
            lambda a: tf.convert_to_tensor(np.asarray(a)[bounds[k]:bounds[k + 1]]), batch)
            for k in mine}
        return (self.strategy.experimental_distribute_values_from_function(
            lambda ctx: parts[ctx.replica_id_in_sync_group]),)

    def end_epoch(self) -> None:
        self.source.on_epoch_end()


def feed(model: Any, x: Any, y: Any = None, sample_weight: Any = None,
         batch_size: Any = None, shuffle: bool = False, seed: int = 0,
         steps: Any = None, purpose: str = "train") -> _Feed:
    """The feed for `x` (with `y` and the sample weights, for arrays)."""
    if isinstance(x, MainThreadAdapter):
        return ValueFeed(model, x, steps)
    if isinstance(x, tf.data.Dataset):
        return DatasetFeed(model, x, steps)
    return RowFeed(model, x, y, sample_weight, int(batch_size or 32), shuffle, seed, purpose,
                   steps)


def step_function(strategy: Any, step: Any, kind: str) -> Any:
    """The model's `step` (train_step or test_step) run on every replica of `strategy` under
    `strategy.run`, its logs reduced across the workers, traced once for the feed's kind."""
    def reduced(logs: Any) -> Any:
        return keras.tree.map_structure(lambda v: strategy.reduce("MEAN", v, axis=None), logs)

    if kind == "rows":
        host = _host(strategy)

        def replica(rows: Any, data: Any) -> Any:
            with tf.device(host) if host else contextlib.nullcontext():
                batch = keras.tree.map_structure(lambda a: tf.gather(a, rows, axis=0), data)
            return step(batch)

        @tf.function(reduce_retracing=True)
        def run_rows(iterator: Any, data: Any) -> Any:
            return reduced(strategy.run(replica, args=(next(iterator), data)))
        return run_rows

    if kind == "dataset":
        @tf.function(reduce_retracing=True)
        def run_dataset(iterator: Any) -> Any:
            return reduced(strategy.run(step, args=(next(iterator),)))
        return run_dataset

    @tf.function(reduce_retracing=True)
    def run_values(batch: Any) -> Any:
        return reduced(strategy.run(step, args=(batch,)))
    return run_values
