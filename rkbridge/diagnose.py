"""Keras and TensorFlow errors said in R terms: the one place that knows their raw wording.

`translate()` turns an exception raised by Keras, TensorFlow or Python itself into an
`RkError` subclass (its `r_class` becomes the R condition class) with a short message using
R dimensions (`c(NA, 4)`), argument names and the closest valid names. Exceptions it does
not recognise keep their text, cleaned of terminal colour codes, argument dumps and graph
stack listings. `check_identifiers()` validates the loss/metric strings given to compile(),
which Keras would only reject at the first fit().
"""
from __future__ import annotations

import os
import re
import zipfile
from typing import Any, Iterable

from ._keras import keras, tf
from .errors import RkError, RkIOError, RkNetworkError, RkShapeError, RkValueError, suggest
from .keras_internals import RkInternalsError, registry_table
from .training.interrupts import RkInterrupted, is_interrupt

# -- the valid names, for "did you mean" ------------------------------------------------------

# Strings compile() accepts for metrics besides keras.metrics' own names.
_METRIC_ALIASES = ("accuracy", "acc", "crossentropy", "ce")


def _registered(module_name: str) -> set[str]:
    """Lower-case names (aliases such as 'mae' included) in a Keras module's registry."""
    try:
        table = registry_table(module_name)
    except RkInternalsError:
        return set()
    return {k for k in table if k.islower() and k not in ("metric", "mean_metric_wrapper")}


def _function_names(module: Any) -> set[str]:
    return {n for n in dir(module) if not n.startswith("_") and n.islower()
            and callable(getattr(module, n))
            and n not in ("get", "serialize", "deserialize")}


def valid_names(kind: str) -> list[str]:
    """The strings Keras accepts for an optimizer, loss, metric or activation."""
    if kind == "optimizer":
        names = {n.lower() for n in dir(keras.optimizers)
                 if isinstance(getattr(keras.optimizers, n), type)
                 and issubclass(getattr(keras.optimizers, n), keras.optimizers.Optimizer)}
        return sorted(names - {"optimizer", "lossscaleoptimizer", "multioptimizer"})
    if kind == "loss":
        return sorted(_function_names(keras.losses) | _registered("losses"))
    if kind == "metric":
        return sorted(_function_names(keras.metrics) | _registered("metrics")
                      | set(_METRIC_ALIASES))
    if kind == "activation":
        return sorted(_function_names(keras.activations) | _registered("activations"))
    return []


def unknown_name(kind: str, name: str, arg: str | None = None) -> RkValueError:
    choices = valid_names(kind)
    hint = suggest(name, choices) or suggest(name.lower(), choices)
    where = f" (`{arg}`)" if arg else ""
    return RkValueError(f"Unknown {kind} \"{name}\"{where}.{hint}")


def check_identifiers(loss: Any, metrics: Any) -> None:
    """compile(): reject unknown loss/metric strings now, not at the first fit()."""
    for value in _strings(loss):
        try:
            keras.losses.get(value)
        except ValueError:
            raise unknown_name("loss", value, "loss") from None
    for value in _strings(metrics):
        if value.lower() in _METRIC_ALIASES:
            continue
        try:
            keras.metrics.get(value)
        except ValueError:
            raise unknown_name("metric", value, "metrics") from None


def _strings(x: Any) -> Iterable[str]:
    if isinstance(x, str):
        yield x
    elif isinstance(x, dict):
        for v in x.values():
            yield from _strings(v)
    elif isinstance(x, (list, tuple)):
        for v in x:
            yield from _strings(v)


# -- message clean-up ------------------------------------------------------------------------

_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_TUPLE = re.compile(r"\((None|\d+)((?:, ?(?:None|\d+))*),?\)")


def r_shapes(text: str) -> str:
    """Python shape tuples in a message, `(None, 4)`, written as R dims, `c(NA, 4)`."""
    def one(m: re.Match) -> str:
        parts = [p.strip() for p in m.group(0)[1:-1].split(",") if p.strip()]
        return "c(" + ", ".join("NA" if p == "None" else p for p in parts) + ")"
    return _TUPLE.sub(one, text)


def clean(text: str) -> str:
    """The informative part of a Keras/TF message: no colour codes, no 'Arguments received'
    dump, no graph-node stack listing."""
    text = _ANSI.sub("", text)
    text = text.split("\nArguments received by", 1)[0]
    text = re.sub(r"^Exception encountered when calling [^\n]*\n", "", text)
    if "Detected at node" in text:
        keep = [l for l in text.splitlines()
                if l.strip() and not l.startswith((" ", "\t")) and
                not l.startswith(("Graph execution error", "Detected at node"))]
        text = "\n".join(keep) or text
    text = re.sub(r"\s*\[\[\{\{.*", "", text, flags=re.S)
    text = re.sub(r"\s*\[Op:[^\]]*\]", "", text)
    text = _SAVE_TMP.sub(r"\1\2", text)
    for pattern, r_words in _SAFE_MODE:
        text = pattern.sub(r_words, text)
    return text.strip()


