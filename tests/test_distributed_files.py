"""Multi-worker training from files (rkbridge/training/distributed.py, datautils/tfdatasets.py),
with real processes on loopback ports: a cluster launched as SLURM launches it (its
environment, a stand-in `scontrol`), each worker reading its own shards of CSV and TFRecord
files, every row once per epoch across the workers, identical weights; and a worker's peak
memory that does not grow with the files it streams."""
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
WORKER = os.path.join(HERE, "dist_files_worker.py")
SHARDS, ROWS = 4, 48  # rows per shard


def free_pair() -> int:
    """A port p with p and p + 1 free (SLURM's workers of one node take consecutive ports)."""
    for _ in range(50):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            p = s.getsockname()[1]
        try:
            with socket.socket() as a, socket.socket() as b:
                a.bind(("127.0.0.1", p))
                b.bind(("127.0.0.1", p + 1))
            return p
        except OSError:
            continue
    raise RuntimeError("no two consecutive free ports")


def stand_in_scontrol(tmp) -> str:
    """A directory with an `scontrol` that expands any node list to this machine."""
    bin_dir = tmp / "bin"
    bin_dir.mkdir()
    script = bin_dir / "scontrol"
    script.write_text("#!/bin/sh\n[ \"$1 $2\" = \"show hostnames\" ] && echo localhost\n")
    script.chmod(0o755)
    return str(bin_dir)


def slurm_env(tmp, rank: int) -> dict:
    env = dict(os.environ, PYTHONPATH=ROOT, TF_CPP_MIN_LOG_LEVEL="3", CUDA_VISIBLE_DEVICES="",
               PATH=stand_in_scontrol(tmp) + os.pathsep + os.environ["PATH"],
               SLURM_PROCID=str(rank), SLURM_STEP_NUM_TASKS="2",
               SLURM_STEP_NODELIST="node[07]", SLURM_STEP_TASKS_PER_NODE="2(x1)",
               SLURM_JOB_ID="4242")
    env.pop("TF_CONFIG", None)
    return env


def write_shards(directory) -> None:
    from rkbridge.datautils.tfdatasets import write_tfrecords
    rng = np.random.default_rng(3)
    x = rng.random((SHARDS * ROWS, 20)).astype("float32")
    y = x @ rng.random(20).astype("float32")
    for s in range(SHARDS):
        rows = range(s * ROWS, (s + 1) * ROWS)
        with open(directory / f"part-{s}.csv", "w") as f:
            f.write("id," + ",".join(f"f{i}" for i in range(1, 21)) + ",target\n")
            for r in rows:
                f.write(f"{r}," + ",".join(f"{v:.6f}" for v in x[r]) + f",{y[r]:.6f}\n")
    files = [str(directory / f"part-{s}.tfrecord") for s in range(SHARDS)]
    features = write_tfrecords({"x": x, "y": y}, files)
    (directory / "features.json").write_text(json.dumps(features))


