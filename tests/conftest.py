"""Shared fixtures: the engine, and an embedded R session (rpy2) with the R package loaded.
The test process ends as Python ends it: a crash at exit, after R, reticulate and TensorFlow
shared the process, shows in pytest's exit status (test_rpy2_roundtrip.py repeats that exit)."""
from __future__ import annotations

import os
import sys
import types

import numpy as np
import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# The environment as the test run started. Once rpy2 has started R in this process, R's own
# settings are in os.environ (LD_LIBRARY_PATH with R's and the system's library folders,
# where the system's libpython can shadow this Python's): child processes start from this.
START_ENV = dict(os.environ)


def child_env(**extra: str) -> dict[str, str]:
    """The environment for a child process: the run's starting one, plus `extra`."""
    return {**START_ENV, **extra}


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