# -- translation rules -------------------------------------------------------------------------

_IDENT = re.compile(r"Could not interpret (optimizer|loss|metric|activation)(?: function)? "
                    r"identifier: (.+)$", re.M)
_POSITIVE = re.compile(r"`?(\w+)`?, expected a positive integer\. Received: \w+=(\S+?)\.?$|"
                       r"argument `(\w+)`\. Expected a strictly positive value\. "
                       r"Received \w+=(\S+?)\.?$", re.M)
_FRACTION = re.compile(r"argument `(\w+)`\. Expected a float value between 0 and 1\. "
                       r"Received: \w+=(\S+?)\.?$", re.M)
_FILEPATH = re.compile(r"filepath=(.+?)\. ")
_WEIGHTS = re.compile(r"could not be loaded\. Example error message for object <\w+ name=([^,>]+)"
                      r"[^\n]*\n.*?variable\.shape=(\([^)]*\)), Received: value\.shape="
                      r"(\([^)]*\))", re.S)
_TARGET = re.compile(r"target\.shape=(\([^)]*\)), output\.shape=(\([^)]*\))")
# atomic_write()'s temporary file next to the target (saving.py): the user named the target
_SAVE_TMP = re.compile(r"((?:[^\s'\"]*/)?)\.([^/\s'\"]+)\.tmp-[^/\s'\"]+/part[^\s'\"]*")
_SAFE_MODE = ((re.compile(r"`?keras\.config\.enable_unsafe_deserialization\(\)`?"),
               "`config_enable_unsafe_deserialization()`"),
              (re.compile(r"`?safe_mode=False`?"), "`safe_mode = FALSE`"))
_URL = re.compile(r"URL fetch failure on (\S+?):? ")
_OOM = re.compile(r"OOM when allocating tensor with shape\[([\d, ]+)\] and type (\w+)")


def _load_error(exc: BaseException, text: str) -> RkError | None:
    m = _FILEPATH.search(text)
    if isinstance(exc, zipfile.BadZipFile):
        return RkIOError("The file is not a complete Keras model file (truncated or corrupt).")
    if m is None:
        if isinstance(exc, OSError) and "file signature not found" in text:
            return RkIOError("The file is not a Keras model file: it is not an HDF5 (.h5) file.")
        return None
    path = m.group(1)
    if text.startswith("File not found"):
        if not os.path.exists(path):
            return RkIOError(f"File \"{path}\" does not exist.")
        return RkIOError(f"File \"{path}\" is not a complete Keras model file (truncated or "
                         f"corrupt: it is not a readable .keras zip archive).")
    if text.startswith("File format not supported"):
        return RkIOError(f"File \"{path}\" is not a Keras model file: load_model_*() reads "
                         f"`.keras` files and legacy `.h5` files.")
    return None


def _rule_based(exc: BaseException, text: str) -> RkError | None:
    if isinstance(exc, UnicodeEncodeError):  # a file name, in a Python started without UTF-8
        return RkIOError(
            f"The name \"{exc.object}\" has characters that this session's locale cannot "
            f"encode ({exc.encoding}): start R in a UTF-8 locale (e.g. LANG=C.UTF-8) or "
            f"use a name of ASCII characters.")
    m = _WEIGHTS.search(text)
    if m:
        return RkShapeError(
            f"The weights do not fit this model: its layer \"{m.group(1)}\" has a weight of "
            f"dim() {r_shapes(m.group(2))} where the file has {r_shapes(m.group(3))} (saved "
            f"from a model of another architecture?). Load them into a model built like the "
            f"one that saved them.")
    m = _TARGET.search(text)
    if m:
        return RkShapeError(
            f"`y` has dim() {r_shapes(m.group(1))} but the model's output has dim() "
            f"{r_shapes(m.group(2))} (NA: any size): give targets of the output's shape, or "
            f"change the last layer or the loss.")
    m = _IDENT.search(text)
    if m:
        return unknown_name(m.group(1), m.group(2).strip())
    m = _POSITIVE.search(text)
    if m:
        name, value = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
        return RkValueError(f"`{name}` must be a positive whole number, not {value}.")
    m = _FRACTION.search(text)
    if m:
        return RkValueError(f"`{m.group(1)}` must be in [0, 1), not {m.group(2)}.")
    m = _URL.search(text)
    if m:
        return RkNetworkError(
            f"Could not download {m.group(1)} (no network access?). Pretrained weights "
            f"(`weights = \"imagenet\"`) need the file in ~/.keras/models or a connection; "
            f"use `weights = NULL` for randomly initialised weights.")
    loaded = _load_error(exc, text)
    if loaded is not None:
        return loaded
    m = _OOM.search(text)
    if m:
        dims = ", ".join(d.strip() for d in m.group(1).split(","))
        return RkValueError(
            f"Out of memory: a tensor of dim() c({dims}) ({m.group(2)}) does not fit in this "
            f"machine's memory. Use fewer units or filters, a smaller `batch_size`, or "
            f"smaller inputs.")
    if "None values not supported" in text:
        return RkValueError(
            "The targets `y` are missing (NULL), and the model's loss needs them: give `y`, "
            "or data that holds both (a generator or dataset yielding list(x, y)).")
    if isinstance(exc, tf.errors.OpError):
        lost = _distributed_error(text)
        if lost is not None:
            return lost
    if "is incompatible with the layer" in text or "Incompatible shapes" in text:
        return RkShapeError(r_shapes(clean(text)))
    if isinstance(exc, tf.errors.InvalidArgumentError):
        return RkValueError(r_shapes(clean(getattr(exc, "message", text))))
    return None


