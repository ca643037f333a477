"""Training-run helpers that keras 2.x R scripts call through the keras package: tfruns's
`flags()` (hyperparameters with defaults, overridden from the command line) and the tensorflow
R package's `tensorboard()` (a TensorBoard server on a log directory).

`flags()` reads `--name=value` / `--name value` arguments (Rscript's trailing arguments, given
by R) and gives each flag its declared type; no `flags.yml` or run directory is read or
written. `tensorboard()` starts TensorBoard from the engine's Python in a child process that
ends with the process that started it (and with `action = "stop"`). `EXPORTS` is the table the
API takes them from.
"""
from __future__ import annotations

import atexit
import contextlib
import ctypes
import importlib.util
import os
import re
import signal
import socket
import subprocess
import sys
import time
from typing import Any, Callable

import numpy as np

from ..wrappers import args as A
from ..errors import RkValueError

FLAG_TYPES = ("numeric", "integer", "boolean", "string")
_TRUE = {"true", "t", "yes", "1"}
_FALSE = {"false", "f", "no", "0"}
_R_INT_MAX = 2**31 - 1  # R integers are 32-bit; -2^31 is NA_integer_


def _strings(v: Any) -> list[str]:
    """An R character vector (NULL, one string, or several) as a list of str."""
    if v is None:
        return []
    if isinstance(v, str):
        return [v]
    if isinstance(v, np.ndarray):
        return [str(e) for e in v.reshape(-1, order="F").tolist()]
    return [str(A.scalar(e)) for e in v]


def _flag_value(value: Any, kind: str, name: str) -> Any:
    """`value` (a default, or the text of a command-line argument) as a flag of `kind`."""
    text = value if isinstance(value, str) else None
    try:
        if kind == "string":
            return None if value is None else str(A.scalar(value))
        if kind == "boolean":
            if text is not None:
                low = text.strip().lower()
                if low in _TRUE or low in _FALSE:
                    return low in _TRUE
                raise ValueError
            return bool(A.as_bool(value))
        number = float(text) if text is not None else float(A.scalar(value))
        if kind == "integer":
            if number != int(number):
                raise ValueError
            if abs(number) > _R_INT_MAX:
                # it would wrap around when it reaches R as an integer
                raise RkValueError(f"Flag \"{name}\" must be an integer value from "
                                   f"-{_R_INT_MAX} to {_R_INT_MAX}, not {value!r}: use "
                                   f"flag_numeric() for larger numbers.")
            return int(number)
        return number
    except RkValueError:
        raise
    except (TypeError, ValueError, OverflowError):  # OverflowError: int() of Inf
        raise RkValueError(f"Flag \"{name}\" must be {'an' if kind == 'integer' else 'a'} "
                           f"{kind} value, not {value!r}.") from None


def _flag(kind: str, name: Any, default: Any, description: Any) -> dict[str, Any]:
    name = str(A.scalar(name))
    return {"name": name, "type": kind, "default": _flag_value(default, kind, name),
            "description": None if description is None else str(A.scalar(description))}


def flag_numeric(name: Any, default: Any, description: Any = None) -> dict[str, Any]:
    """A numeric flag for `flags()`: its name, default value and description."""
    return _flag("numeric", name, default, description)


def flag_integer(name: Any, default: Any, description: Any = None) -> dict[str, Any]:
    """An integer flag for `flags()`: its name, default value and description."""
    return _flag("integer", name, default, description)


def flag_boolean(name: Any, default: Any, description: Any = None) -> dict[str, Any]:
    """A logical flag for `flags()`: its name, default value and description."""
    return _flag("boolean", name, default, description)


def flag_string(name: Any, default: Any, description: Any = None) -> dict[str, Any]:
    """A character flag for `flags()`: its name, default value and description."""
    return _flag("string", name, default, description)


def _command_line(arguments: list[str]) -> tuple[dict[str, str], list[str]]:
    """`--name=value` and `--name value` pairs, and the other arguments (not flags)."""
    given: dict[str, str] = {}
    others: list[str] = []
    i = 0
    while i < len(arguments):
        arg = arguments[i]
        if arg.startswith("--") and len(arg) > 2:
            if "=" in arg:
                name, value = arg[2:].split("=", 1)
            elif i + 1 < len(arguments) and not arguments[i + 1].startswith("--"):
                name, value = arg[2:], arguments[i + 1]
                i += 1
            else:
                name, value = arg[2:], "true"
            given[name] = value
        else:
            others.append(arg)
        i += 1
    return given, others


def _flag_key(name: str, kinds: dict[str, str]) -> str | None:
    """The declared flag that command-line name `name` sets (`-` may stand for `_`)."""
    for key in (name, name.replace("-", "_")):
        if key in kinds:
            return key
    return None


