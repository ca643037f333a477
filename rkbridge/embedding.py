"""Living inside R inside Python (rpy2): a clean interpreter exit.

When Python embeds R through rpy2 and R uses reticulate, rpy2's exit hook (`endr`) runs R's
garbage collector with the GIL released (cffi calls release it). reticulate's finalizers for
Python objects that R let go of then run without the GIL and Python aborts with
"PyThreadState_Get: ... the GIL is released". Running R's collector once more from an exit
hook of ours, registered after rpy2's and so run before it, with the GIL held (ctypes.PyDLL
keeps it), finalizes those objects safely; rpy2's own collection then has nothing of ours left.
"""
from __future__ import annotations

import atexit
import ctypes
import os
import sys

_registered = False


def _libR() -> ctypes.PyDLL | None:
    home = os.environ.get("R_HOME")
    candidates = [os.path.join(home, "lib", "libR.so")] if home else []
    candidates.append("/usr/lib/R/lib/libR.so")
    for path in candidates:
        if os.path.exists(path):
            try:
                return ctypes.PyDLL(path)
            except OSError:
                continue
    return None


def _collect_with_gil() -> None:
    lib = _libR()
    if lib is None:
        return
    # R's event polling calls back into rpy2, whose callbacks are gone this late and say so
    # on stderr; at exit that note is noise, so stderr is muted for this one collection.
    sys.stderr.flush()
    saved = os.dup(2)
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 2)
        os.close(devnull)
        lib.R_gc()
    except Exception:  # never turn a clean exit into a failing one
        pass
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def register_if_embedded_by_rpy2() -> None:
    """Called when R first loads the bridge; a no-op unless R is embedded via rpy2."""
    global _registered
    if _registered or "rpy2.rinterface" not in sys.modules:
        return
    atexit.register(_collect_with_gil)
    _registered = True
