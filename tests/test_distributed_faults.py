"""Multi-worker faults with real processes on loopback ports (rkbridge/training/distributed.py):
a worker whose peer never comes fails within `timeout` with an error naming the peer's
address (not a hang), and keeps working locally afterwards."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import numpy as np
import pytest

from test_distributed import free_ports  # tests/ is on sys.path (rootdir-relative imports)

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

LONELY = r"""
import json, sys, time
import numpy as np
import rkbridge as rk
from rkbridge._keras import keras
t = time.time()
out = {}
try:
    rk.strategy_multi_worker(cluster=sys.argv[1].split(","), task=int(sys.argv[2]),
                             timeout=float(sys.argv[3]))
    out["made"] = True
except Exception as e:
    out = {"class": type(e).__name__, "r_class": getattr(e, "r_class", None),
           "message": str(e)}
out["elapsed"] = time.time() - t
# the process still trains locally after the failed join
keras.utils.set_random_seed(1)
model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
model.compile(optimizer="sgd", loss="mse")
x = np.ones((8, 3), "float32")
out["loss"] = model.fit(x, x[:, :1], epochs=1, verbose=0).history["loss"]
print("RESULT" + json.dumps(out))
"""




def run_lonely(task: int, timeout: float = 5, hard_limit: float = 90) -> dict:
    """One worker of a two-worker cluster; nobody listens on the other address. The
    subprocess is killed (SIGKILL: TensorFlow catches SIGTERM) at `hard_limit`, so a
    regression to the unbounded wait fails instead of hanging the suite."""
    cluster = [f"localhost:{p}" for p in free_ports(2)]
    env = dict(os.environ, PYTHONPATH=ROOT, TF_CPP_MIN_LOG_LEVEL="3", CUDA_VISIBLE_DEVICES="")
    env.pop("TF_CONFIG", None)
    start = time.time()
    try:
        proc = subprocess.run([sys.executable, "-c", LONELY, ",".join(cluster), str(task),
                               str(timeout)], env=env, capture_output=True, text=True,
                              timeout=hard_limit)
    except subprocess.TimeoutExpired:
        pytest.fail(f"worker {task} alone was still waiting after {hard_limit} s")
    wall = time.time() - start
    assert proc.returncode == 0, proc.stderr[-3000:]
    line = [ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT")][-1]
    return dict(json.loads(line[len("RESULT"):]), cluster=cluster, wall=wall)


@pytest.mark.parametrize("task", [1, 2])
def test_a_lonely_worker_fails_within_the_timeout_naming_the_peer(task):
    r = run_lonely(task)
    me, peer = r["cluster"][task - 1], r["cluster"][2 - task]
    assert r.get("made") is None
    assert r["class"] == "RkDistributedError"
    assert r["r_class"] == "rkbridge_distributed_error"
    assert peer in r["message"] and me in r["message"]
    assert f"worker {task} ({me})" in r["message"]
    assert "within 5 seconds" in r["message"]
    # it waited for the peer about `timeout` seconds (the leader: timeout; another worker:
    # TensorFlow's connection retries add a few), not an hour
    assert 4 <= r["elapsed"] < 30, r["elapsed"]
    assert r["wall"] < 60
    assert len(r["loss"]) == 1 and r["loss"][0] > 0


def test_the_leader_names_the_missing_peer_and_others_name_the_leader():
    from rkbridge.training.distributed import _join_failure
    cfg = {"cluster": {"worker": ["a:1", "b:2", "c:3"]},
           "task": {"type": "worker", "index": 0}}
    detail = ("Barrier timed out. Some timed out task names:\n"
              "/job:worker/replica:0/task:2\n")
    msg = _join_failure(cfg, 5, detail)
    assert "the peer at c:3 (worker 3) did not join" in msg and "b:2" not in msg
    cfg["task"]["index"] = 1
    msg = _join_failure(cfg, 5, "Deadline Exceeded")
    assert "leader at a:1 (worker 1)" in msg and msg.count("worker 2 (b:2)") == 1
    chief = {"cluster": {"chief": ["h:9"], "worker": ["a:1"]},
             "task": {"type": "worker", "index": 0}}
    assert "leader at h:9 (chief 1)" in _join_failure(chief, 5, "Deadline Exceeded")


def test_timeout_must_be_positive():
    import rkbridge as rk
    with pytest.raises(Exception, match="positive number of seconds"):
        rk.strategy_multi_worker(cluster=["localhost:1", "localhost:2"], task=1, timeout=0)


# -- callback_backup_and_restore() under the strategy: a worker lost mid-training ----------

def start_workers(tmp, tag: str, backup: str, kill_after: int, epochs: int = 5) -> list:
    cluster = ",".join(f"localhost:{p}" for p in free_ports(2))
    env = dict(os.environ, PYTHONPATH=ROOT, TF_CPP_MIN_LOG_LEVEL="3", CUDA_VISIBLE_DEVICES="")
    env.pop("TF_CONFIG", None)
    return [subprocess.Popen(
        [sys.executable, os.path.join(HERE, "distributed_faults_worker.py"), str(tmp / f"{tag}{i}.json"),
         cluster, str(i), backup, str(kill_after), str(epochs)], env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True) for i in (1, 2)]


def finish(procs: list, limit: float = 180) -> None:
    try:
        for p in procs:
            _, err = p.communicate(timeout=limit)
            assert p.returncode == 0, err[-3000:]
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()


def test_backup_and_restore_resumes_after_a_worker_dies(tmp_path):
    # uninterrupted: 5 epochs
    finish(start_workers(tmp_path, "ref", str(tmp_path / "backup-ref"), -1))
    ref = json.loads((tmp_path / "ref1.json").read_text())
    assert ref["epochs"] == [0, 1, 2, 3, 4]
    assert not (tmp_path / "backup-ref").exists()  # deleted at the end, as in Keras

    # worker 2 dies at the end of epoch 2 (index 1); the chief is killed after its backup
    backup = tmp_path / "backup"
    procs = start_workers(tmp_path, "cut", str(backup), 1)
    try:
        assert procs[1].wait(timeout=180) == 3
        meta = backup / "training_metadata.json"
        deadline = time.time() + 60
        while time.time() < deadline and not (
                meta.exists() and json.loads(meta.read_text() or "{}").get("epoch") == 2):
            time.sleep(0.2)
        assert json.loads(meta.read_text())["epoch"] == 2
        assert procs[0].poll() is None  # the chief waits for its lost peer
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
            p.wait()
    assert not (tmp_path / "cut1.json").exists()

    # both restart (TensorFlow's fault tolerance restarts every worker) and go on from epoch 3
    finish(start_workers(tmp_path, "resumed", str(backup), -1))
    a = json.loads((tmp_path / "resumed1.json").read_text())
    b = json.loads((tmp_path / "resumed2.json").read_text())
    assert a["epochs"] == [2, 3, 4]
    np.testing.assert_allclose(a["loss"], ref["loss"][2:], rtol=0, atol=1e-5)
    for wa, wb, wr in zip(a["weights"], b["weights"], ref["weights"]):
        assert np.array_equal(np.asarray(wa), np.asarray(wb))
        np.testing.assert_allclose(np.asarray(wa), np.asarray(wr), rtol=0, atol=1e-5)
    assert not backup.exists()


def test_the_traced_step_is_kept_between_calls_and_made_anew_after_compile():
    import keras
    from rkbridge.training import distributed
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    model.compile(optimizer="adam", loss="mse")
    first = distributed._cached_step(model, "train", "rows")
    assert distributed._cached_step(model, "train", "rows") is first
    assert distributed._cached_step(model, "test", "rows") is not first
    assert distributed._cached_step(model, "train", "values") is not first
    model.compile(optimizer="sgd", loss="mae")
    again = distributed._cached_step(model, "train", "rows")
    assert again is not first
    assert distributed._cached_step(model, "train", "rows") is again


BUSY = r"""
import socket, sys
s = socket.socket(); s.bind(("0.0.0.0", int(sys.argv[1]))); s.listen(1)  # the port is taken
import rkbridge as rk
try:
    rk.strategy_multi_worker(cluster=[f"localhost:{sys.argv[1]}", f"localhost:{sys.argv[2]}"],
                             task=1, timeout=5)