_TASK = re.compile(r"/job:(\w+)/replica:\d+/task:(\d+)")


def _distributed_error(text: str) -> RkError | None:
    """A multi-worker step that lost a peer: TensorFlow names tasks 0-based by job
    (`/job:worker/replica:0/task:1`) inside a node dump; say which worker, 1-based, and
    at which address (TF_CONFIG's cluster)."""
    lost_peer = any(k in text for k in ("unhealthy", "heartbeat", "has failed, got preempted"))
    if not (lost_peer or "Collective has timed out" in text
            or ("Collective" in text and "aborted" in text)):
        return None
    import json
    from .training.distributed import RkDistributedError, _task_label
    config = json.loads(os.environ.get("TF_CONFIG") or "{}")
    cluster = config.get("cluster", {})
    me = (config.get("task", {}).get("type", "worker"), int(config.get("task", {}).get("index", 0)))

    def who(role: str, i: int) -> str:
        hosts = cluster.get(role, [])
        return _task_label(role, i) + (f" ({hosts[i]})" if i < len(hosts) else "")
    # the tasks named outside this worker's own node and device names
    named = re.sub(r"\{\{function_node [^}]*\}\}|device_/job:\S+|/device:\S+", " ", text)
    lost = [t for t in dict.fromkeys((m.group(1), int(m.group(2)))
                                     for m in _TASK.finditer(named)) if t != me]
    here = who(*me) if cluster else "this worker"
    if lost_peer and lost:
        what = (f"{', '.join(who(*t) for t in lost)} stopped answering (it crashed, was "
                f"killed, or its machine is unreachable)")
    else:
        what = ("a collective operation (the all-reduce of a step) got no answer from the "
                "other workers in time: a worker "
                "stopped (crashed, killed, unreachable) or is far slower than the others")
    return RkDistributedError(
        f"Multi-worker training stopped on {here}: {what}. Restart every worker; with "
        f"callback_backup_and_restore() training resumes from the last epoch it saved.")


def _method_error(exc: BaseException) -> BaseException | None:
    """The R error of an R-defined class's method behind `exc`: Keras re-raises errors from a
    layer's `call()` as a new exception with its own text (the original is its context)."""
    from .training.rclasses import RkMethodError
    found, seen = None, 0
    while exc is not None and seen < 20:  # the innermost one has the R side's own text
        if isinstance(exc, RkMethodError):
            found = exc
        exc = exc.__cause__ or exc.__context__
        seen += 1
    return found


_AUTOGRAPH = re.compile(r"^\s*in user code:\n.*\n\s*\w+: (.+?)\s*$", re.S)


def _without_autograph_trace(exc: RkError) -> RkError:
    """An engine error raised inside a traced function (an R function of dataset_map()):
    TensorFlow re-raises it with the Python frames in front ("in user code: File ...");
    its own message is what the R user needs."""
    m = _AUTOGRAPH.match(str(exc))
    if m is None:
        return exc
    out = type(exc)(m.group(1))
    out.__cause__ = exc.__cause__
    return out


def translate(exc: BaseException) -> BaseException:
    """`exc` as an RkError in R terms, or `exc` itself when it already is one or is not
    recognised (its text is still cleaned by the bridge)."""
    method_error = _method_error(exc)
    if method_error is not None:
        return method_error
    if isinstance(exc, RkError):
        return _without_autograph_trace(exc)
    if isinstance(exc, KeyboardInterrupt):
        return exc
    if is_interrupt(exc):
        return RkInterrupted("Interrupted (Ctrl-C).")
    text = _ANSI.sub("", str(exc)).strip()
    try:
        out = _rule_based(exc, text)
    except Exception:  # a diagnosis must never hide the error it explains
        out = None
    return out if out is not None else exc
