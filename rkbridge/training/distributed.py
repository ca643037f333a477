"""Training that outgrows one process: TensorFlow's `tf.distribute`, driven with the same fit().

`strategy_mirrored()` (the devices of one machine) and `strategy_multi_worker()` (several
processes, each one worker, talking through TensorFlow's collective all-reduce) make the
strategy; models built and compiled in its scope (`with_strategy()` in R) train with
`fit()`, `evaluate()` and `predict()` as usual.

Keras 3's own fit() cannot train under `MultiWorkerMirroredStrategy` (keras-team/keras
issue 20585): it reduces a batch across workers in eager mode to learn the input shapes, and
its step reduces scalar logs along axis 0. For models under that strategy the engine runs
the loop itself, with Keras's own pieces: each replica gets its part of every global batch
(distributed_feeds.py: TensorFlow's distributed datasets and values); each step runs the model's own `train_step` (a custom
one too) under `strategy.run`, whose optimizer all-reduces the gradients; the logs are
reduced across workers (MEAN); callbacks, metrics and the History behave as in Keras's fit.
`BackupAndRestore` resumes from its restored epoch, as in Keras's fit; only the chief writes
to its directory.
No gradient exchange and no sockets of ours.

The cluster comes from `cluster`/`task`, TF_CONFIG, or a SLURM job step's environment
(`slurm_config()`). TensorFlow's gRPC server listens on 0.0.0.0 whatever the cluster names
(its address is not configurable) and has no authentication: the vignette says how to
fence it on a shared network.
"""
from __future__ import annotations

import json
import os
import re
from typing import Any

import numpy as np

from ..wrappers import args as A
from . import data as D
from .. import keras_internals as KI
from .._keras import keras, tf
from ..errors import RkError, RkValueError
from . import distributed_feeds as F
from .generators import MainThreadAdapter


class RkDistributedError(RkError):
    r_class = "rkbridge_distributed_error"


# -- strategies ----------------------------------------------------------------------------

def strategy_mirrored(devices: Any = None) -> Any:
    """All the devices of this machine (every visible GPU; the CPU when there is none)."""
    if devices is not None:
        devices = [devices] if isinstance(devices, str) else list(devices)
    return tf.distribute.MirroredStrategy(devices=devices)


def _addresses(cluster: Any) -> dict[str, list[str]]:
    if isinstance(cluster, str):
        cluster = {"worker": [cluster]}
    if isinstance(cluster, (list, tuple)):
        cluster = {"worker": list(cluster)}
    if not isinstance(cluster, dict) or not cluster:
        raise RkValueError("`cluster` must name the workers' addresses, e.g. "
                           "list(worker = c(\"host1:12345\", \"host2:12345\")).")
    out = {}
    for role, hosts in cluster.items():
        hosts = [hosts] if isinstance(hosts, str) else [str(h) for h in hosts]
        for h in hosts:
            if ":" not in h:
                raise RkValueError(f"The address \"{h}\" in `cluster` needs a port "
                                   f"(\"host:port\").")
        out[str(role)] = hosts
    _refuse_repeated(out)
    return out


def _refuse_repeated(cluster: dict[str, list[str]]) -> None:
    """Two tasks at one address would both start a server on it: TensorFlow accepts such a
    cluster and then waits for a peer that can never join."""
    seen: dict[str, str] = {}
    for role, hosts in cluster.items():
        for i, h in enumerate(hosts):
            if h in seen:
                raise RkValueError(f"The address \"{h}\" is given twice in the cluster "
                                   f"({seen[h]} and {_task_label(role, i)}): each worker "
                                   f"needs an address (host and port) of its own.")
            seen[h] = _task_label(role, i)


