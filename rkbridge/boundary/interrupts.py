"""How a Ctrl-C in R reaches the engine (rkbridge/training/interrupts.py keeps what fit() reached).

reticulate turns R's SIGINT into KeyboardInterrupt; when R noticed it first, reticulate
reports the R code it was running (a callback, or its event polling between Python steps)
as failed, with Rcpp's message for its interrupt exception. That message is registered as an
interrupt here.
"""
from __future__ import annotations

from ..training import interrupts

R_INTERRUPTED = "(Unknown exception occurred)"

interrupts.recognise(R_INTERRUPTED)
