"""The README's R and Python examples run as written (each in a fresh process)."""
from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from conftest import child_env

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BLOCKS = re.findall(r"```(r|python)\n(.*?)```", open(os.path.join(ROOT, "README.md")).read(),
                    flags=re.S)


def test_the_readme_has_r_and_python_examples():
    kinds = [k for k, _ in BLOCKS]
    assert kinds.count("r") >= 1 and kinds.count("python") >= 2


@pytest.mark.parametrize("kind,code", BLOCKS, ids=[f"{k}{i}" for i, (k, _) in enumerate(BLOCKS)])
def test_readme_example_runs(kind, code, tmp_path):
    env = child_env(RKBRIDGE_PYTHON=os.path.join(ROOT, ".venv", "bin", "python"))
    script = tmp_path / ("example.R" if kind == "r" else "example.py")
    if kind == "r":  # plot() draws into a file instead of a window
        code = f'pdf("{tmp_path / "plots.pdf"}")\n{code}\ninvisible(dev.off())\n'
    script.write_text(code)
    cmd = ["Rscript", str(script)] if kind == "r" else [sys.executable, str(script)]
    out = subprocess.run(cmd, cwd=tmp_path, env=env, capture_output=True, text=True,
                         timeout=600)
    assert out.returncode == 0, out.stdout[-2000:] + out.stderr[-2000:]
    assert "deprecated" not in out.stdout + out.stderr  # examples show today's names