def tf_config(cluster: Any, task_type: str = "worker", task_index: Any = 1) -> str:
    """The TF_CONFIG JSON for this process. `task_index` is 1-based (the first worker, the
    chief, is 1), as every index an R user types; TF_CONFIG itself counts from 0."""
    index = A.as_integer(task_index, "task")
    hosts = _addresses(cluster)
    if task_type not in hosts:
        raise RkValueError(f"`task` names the role \"{task_type}\", which `cluster` does not "
                           f"have (it has {', '.join(hosts)}).")
    def out_of_range(i: Any) -> RkValueError:
        return RkValueError(f"`task` index must be between 1 and {len(hosts[task_type])} "
                            f"(1-based), not {task_index}.")
    if not isinstance(index, int) or index < 0:
        raise out_of_range(index)
    index = A.zero_based(index, A.POSITION, "task", len(hosts[task_type]), out_of_range)
    return json.dumps({"cluster": hosts, "task": {"type": task_type, "index": index}})


def strategy_multi_worker(cluster: Any = None, task: Any = None, timeout: Any = 60,
                          communication: str = "auto", port: Any = None) -> Any:
    """A `MultiWorkerMirroredStrategy` for this process as one worker of `cluster`.

    `cluster`: the workers' "host:port" addresses (a vector, or a named list of roles);
    `task`: this process's place, `list(type = "worker", index = 1)` or just its 1-based
    index. Without them, the `TF_CONFIG` environment variable describes the cluster (as in
    TensorFlow), or else SLURM's environment in a job step (`slurm_config()`; `port`: the
    first port on each node). `timeout` (seconds) bounds the wait for the peers to join (an
    `RkDistributedError` naming the address of each worker that did not join, or of the
    leader this worker could not reach); `None` keeps TensorFlow's own limit (an hour).
    A peer lost later is noticed by the coordination service's heartbeats: the step fails
    (diagnose.py names the worker)."""
    timeout = float(A.scalar(timeout)) if timeout is not None else None
    if timeout is not None and not timeout > 0:
        raise RkValueError(f"`timeout` must be a positive number of seconds, not {timeout}.")
    source = "the arguments `cluster` and `task`"
    if cluster is not None:
        if isinstance(task, dict):
            task_type, index = str(task.get("type", "worker")), task.get("index", 1)
        else:
            task_type, index = "worker", 1 if task is None else task
        os.environ["TF_CONFIG"] = tf_config(cluster, task_type, index)
    elif os.environ.get("TF_CONFIG"):
        source = "the environment variable TF_CONFIG"
    elif "SLURM_PROCID" in os.environ:
        config, source = slurm_config(port)
        os.environ["TF_CONFIG"] = json.dumps(config)
    raw = os.environ.get("TF_CONFIG", "")
    if not raw:
        raise RkValueError("strategy_multi_worker() needs `cluster` and `task`, the "
                           "TF_CONFIG environment variable, or a SLURM job step (srun) "
                           "setting SLURM_PROCID.")
    config = json.loads(raw)
    _refuse_repeated({str(r): [str(h) for h in hs]
                      for r, hs in config.get("cluster", {}).items()})
    impl = {"auto": tf.distribute.experimental.CommunicationImplementation.AUTO,
            "ring": tf.distribute.experimental.CommunicationImplementation.RING,
            "nccl": tf.distribute.experimental.CommunicationImplementation.NCCL}[communication]
    options = tf.distribute.experimental.CommunicationOptions(
        implementation=impl)
    # TensorFlow starts this worker's server in the constructor and waits there, holding
    # the GIL, until every worker has registered with the cluster's coordination service
    # (its leader is the chief, or worker 1). `_join_within` bounds that wait with
    # `timeout`. Collectives get no timeout of their own: TensorFlow enforces one with a
    # thread per operation that lives `timeout` seconds (thousands of threads a minute at
    # hundreds of steps a second, until thread creation fails); the service's heartbeats
    # already abort them when a peer is lost.
    saved = _context_state()
    _join_within(config, timeout)
    try:
        strategy = tf.distribute.MultiWorkerMirroredStrategy(communication_options=options)
    except (tf.errors.DeadlineExceededError, tf.errors.UnavailableError) as e:
        _restore_context_state(saved)
        raise RkDistributedError(_join_failure(config, timeout, str(e),
                                               type(e).__name__)) from None
    except (tf.errors.UnknownError, tf.errors.AbortedError) as e:
        _restore_context_state(saved)
        raise RkDistributedError(_server_failure(config, str(e))) from None
    strategy._rk_cluster_from = _describe(config, source)
    return strategy