except Exception as e:
    print("RESULT", type(e).__name__, str(e))
"""


def test_a_busy_port_is_named():
    taken, other = free_ports(2)
    env = dict(os.environ, PYTHONPATH=ROOT, TF_CPP_MIN_LOG_LEVEL="3", CUDA_VISIBLE_DEVICES="")
    env.pop("TF_CONFIG", None)
    proc = subprocess.run([sys.executable, "-c", BUSY, str(taken), str(other)], env=env,
                          capture_output=True, text=True, timeout=120)
    line = [ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT")][-1]
    assert line.startswith("RESULT RkDistributedError strategy_multi_worker(): worker 1 could "
                           f"not start its server on port {taken} (localhost:{taken}): "
                           "another process is listening on it"), line


def test_a_lost_peer_is_named_in_r_terms(monkeypatch):
    from rkbridge import diagnose
    from rkbridge._keras import tf
    monkeypatch.setenv("TF_CONFIG", json.dumps({
        "cluster": {"worker": ["h1:7", "h2:8", "h3:9"]}, "task": {"type": "worker", "index": 0}}))
    unhealthy = ("Collective ops is aborted by: The following tasks are unhealthy (stopped "
                 "sending heartbeats):\n/job:worker/replica:0/task:2\nCheck the task logs for "
                 "an earlier error to debug further.\nAdditional GRPC error information from "
                 "remote target /job:worker/replica:0/task:0")
    e = diagnose.translate(tf.errors.UnavailableError(None, None, unhealthy))
    assert type(e).__name__ == "RkDistributedError" and e.r_class == "rkbridge_distributed_error"
    assert str(e).startswith("Multi-worker training stopped on worker 1 (h1:7): worker 3 "
                             "(h3:9) stopped answering")
    dump = ("{{function_node __wrapped__CollectiveReduceV2_Nordering_token_1_device_/job:worker/"
            "replica:0/task:0/device:CPU:0}} Collective has timed out during execution. "
            "[Op:CollectiveReduceV2] name: ")
    e = diagnose.translate(tf.errors.DeadlineExceededError(None, None, dump))
    assert "worker 1 (h1:7): a collective operation (the all-reduce of a step) got no answer" \
        in str(e)
    assert "function_node" not in str(e) and "task:0" not in str(e)
