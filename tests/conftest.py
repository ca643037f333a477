"""Shared fixtures: the engine, and an embedded R session (rpy2) with the R package loaded."""
from __future__ import annotations

import os
import sys
import types

import numpy as np
import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@pytest.fixture(scope="session")
def rk():
    import rkbridge
    return rkbridge


@pytest.fixture(scope="session")
def r():
    """rpy2's R with library(rkbridge); reticulate attaches to this Python interpreter."""
    import rpy2.robjects as ro
    ro.r("suppressPackageStartupMessages(library(rkbridge))")
    return ro.r


@pytest.fixture(scope="session")
def shared():
    """A module both sides can reach: Python sets attributes, R reads them with
    reticulate::import('rk_shared') (and the other way round)."""
    mod = types.ModuleType("rk_shared")
    sys.modules["rk_shared"] = mod
    return mod


@pytest.fixture()
def np2r():
    """Convert NumPy arrays to R arrays (same index meaning) and back with rpy2."""
    import rpy2.robjects as ro
    from rpy2.robjects import numpy2ri
    from rpy2.robjects.conversion import localconverter

    def convert(fn, *args):
        with localconverter(ro.default_converter + numpy2ri.converter):
            return fn(*args)
    return convert



# Ending the test process. The suite embeds R (rpy2) with reticulate and TensorFlow in one
# interpreter; their teardown at interpreter exit is not ordered (rpy2 ends R from Python's
# finalization, after TensorFlow's threads and cffi's callbacks may be gone), and once in a
# while it crashes after every test has passed and the summary is printed. The exit status
# is pytest's own and is decided by then, so the process ends there, with its output flushed.
_exit_status: list[int] = []


def pytest_sessionfinish(session, exitstatus):
    _exit_status.append(int(exitstatus))


def pytest_unconfigure(config):
    if _exit_status and "rpy2.rinterface" in sys.modules:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(_exit_status[-1])