def _describe(config: dict[str, Any], source: str) -> str:
    """Where the cluster came from and this process's place in it (R prints it)."""
    task = config.get("task", {})
    role, index = task.get("type", "worker"), int(task.get("index", 0))
    hosts = config.get("cluster", {}).get(role, [])
    n = sum(len(h) for h in config.get("cluster", {}).values())
    at = hosts[index] if index < len(hosts) else "?"
    return (f"strategy_multi_worker(): {_task_label(role, index)} ({at}) of a cluster of "
            f"{n}, from {source}.")


def _server_failure(config: dict[str, Any], detail: str) -> str:
    """TensorFlow could not start this worker's server: say the port it could not take."""
    task = config.get("task", {})
    role, index = task.get("type", "worker"), int(task.get("index", 0))
    hosts = config.get("cluster", {}).get(role, [])
    at = hosts[index] if index < len(hosts) else "?"
    why = ("another process is listening on it (a worker of an earlier run still alive?)"
           if "Could not start gRPC server" in detail or "address" in detail.lower()
           else detail.strip().splitlines()[0] if detail.strip() else "unknown")
    return (f"strategy_multi_worker(): {_task_label(role, index)} could not start its "
            f"server on port {at.rsplit(':', 1)[-1]} ({at}): {why}. Free the port or "
            f"give this worker another one.")


# -- the cluster of a SLURM job step ------------------------------------------------------------

SLURM_VARIABLES = ("SLURM_PROCID", "SLURM_STEP_NUM_TASKS", "SLURM_STEP_NODELIST",
                   "SLURM_STEP_TASKS_PER_NODE")


def _slurm(name: str, fallback: str | None = None) -> str:
    value = os.environ.get(name) or (os.environ.get(fallback) if fallback else None)
    if not value:
        raise RkValueError(f"strategy_multi_worker(): SLURM_PROCID is set but {name} is not: "
                           f"start the workers with srun inside the allocation (sbatch "
                           f"script or salloc), or give `cluster` and `task`.")
    return value


def slurm_hosts(nodelist: str) -> list[str]:
    """The node names of a SLURM node list ("node[01-03],gpu7"): as `scontrol show
    hostnames` gives them where SLURM's scontrol is on the PATH (it knows every form SLURM
    writes), else expanded as TensorFlow's SLURM resolver does."""
    import shutil
    import subprocess
    scontrol = shutil.which("scontrol")
    if scontrol:
        out = subprocess.run([scontrol, "show", "hostnames", nodelist], capture_output=True,
                             text=True, timeout=60)
        hosts = out.stdout.split()
        if out.returncode == 0 and hosts:
            return hosts
    from tensorflow.python.distribute.cluster_resolver import slurm_cluster_resolver as S
    return S.expand_hostlist(nodelist)


def slurm_port(port: Any = None) -> int:
    """The first port of this job's workers on each node: `port` when given, else one
    derived from SLURM_JOB_ID, the same in every task of the job and apart from the
    ports of other jobs sharing a node (blocks of 50 from 10000)."""
    if port is not None:
        return A.as_integer(port, "port")
    job = os.environ.get("SLURM_JOB_ID", "0")
    return 10000 + (int(job) % 1000) * 50 if job.isdigit() else 10000


