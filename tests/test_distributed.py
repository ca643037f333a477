"""Multi-worker training (rkbridge/training/distributed.py) with real processes on loopback ports:
two workers train the same model and end with identical weights, and their loss history
equals one process training on the same data with the same global batch."""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys

import numpy as np
import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def free_ports(n: int) -> list[int]:
    socks = [socket.socket() for _ in range(n)]
    for s in socks:
        s.bind(("127.0.0.1", 0))
    ports = [s.getsockname()[1] for s in socks]
    for s in socks:
        s.close()
    return ports


def run_workers(tmp_path, n: int, timeout: float = 120) -> list[dict]:
    cluster = ",".join(f"localhost:{p}" for p in free_ports(n))
    env = dict(os.environ, PYTHONPATH=ROOT, TF_CPP_MIN_LOG_LEVEL="3", CUDA_VISIBLE_DEVICES="")
    env.pop("TF_CONFIG", None)
    procs = [subprocess.Popen(
        [sys.executable, os.path.join(HERE, "dist_worker.py"), str(tmp_path / f"w{i}.json"),
         cluster, str(i + 1), "60"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True) for i in range(n)]
    for p in procs:
        _, err = p.communicate(timeout=timeout * 3)
        assert p.returncode == 0, err[-3000:]
    return [json.loads((tmp_path / f"w{i}.json").read_text()) for i in range(n)]


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    return (run_workers(tmp_path_factory.mktemp("one"), 1),
            run_workers(tmp_path_factory.mktemp("two"), 2))


def test_two_workers_end_with_identical_weights(runs):
    _, (a, b) = runs
    for wa, wb in zip(a["weights"], b["weights"]):
        assert np.array_equal(np.asarray(wa), np.asarray(wb))
    assert a["loss"] == b["loss"]
    assert a["chief"] is True and b["chief"] is False


def test_two_workers_follow_the_single_process_history(runs):
    (single,), (a, _) = runs
    assert len(a["loss"]) == 3
    np.testing.assert_allclose(a["loss"], single["loss"], rtol=0, atol=1e-5)
    np.testing.assert_allclose(a["accuracy"], single["accuracy"], rtol=0, atol=1e-5)
    for wa, ws in zip(a["weights"], single["weights"]):
        np.testing.assert_allclose(np.asarray(wa), np.asarray(ws), rtol=0, atol=1e-5)
    assert a["loss"][-1] < a["loss"][0]  # it trained


def test_datasets_and_generators_train_as_arrays(runs):
    _, (a, b) = runs
    np.testing.assert_allclose(a["by_dataset"], a["loss"], rtol=0, atol=1e-5)
    np.testing.assert_allclose(a["by_generator"], a["loss"], rtol=0, atol=1e-5)
    assert a["by_generator"] == b["by_generator"]


def test_evaluate_and_predict_under_the_strategy(runs):
    (single,), (a, b) = runs
    assert list(a["evaluate"]) == ["loss", "accuracy"] or set(a["evaluate"]) == {"loss", "accuracy"}
    np.testing.assert_allclose(a["evaluate"]["loss"], single["evaluate"]["loss"], atol=1e-5)
    assert np.asarray(a["predict"]).shape == (5, 10)
    np.testing.assert_allclose(a["predict"], b["predict"], atol=1e-6)


def test_task_index_is_one_based():
    from rkbridge.training.distributed import tf_config
    cfg = json.loads(tf_config(["h:1", "h:2"], "worker", 2))
    assert cfg["task"] == {"type": "worker", "index": 1}
    with pytest.raises(Exception, match="between 1 and 2"):
        tf_config(["h:1", "h:2"], "worker", 0)
