"""Living inside R inside Python (rpy2).

rpy2 releases the GIL whenever Python calls into R, and reticulate's finalizers then release
Python objects without it, which aborts Python ("PyThreadState_Get: ... the GIL is
released"), during a session or at exit. The R package guards those releases
(src/embedded.c) when the engine reports that it is inside rpy2.
"""
from __future__ import annotations

import sys


def embedded_by_rpy2() -> bool:
    """Whether this interpreter embeds R through rpy2 (so R runs without the GIL)."""
    return "rpy2.rinterface" in sys.modules