def slurm_config(port: Any = None) -> tuple[dict[str, Any], str]:
    """The TF_CONFIG of this task of a SLURM job step, and the variables it was read
    from. Workers are numbered as SLURM_PROCID numbers the tasks (task 0, the chief, is
    worker 1); the tasks of a node are given consecutive ports from `slurm_port()`, in the
    order of the node list (SLURM's block distribution)."""
    from tensorflow.python.distribute.cluster_resolver import slurm_cluster_resolver as S
    rank = int(_slurm("SLURM_PROCID"))
    ntasks = int(_slurm("SLURM_STEP_NUM_TASKS", "SLURM_NTASKS"))
    hosts = slurm_hosts(_slurm("SLURM_STEP_NODELIST", "SLURM_JOB_NODELIST"))
    per_node = S.expand_tasks_per_node(_slurm("SLURM_STEP_TASKS_PER_NODE",
                                              "SLURM_TASKS_PER_NODE"))
    if len(per_node) != len(hosts) or sum(per_node) != ntasks:
        raise RkValueError(
            f"strategy_multi_worker(): SLURM's node list ({', '.join(hosts)}) and tasks per "
            f"node ({per_node}) do not make the {ntasks} tasks of SLURM_STEP_NUM_TASKS.")
    first = slurm_port(port)
    workers = [f"{h}:{first + k}" for h, n in zip(hosts, per_node) for k in range(n)]
    if not 0 <= rank < ntasks:
        raise RkValueError(f"strategy_multi_worker(): SLURM_PROCID is {rank}, outside the "
                           f"{ntasks} tasks of the step.")
    config = {"cluster": {"worker": workers}, "task": {"type": "worker", "index": rank}}
    used = [v if os.environ.get(v) else {"SLURM_STEP_NUM_TASKS": "SLURM_NTASKS",
            "SLURM_STEP_NODELIST": "SLURM_JOB_NODELIST",
            "SLURM_STEP_TASKS_PER_NODE": "SLURM_TASKS_PER_NODE"}.get(v, v)
            for v in SLURM_VARIABLES]
    return config, f"SLURM's environment ({', '.join(used)}; ports from {first})"


# -- joining the cluster within `timeout` ----------------------------------------------------
#
# TensorFlow's strategy configures its coordination service (the leader's registry that
# every worker joins before training) only when nobody has, with no limit of its own on the
# wait (an hour, in C++). We configure it first exactly as the strategy would, adding two
# settings of that same service: the register timeout, and registration through a barrier,
# so that the leader fails when a worker has not joined within `timeout` and the others
# fail when they cannot reach the leader. Nothing else in the process changes; a
# coordination service that the caller configured is left as it is.

_CONTEXT_ATTRS = ("_collective_ops_server_def", "_coordination_service_config",
                  "_collective_leader", "_collective_scoped_allocator_enabled_ops",
                  "_collective_use_nccl_communication", "_collective_device_filters")


def _context_state() -> dict[str, Any]:
    ctx = KI.eager_context()
    return {a: getattr(ctx, a) for a in _CONTEXT_ATTRS if hasattr(ctx, a)}


def _restore_context_state(saved: dict[str, Any]) -> None:
    """After a failed join: forget the cluster, so that this process keeps working locally
    (otherwise every later TensorFlow call would try to start the cluster's server again).
    It cannot join a cluster again: TensorFlow keeps the failed server and its port."""
    ctx = KI.eager_context()
    for a, v in saved.items():
        setattr(ctx, a, v)


def _join_within(config: dict[str, Any], timeout: float | None) -> None:
    ctx = KI.eager_context()
    if timeout is None or ctx.coordination_service is not None:
        return
    modules = KI.cluster_modules()
    if modules is None:  # another TensorFlow layout: its own limits apply
        return
    coordination_config_pb2, multi_worker_util = modules
    spec = tf.train.ClusterSpec(config.get("cluster", {}))
    task_type = config.get("task", {}).get("type", "worker")
    jobs = [j for j in ("chief", "worker") if j in spec.jobs]
    if task_type not in ("chief", "worker") or not jobs:
        return
    ctx.configure_coordination_service(
        service_type="standalone",
        service_leader=multi_worker_util.coordination_leader(spec),
        coordinated_jobs=[coordination_config_pb2.CoordinatedJob(
            name=j, num_tasks=spec.num_tasks(j)) for j in jobs],
        cluster_register_timeout_in_ms=max(1, int(timeout * 1000)))
    service = ctx.coordination_service
    if "cluster_register_with_barrier" in service.DESCRIPTOR.fields_by_name:
        service.cluster_register_with_barrier = True


def _task_label(role: str, index: int) -> str:
    return f"{role} {index + 1}"  # 1-based, as `task` is given


