"""The multi-worker feeds' split of global batches (rkbridge/training/distributed_feeds.py), for
layouts this machine cannot run (several replicas per worker need GPUs): every row of every
global batch goes to exactly one replica, in replica order, as evenly as np.array_split."""
from __future__ import annotations

import itertools

import numpy as np
import pytest

from rkbridge._keras import tf
from rkbridge.training.distributed_feeds import worker_rows


def rows_of(workers: int, replicas: int, n: int, batch: int, shuffle: bool = False,
            epochs: int = 2) -> list[list[list[int]]]:
    """Per global batch, the rows of each replica (global replica order)."""
    steps = -(-n // batch)
    local = replicas // workers
    per_worker = []
    for w in range(workers):
        ctx = tf.distribute.InputContext(num_input_pipelines=workers, input_pipeline_id=w,
                                         num_replicas_in_sync=replicas)
        ds = worker_rows(ctx, n, batch, shuffle, 5)
        per_worker.append([e.numpy().tolist() for e in
                           itertools.islice(iter(ds), steps * epochs * local)])
    out = []
    for s in range(steps * epochs):
        out.append([per_worker[w][s * local + k] for w in range(workers) for k in range(local)])
    return out


@pytest.mark.parametrize("workers,replicas", [(1, 1), (2, 2), (1, 2), (2, 4), (3, 3)])
def test_every_row_once_in_replica_order(workers, replicas):
    n, batch = 70, 16  # a partial last batch of 6
    got = rows_of(workers, replicas, n, batch)
    for s, parts in enumerate(got):
        b = s % 5
        want = np.array_split(np.arange(b * batch, min(n, (b + 1) * batch)), replicas)
        assert [p for p in parts] == [w.tolist() for w in want]


def test_shuffled_orders_agree_between_workers_and_change_each_epoch():
    n, batch = 64, 16
    got = rows_of(2, 2, n, batch, shuffle=True)
    epoch1 = sum((p[0] + p[1] for p in got[:4]), [])
    epoch2 = sum((p[0] + p[1] for p in got[4:]), [])
    assert sorted(epoch1) == list(range(n)) and sorted(epoch2) == list(range(n))
    assert epoch1 != epoch2 and epoch1 != list(range(n))
