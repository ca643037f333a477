"""The engine starts without TensorFlow's native start-up notices, unless asked for them."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from conftest import child_env

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCRIPT = ("import sys, rkbridge\n"
          "print('stderr still works', file=sys.stderr)\n"
          "m = rkbridge.keras_model_sequential()\n"
          "rkbridge.layer_dense(m, units=2, input_shape=[3])\n"
          "print(len(m.layers))\n")


def _start(level: str | None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in child_env().items() if k != "TF_CPP_MIN_LOG_LEVEL"}
    if level is not None:
        env["TF_CPP_MIN_LOG_LEVEL"] = level
    return subprocess.run([sys.executable, "-c", SCRIPT], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize("level", [None, "2"])
def test_start_prints_no_tensorflow_notices(level):
    out = _start(level)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "1"
    assert "absl::InitializeLog" not in out.stderr
    assert "oneDNN" not in out.stderr
    # what the user's own code writes to stderr is untouched
    assert "stderr still works" in out.stderr


def test_a_low_log_level_brings_the_notices_back():
    out = _start("0")
    assert out.returncode == 0, out.stderr
    assert "oneDNN custom operations are on" in out.stderr