def _join_failure(config: dict[str, Any], timeout: float | None, detail: str,
                  kind: str = "") -> str:
    """The message for a worker that could not join: which peers (by address) are missing,
    or which leader it could not reach."""
    cluster = config.get("cluster", {})
    task = config.get("task", {})
    role, index = task.get("type", "worker"), int(task.get("index", 0))

    def address(r: str, i: int) -> str:
        hosts = cluster.get(r, [])
        return hosts[i] if 0 <= i < len(hosts) else f"/job:{r}/task:{i}"

    me = f"{_task_label(role, index)} ({address(role, index)})"
    within = f"within {timeout:g} seconds" if timeout is not None else "in time"
    missing = []
    if "timed out task names" in detail:
        tail = detail.split("timed out task names", 1)[1]
        missing = [(m.group(1), int(m.group(2)))
                   for m in re.finditer(r"/job:(\w+)/replica:\d+/task:(\d+)", tail)]
        missing = [m for m in dict.fromkeys(missing) if m != (role, index)]
    leader_role = "chief" if "chief" in cluster else "worker"
    if missing:
        who = ", ".join(f"{address(r, i)} ({_task_label(r, i)})" for r, i in missing)
        what = (f"the peer at {who} did not join" if len(missing) == 1
                else f"the peers at {who} did not join")
    elif (role, index) != (leader_role, 0):
        what = (f"the cluster's leader at {address(leader_role, 0)} "
                f"({_task_label(leader_role, 0)}) could not be reached, or did not gather "
                f"every worker")
    else:
        what = "not every peer joined: " + ", ".join(
            address(r, i) for r, hosts in cluster.items() for i in range(len(hosts))
            if (r, i) != (role, index))
    return (f"strategy_multi_worker(): {me} could not form the cluster {within}: {what}. "
            f"Start every worker within `timeout` seconds of the others, and check each "
            f"address, port and firewall. This process cannot join a cluster again; "
            f"restart it to retry." + (f" (TensorFlow: {kind})" if kind else ""))


def num_workers(strategy: Any) -> int:
    return KI.strategy_workers(strategy)


def is_chief(strategy: Any = None) -> bool:
    """Whether this process is the chief (worker 1): the one that should save the model."""
    config = json.loads(os.environ.get("TF_CONFIG", "") or "{}")
    task = config.get("task", {})
    return task.get("type", "worker") == "chief" or (
        task.get("type", "worker") == "worker" and task.get("index", 0) == 0
        and "chief" not in config.get("cluster", {}))


def is_multi_worker(model: Any) -> bool:
    """Models made under a MultiWorkerMirroredStrategy train in this module's loop."""
    strategy = KI.model_strategy(model)
    return isinstance(strategy, tf.distribute.MultiWorkerMirroredStrategy)


class Runner:
    """fit(), evaluate() and predict() of a model under a MultiWorkerMirroredStrategy: this
    module's loop, as model.py runs them."""

    def __init__(self, model: Any):
        self.model = model

    def fit(self, **kw: Any) -> Any:
        return fit(self.model, **kw)

    def evaluate(self, **kw: Any) -> dict[str, float]:
        return evaluate(self.model, **kw)

    def predict(self, x: Any, **kw: Any) -> Any:
        return predict(self.model, x, **kw)


# -- the loop ------------------------------------------------------------------------------

def _cached_step(model: Any, kind: str, feed_kind: str) -> Any:
    """The model's traced train or test step for a kind of feed, kept between calls as
    Keras keeps its own (tracing it again cost every call about 0.3 s), and made anew after
    compile() (a new optimizer and compile settings)."""
    key = (model.optimizer, KI.compile_state(model))
    steps = model.__dict__.setdefault("_rk_steps", {})
    cached = steps.get((kind, feed_kind))
    if cached is not None and cached[0][0] is key[0] and cached[0][1] is key[1]:
        return cached[1]
    fn = F.step_function(model.distribute_strategy, getattr(model, f"{kind}_step"),
                         feed_kind)
    steps[(kind, feed_kind)] = (key, fn)
    return fn


