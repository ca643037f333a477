"""Training progress written through a replaceable writer, so that a caller can route it
elsewhere than Python's stdout (R sends it to its console, where knitr can capture it)."""
from __future__ import annotations

import shutil
import sys
import time
from typing import Any, Callable

from .._keras import keras

_writer: Callable[[str], Any] = lambda s: (sys.stdout.write(s), sys.stdout.flush())
_interactive: bool = sys.stdout.isatty() if hasattr(sys.stdout, "isatty") else False
_width: Callable[[], Any] = lambda: shutil.get_terminal_size((80, 24)).columns


def set_writer(writer: Callable[[str], Any] | None, interactive: bool | None = None,
               width: Callable[[], Any] | None = None) -> None:
    """Where progress goes from now on (R: once, a function that prints to its console),
    whether that console redraws a line (`\\r`), and a function giving its width in
    characters (R: `getOption("width")`)."""
    global _writer, _interactive, _width
    if writer is not None:
        _writer = writer
    if interactive is not None:
        _interactive = bool(interactive)
    if width is not None:
        _width = width


def write(text: str) -> None:
    """Write `text` where progress goes (the R console when R is the caller)."""
    _writer(text)


def resolve_verbose(verbose: Any) -> int:
    """'auto' -> a live bar (1) in an interactive console, one line per epoch (2) otherwise."""
    if verbose is None or verbose == "auto":
        return 1 if _interactive else 2
    return int(verbose)


def console_width() -> int:
    try:
        w = int(float(_width()))
    except Exception:  # a width function that fails must not stop training
        w = 80
    return max(w, 20)


def _fmt(logs: dict[str, Any]) -> str:
    """loss first, then the metrics; validation after training (as the history lists them)."""
    keys = sorted(logs or {}, key=lambda k: (k.startswith("val_"), k.removeprefix("val_") != "loss"))
    return " - ".join(f"{k}: {float(logs[k]):.4f}" for k in keys)


def _duration(secs: float) -> str:
    """Seconds as Keras's progress bar shows them: 3s, 1m 12s, 1h 02m."""
    secs = max(secs, 0.0)
    if secs < 60:
        return f"{secs:.0f}s"
    if secs < 3600:
        return f"{int(secs // 60)}m {int(secs % 60):02d}s"
    return f"{int(secs // 3600)}h {int(secs % 3600 // 60):02d}m"


def _per_step(secs: float, steps: int) -> str:
    per = secs / max(steps, 1)
    return f"{per * 1000:.0f}ms/step" if per < 1 else f"{per:.1f}s/step"


def progress_line(done: int, steps: int, secs: float, logs: dict[str, Any], width: int,
                  final: bool) -> str:
    """One line of the bar, at most `width - 1` characters while it is redrawn (so that it
    never wraps and leaves a line behind): `12/50 [====>....] ETA 3s 21ms/step - loss: ...`.
    The bar shrinks, then goes, before the metrics are cut; the final line of an epoch
    keeps every metric."""
    count = f"{done}/{steps}" if steps else f"{done}"
    timing = (f"{_duration(secs)} {_per_step(secs, done)}" if final else
              f"ETA {_duration(secs / done * (steps - done)) if steps and done else '?'} "
              f"{_per_step(secs, done)}")
    metrics = _fmt(logs)
    tail = f" {timing}" + (f" - {metrics}" if metrics else "")
    room = width - 1 - len(count) - len(tail) - 3  # " [" and "]"
    bar_width = min(30, room)
    if bar_width >= 6 and steps:
        filled = min(int(bar_width * done / steps), bar_width)
        bar = ("=" * max(filled - 1, 0) + (">" if filled < bar_width else "=")
               + "." * (bar_width - filled))
        line = f"{count} [{bar}]{tail}"
    else:
        line = f"{count}{tail}"
    if not final and len(line) > width - 1:
        line = line[:width - 4] + "..."
    return line


class ProgressLogger(keras.callbacks.Callback):
    """verbose 1: a bar redrawn at most 10 times a second in an interactive console (one
    line per epoch where lines cannot be redrawn: knitr, a log file); verbose 2: a line per
    epoch."""

    def __init__(self, verbose: int, epochs: int):
        super().__init__()
        self.verbose, self.epochs = verbose, epochs
        self._t0 = self._last = 0.0
        self._width = 80
        self._shown = 0  # length of the bar line on screen, to blank what a shorter one leaves

    def on_epoch_begin(self, epoch: int, logs: Any = None) -> None:
        self._t0 = self._last = time.perf_counter()
        self._shown = 0
        if self.verbose == 1:
            self._width = console_width()
            _writer(f"Epoch {epoch + 1}/{self.epochs}\n")

    def on_train_batch_end(self, batch: int, logs: Any = None) -> None:
        if self.verbose != 1 or not _interactive:
            return
        now = time.perf_counter()
        if now - self._last < 0.1:
            return
        self._last = now
        line = progress_line(batch + 1, self.params.get("steps") or 0, now - self._t0,
                             logs, self._width, final=False)
        self._redraw(line)

    def _redraw(self, line: str) -> None:
        pad = max(self._shown - len(line), 0)
        _writer("\r" + line + " " * pad)
        self._shown = len(line)

    def on_epoch_end(self, epoch: int, logs: Any = None) -> None:
        secs = time.perf_counter() - self._t0
        if self.verbose == 1:
            steps = self.params.get("steps") or 0
            line = progress_line(steps, steps, secs, logs, self._width, final=True)
            if _interactive:
                self._redraw(line)
                _writer("\n")
            else:
                _writer(line + "\n")
        elif self.verbose == 2:
            _writer(f"Epoch {epoch + 1}/{self.epochs} - {_duration(secs)} "
                    f"{_per_step(secs, self.params.get('steps') or 0)} - {_fmt(logs)}\n")