@pytest.fixture(scope="module")
def slurm_run(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("slurm")
    data = tmp / "data"
    data.mkdir()
    write_shards(data)
    port = free_pair()
    procs = []
    for rank in (0, 1):
        rank_dir = tmp / f"rank{rank}"
        rank_dir.mkdir()
        procs.append(subprocess.Popen(
            [sys.executable, WORKER, "rows", str(tmp / f"w{rank}.json"), str(data), str(port)],
            env=slurm_env(rank_dir, rank), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True))
    try:
        for p in procs:
            _, err = p.communicate(timeout=400)
            assert p.returncode == 0, err[-3000:]
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
    return port, [json.loads((tmp / f"w{r}.json").read_text()) for r in (0, 1)]


def test_a_slurm_step_forms_the_cluster_and_says_where_from(slurm_run):
    port, (a, b) = slurm_run
    assert a["chief"] is True and b["chief"] is False
    assert a["from"].startswith(f"strategy_multi_worker(): worker 1 (localhost:{port}) of a "
                                f"cluster of 2, from SLURM's environment (SLURM_PROCID, ")
    assert f"worker 2 (localhost:{port + 1})" in b["from"]


def test_each_worker_reads_its_own_files_and_every_row_once(slurm_run):
    _, (a, b) = slurm_run
    everything = list(range(SHARDS * ROWS))
    # auto: sharded by file (shards 1 and 3 to worker 1, 2 and 4 to worker 2)
    assert sorted(a["auto"] + b["auto"]) == everything
    assert {i // ROWS for i in a["auto"]} == {0, 2}
    assert {i // ROWS for i in b["auto"]} == {1, 3}
    # "data": every worker reads every file and keeps its part of the elements
    assert sorted(a["data"] + b["data"]) == everything
    assert {i // ROWS for i in a["data"]} == set(range(SHARDS))
    assert {i // ROWS for i in b["data"]} == set(range(SHARDS))


def test_workers_training_from_file_shards_end_with_identical_weights(slurm_run):
    _, (a, b) = slurm_run
    for kind in ("tfrecord", "csv"):
        assert len(a[f"{kind}_loss"]) == 2 and a[f"{kind}_loss"] == b[f"{kind}_loss"]
        assert a[f"{kind}_loss"][1] < a[f"{kind}_loss"][0]  # it trained
        for wa, wb in zip(a[f"{kind}_weights"], b[f"{kind}_weights"]):
            assert np.array_equal(np.asarray(wa), np.asarray(wb))
    # the same rows (TFRecord and CSV hold the same data), the same training
    np.testing.assert_allclose(a["tfrecord_loss"], a["csv_loss"], rtol=1e-4)


def test_slurm_config_reads_slurm_variables_and_scontrol(tmp_path, monkeypatch):
    from rkbridge.training.distributed import slurm_config
    for k, v in slurm_env(tmp_path, 2).items():
        if k.startswith("SLURM_") or k == "PATH":
            monkeypatch.setenv(k, v)
    monkeypatch.setenv("SLURM_STEP_NUM_TASKS", "4")
    monkeypatch.setenv("SLURM_STEP_TASKS_PER_NODE", "2(x2)")
    monkeypatch.setenv("SLURM_STEP_NODELIST", "gpu[1-2]")
    (tmp_path / "bin" / "scontrol").write_text("#!/bin/sh\nprintf 'gpu1\\ngpu2\\n'\n")
    config, source = slurm_config()
    first = 10000 + 242 * 50  # from SLURM_JOB_ID 4242: the same in every task of the job
    assert config == {"cluster": {"worker": [f"gpu1:{first}", f"gpu1:{first + 1}",
                                             f"gpu2:{first}", f"gpu2:{first + 1}"]},
                      "task": {"type": "worker", "index": 2}}
    assert "SLURM_PROCID" in source and "SLURM_STEP_NODELIST" in source
    assert slurm_config(port=9000)[0]["cluster"]["worker"][3] == "gpu2:9001"
    # without scontrol, the node list is expanded as TensorFlow's resolver does
    monkeypatch.setenv("PATH", "/nonexistent")
    assert slurm_config()[0]["cluster"]["worker"][2] == f"gpu2:{first}"
    monkeypatch.setenv("SLURM_STEP_NUM_TASKS", "3")
    with pytest.raises(Exception, match="do not make the 3 tasks"):
        slurm_config()


def test_a_cluster_naming_one_address_twice_is_refused():
    import rkbridge as rk
    with pytest.raises(Exception, match=r"\"localhost:5\" is given twice in the cluster "
                                        r"\(worker 1 and worker 2\)"):
        rk.strategy_multi_worker(cluster=["localhost:5", "localhost:5"], task=1)


def write_csv(path, rows: int) -> int:
    block = "".join(f"{r}," + ",".join(f"{(r * 7 + i) % 97 / 97:.6f}" for i in range(1, 21))
                    + f",{r % 5 / 5:.3f}\n" for r in range(2000))
    with open(path, "w") as f:
        f.write("id," + ",".join(f"f{i}" for i in range(1, 21)) + ",target\n")
        for _ in range(rows // 2000):
            f.write(block)
    return os.path.getsize(path)


def test_peak_memory_stays_flat_as_the_files_grow(tmp_path):
    """A worker streams its files: its peak resident set while training from 4x the data
    grows far less than the data did (files of tens of MB, not loaded)."""
    small, large = tmp_path / "small", tmp_path / "large"
    small.mkdir()
    large.mkdir()
    sizes = {"small": write_csv(small / "a.csv", 40000),
             "large": write_csv(large / "a.csv", 160000) + write_csv(large / "b.csv", 160000)}
    env = dict(os.environ, PYTHONPATH=ROOT, TF_CPP_MIN_LOG_LEVEL="3", CUDA_VISIBLE_DEVICES="")
    env.pop("TF_CONFIG", None)
    procs = {k: subprocess.Popen(
        [sys.executable, WORKER, "memory", str(tmp_path / f"{k}.json"),
         str(tmp_path / k / "*.csv"), str(free_pair())], env=env, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True) for k in ("small", "large")}
    try:
        for p in procs.values():
            _, err = p.communicate(timeout=400)
            assert p.returncode == 0, err[-3000:]
    finally:
        for p in procs.values():
            if p.poll() is None:
                p.kill()
    got = {k: json.loads((tmp_path / f"{k}.json").read_text()) for k in procs}
    grew_mb = (sizes["large"] - sizes["small"]) / 2**20
    assert grew_mb > 40
    peak_mb = {k: v["peak_kb"] / 1024 for k, v in got.items()}
    print(f"files {sizes['small'] / 2**20:.0f} MB -> peak RSS {peak_mb['small']:.0f} MB; "
          f"files {sizes['large'] / 2**20:.0f} MB -> peak RSS {peak_mb['large']:.0f} MB")
    assert peak_mb["large"] - peak_mb["small"] < grew_mb / 4
    assert all(np.isfinite(v["loss"][0]) for v in got.values())