def _floats(logs: Any) -> dict[str, float]:
    return {k: float(np.asarray(v)) for k, v in dict(logs or {}).items()}


def _build(model: Any, feed: Any) -> None:
    """Create the optimizer's and the metrics' variables under the strategy, from a local
    batch's shapes (what Keras does with a batch reduced across workers)."""
    with model.distribute_strategy.scope():
        KI.symbolic_build(model, feed.first_batch)


def _run_steps(fn: Any, feed: Any, steps: Any, begin: Any, end: Any,
               stop: Any = lambda: False) -> dict[str, float]:
    """Up to `steps` steps (all the feed has, when None); `begin`/`end` are the batch
    callbacks (or None); `stop()` ends the epoch early. Returns the last logs."""
    logs: dict[str, float] = {}
    step = 0
    while steps is None or step < steps:
        if begin:
            begin(step)
        try:
            out = fn(*feed.args())
        except (tf.errors.OutOfRangeError, StopIteration):
            break  # a source of unknown length ran out: the end of the epoch
        logs = _floats(out)
        if end:
            end(step, logs)
        step += 1
        if stop():
            break
    return logs


def fit(model: Any, x: Any = None, y: Any = None, batch_size: Any = None, epochs: int = 1,
        verbose: Any = 0, callbacks: Any = None, validation_split: float = 0.0,
        validation_data: Any = None, shuffle: bool = True, class_weight: Any = None,
        sample_weight: Any = None, initial_epoch: int = 0, steps_per_epoch: Any = None,
        validation_steps: Any = None, validation_batch_size: Any = None,
        validation_freq: int = 1, seed: int = 1234, **kwargs: Any) -> Any:
    """Keras's fit() for a model under a MultiWorkerMirroredStrategy (see the module).
    `batch_size` is the global batch, split between the workers; `x` may be arrays, a
    tf.data dataset or a batch source (generators.py)."""
    if class_weight:
        raise RkValueError("`class_weight` is not supported in multi-worker fit(); give "
                           "`sample_weight` instead.")
    batch_size = int(batch_size or 32)
    if validation_split and validation_data is None:
        n = D.nrows(x)
        cut = int(n * (1.0 - validation_split))
        take = lambda a, s: keras.tree.map_structure(lambda v: v[s], a)  # noqa: E731
        validation_data = (take(x, slice(cut, None)), take(y, slice(cut, None)))
        x, y = take(x, slice(0, cut)), take(y, slice(0, cut))
        if sample_weight is not None:
            sample_weight = sample_weight[:cut]
    feed = F.feed(model, x, y, sample_weight, batch_size, bool(shuffle), int(seed),
                  steps_per_epoch, "train")
    _build(model, feed)
    train = _cached_step(model, "train", feed.kind)
    cbs = callbacks if isinstance(callbacks, keras.callbacks.CallbackList) else \
        keras.callbacks.CallbackList(callbacks, add_history=True, add_progbar=False,
                                     model=model, verbose=0, epochs=epochs, steps=feed.steps)
    model.stop_training = False
    KI.take_restored_epoch(model)
    cbs.on_train_begin()
    # callback_backup_and_restore() restored an interrupted run: go on from its epoch (as
    # Keras's fit does), and keep the other workers' backups out of the chief's directory
    _backups_apart(cbs)
    initial_epoch = KI.take_restored_epoch(model) or initial_epoch
    logs: dict[str, float] = {}
    validation = _Validation(model, validation_data, validation_batch_size or batch_size,
                             validation_steps)
    for epoch in range(int(initial_epoch), int(epochs)):
        model.reset_metrics()
        cbs.on_epoch_begin(epoch)
        feed.begin_epoch()
        logs = _run_steps(train, feed, feed.steps, cbs.on_train_batch_begin,
                          cbs.on_train_batch_end, lambda: bool(model.stop_training)) or logs
        feed.end_epoch()
        epoch_logs = dict(logs)
        if validation_data is not None and (epoch + 1) % int(validation_freq or 1) == 0:
            epoch_logs.update({f"val_{k}": v for k, v in validation.run().items()})
        cbs.on_epoch_end(epoch, epoch_logs)
        if model.stop_training:
            break
    feed.done()
    validation.done()
    cbs.on_train_end(logs)
    return model.history