def flags(*definitions: Any, arguments: Any = None) -> dict[str, Any]:
    """The flags' values: each flag's default, replaced by a `--name=value` (or
    `--name value`) command-line argument of the same name, converted to the flag's type.

    Args:
        *definitions: Flags made by `flag_numeric()`, `flag_integer()`, `flag_boolean()`,
            `flag_string()`.
        arguments: The command-line arguments to read (R: `commandArgs(TRUE)`).

    Returns:
        A named list: one value a flag, in the order they were declared.
    """
    defs: list[dict[str, Any]] = []
    for d in definitions:
        if isinstance(d, (list, tuple)) and all(isinstance(e, dict) for e in d):
            defs.extend(d)
        elif isinstance(d, dict) and d.get("type") in FLAG_TYPES:
            defs.append(d)
        else:
            raise RkValueError("flags() takes flags made by flag_numeric(), flag_integer(), "
                               "flag_boolean() or flag_string().")
    values = {d["name"]: d["default"] for d in defs}
    kinds = {d["name"]: d["type"] for d in defs}
    given, others = _command_line(_strings(arguments))
    for arg in others:
        # "-units=5" or "units=5" names a flag but is not read as one: say so, as it
        # would otherwise leave the default in place unnoticed
        match = re.fullmatch(r"-?([^-=][^=]*)(=.*)?", arg)
        key = _flag_key(match.group(1), kinds) if match else None
        if key is not None and (arg.startswith("-") or match.group(2)):
            raise RkValueError(f"The command-line argument \"{arg}\" is not read as flag "
                               f"\"{key}\": write it as "
                               f"--{match.group(1)}{match.group(2) or '=value'}.")
    for name, text in given.items():
        key = _flag_key(name, kinds)
        if key is None:
            raise RkValueError(f"The command line gives flag \"{name}\", which is not "
                               f"defined: the flags are {', '.join(kinds) or 'none'}.")
        values[key] = _flag_value(text, kinds[key], key)
    return values


# TensorBoard ------------------------------------------------------------------------------

_servers: dict[str, subprocess.Popen] = {}  # URL -> the running TensorBoard


def _free_port(host: str, first: int = 6006) -> int:
    for port in range(first, first + 100):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            try:
                s.bind((host, port))
                return port
            except OSError:
                continue
    raise RkValueError(f"No free port for TensorBoard on {host} from {first} to "
                       f"{first + 99}.")


def _port_open(host: str, port: int) -> int:
    """`port` when it is free on `host`: a TensorBoard on a port another program holds
    exits at once, while the other program answers the URL as if it had started."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        try:
            s.bind((host, port))
        except OSError as e:
            raise RkValueError(f"`port` {port} is not free on {host} ({e.strerror or e}): "
                               f"give another port, or port = \"auto\".") from None
    return port


def _die_with_parent() -> None:
    """In the child: end when the process that started it ends (Linux; elsewhere the
    atexit handler below stops it)."""
    with contextlib.suppress(Exception):
        libc = ctypes.CDLL(None)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def _stop_all() -> None:
    for url in list(_servers):
        proc = _servers.pop(url)
        with contextlib.suppress(OSError):
            proc.terminate()
        with contextlib.suppress(Exception):
            proc.wait(timeout=5)


atexit.register(_stop_all)


def tensorboard(log_dir: Any = None, action: Any = "start", host: Any = "127.0.0.1",
                port: Any = "auto", launch_browser: Any = False, reload_interval: Any = 5,
                purge_orphaned_data: Any = True) -> str | None:
    """Start (or stop) TensorBoard on one or more log directories.

    Args:
        log_dir: The directory (or directories) of TensorBoard logs.
        action: "start" or "stop" (stops every TensorBoard this process started).
        host: The address to listen on.
        port: A port, or "auto" (the first free one from 6006).
        launch_browser: Open the page in a web browser.
        reload_interval: Seconds between reloads of the logs.
        purge_orphaned_data: Discard data of runs that were restarted.

    Returns:
        The URL TensorBoard serves (NULL for "stop").
    """
    action = str(A.scalar(action))
    if action == "stop":
        _stop_all()
        return None
    if action != "start":
        raise RkValueError(f"`action` must be \"start\" or \"stop\", not \"{action}\".")
    if importlib.util.find_spec("tensorboard") is None:
        raise RkValueError("TensorBoard is not installed in the engine's Python: install it "
                           "there (pip install tensorboard).")
    if log_dir is None:
        raise RkValueError("tensorboard() needs `log_dir`, the directory of the logs.")
    dirs = [os.path.abspath(os.path.expanduser(d)) for d in _strings(log_dir)]
    for d in dirs:
        os.makedirs(d, exist_ok=True)
    host = str(A.scalar(host))
    port = _free_port(host) if str(A.scalar(port)) == "auto" else _port_open(
        host, A.as_integer(port, "port"))
    logdir = dirs[0] if len(dirs) == 1 else ",".join(
        f"{os.path.basename(d) or d}:{d}" for d in dirs)
    flag = "--logdir" if len(dirs) == 1 else "--logdir_spec"
    command = [sys.executable, "-m", "tensorboard.main", flag, logdir, "--host", host,
               "--port", str(port), "--reload_interval", str(A.as_integer(reload_interval,
                                                                          "reload_interval")),
               "--purge_orphaned_data", str(A.as_bool(purge_orphaned_data)).lower()]
    url = f"http://{host}:{port}"
    proc = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, preexec_fn=_die_with_parent)
    _servers[url] = proc
    # wait (briefly) until it answers, so that the URL printed works
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and proc.poll() is None:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            s.settimeout(0.5)
            if s.connect_ex((host, port)) == 0:
                break
        time.sleep(0.25)
    if proc.poll() is not None:
        _servers.pop(url, None)
        raise RkValueError(f"TensorBoard did not start (exit status {proc.returncode}): "
                           f"{' '.join(command)}")
    print(f"Started TensorBoard at {url}", flush=True)
    if A.as_bool(launch_browser):
        import webbrowser
        webbrowser.open(url)
    return url


EXPORTS: dict[str, Callable[..., Any]] = {
    "flags": flags, "flag_numeric": flag_numeric, "flag_integer": flag_integer,
    "flag_boolean": flag_boolean, "flag_string": flag_string, "tensorboard": tensorboard,
}