class _Validation:
    """fit()'s validation data, evaluated after an epoch as evaluate() would, through one
    feed made at the first use and kept for the later epochs (with `validation_steps`, each
    validation goes on where the last stopped, as in Keras)."""

    def __init__(self, model: Any, data: Any, batch_size: Any, steps: Any):
        self.model, self.data, self.batch_size, self.steps = model, data, batch_size, steps
        self.feed: Any = None

    def run(self) -> dict[str, float]:
        if self.feed is None:
            x, y, w = (tuple(self.data) + (None, None))[:3] \
                if isinstance(self.data, (tuple, list)) else (self.data, None, None)
            self.feed = F.feed(self.model, x, y, w, int(self.batch_size or 32), False, 0,
                               self.steps, "validation")
            _build(self.model, self.feed)
        return _evaluate_steps(self.model, self.feed, None)

    def done(self) -> None:
        if self.feed is not None:
            self.feed.done()


def _backups_apart(cbs: Any) -> None:
    """Every worker restores from the chief's `BackupAndRestore` directory (their weights
    are the same); only the chief writes there. The other workers write (and at the end
    delete) their backups in a directory of their own, as TensorFlow's Keras 2 did, so that
    two processes never write one file."""
    if is_chief():
        return
    import tempfile
    for cb in getattr(cbs, "callbacks", []):
        if isinstance(cb, keras.callbacks.BackupAndRestore):
            KI.backup_into(cb, tempfile.mkdtemp(prefix="rkbridge-backup-worker-"))


def evaluate(model: Any, x: Any = None, y: Any = None, batch_size: Any = None,
             verbose: Any = 0, sample_weight: Any = None, steps: Any = None,
             callbacks: Any = None, return_dict: bool = True, **kwargs: Any
             ) -> dict[str, float]:
    """Keras's evaluate() for a model under a MultiWorkerMirroredStrategy: each worker
    evaluates its part of every global batch, and the metrics are averaged."""
    feed = F.feed(model, x, y, sample_weight, int(batch_size or 32), False, 0, steps,
                  "evaluate")
    _build(model, feed)
    cbs = keras.callbacks.CallbackList(callbacks, model=model, verbose=0, epochs=1,
                                       steps=feed.steps)
    cbs.on_test_begin()
    logs = _evaluate_steps(model, feed, cbs)
    feed.done()
    cbs.on_test_end(logs)
    return logs


def _evaluate_steps(model: Any, feed: Any, cbs: Any) -> dict[str, float]:
    test = _cached_step(model, "test", feed.kind)
    model.reset_metrics()
    feed.begin_epoch()
    return _run_steps(test, feed, feed.steps, cbs and cbs.on_test_batch_begin,
                      cbs and cbs.on_test_batch_end)


def predict(model: Any, x: Any, batch_size: Any = None, verbose: Any = 0, steps: Any = None,
            callbacks: Any = None, **kwargs: Any) -> Any:
    """Predictions on this worker alone (no communication): every worker that asks gets
    the predictions for all of `x` (arrays, a tf.data dataset or a batch source)."""
    if isinstance(x, tf.data.Dataset):
        parts: Any = x.take(int(steps)) if steps else x
        parts = (b[0] if isinstance(b, tuple) else b for b in parts)
    elif isinstance(x, MainThreadAdapter):
        batches = x._batches()
        n = steps or x.num_batches
        parts = (b for _, b in zip(range(n) if n else iter(int, 1), batches))
    else:
        size = int(batch_size or 32)
        parts = (keras.tree.map_structure(lambda v: v[i:i + size], x)
                 for i in range(0, D.nrows(x), size))
    outs = [keras.tree.map_structure(lambda t: np.asarray(t), model(p, training=False))
            for p in parts]
    return keras.tree.map_structure(lambda *p: np.concatenate(p, axis=0), *outs)
