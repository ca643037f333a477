"""fit()'s progress: a bar that fits the console (never wraps while it is redrawn), with ETA
and time per step; one line per epoch where lines cannot be redrawn; and, in a real
80-column terminal (tmux), one line per epoch on screen."""
from __future__ import annotations

import os
import shutil
import subprocess
import time
import uuid

import pytest

from conftest import child_env

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LOGS = {"loss": 0.51234, "accuracy": 0.7, "mae": 0.3, "mse": 0.25}


@pytest.mark.parametrize("width", [30, 60, 80, 120, 200])
@pytest.mark.parametrize("n_metrics", [1, 2, 4])
def test_a_redrawn_line_never_wraps(width, n_metrics):
    from rkbridge.training.progress import progress_line
    logs = dict(list(LOGS.items())[:n_metrics])
    for done in (1, 7, 49, 50):
        line = progress_line(done, 50, 0.8, logs, width, final=False)
        assert len(line) <= width - 1
        assert line.startswith(f"{done}/50")
    wide = progress_line(10, 50, 1.0, logs, 200, final=False)
    assert "[" in wide and "ETA" in wide and "ms/step" in wide


def test_eta_and_time_per_step():
    from rkbridge.training.progress import progress_line
    line = progress_line(10, 50, 2.0, {"loss": 0.5}, 120, final=False)
    assert "ETA 8s 200ms/step" in line  # 40 steps left at 0.2 s each
    final = progress_line(50, 50, 75.0, {"loss": 0.5}, 120, final=True)
    assert "1m 15s 2s/step" in final or "1m 15s 1.5s/step" in final
    assert "ETA" not in final


def test_the_final_line_keeps_every_metric():
    from rkbridge.training.progress import progress_line
    logs = {**LOGS, **{f"val_{k}": v for k, v in LOGS.items()}}
    final = progress_line(50, 50, 1.0, logs, 80, final=True)
    for k in logs:
        assert f"{k}: " in final


def _r_in_tmux(code: str, timeout: float = 300) -> list[str]:
    session = f"rkprog{uuid.uuid4().hex[:8]}"
    env = child_env(RKBRIDGE_PYTHON=os.path.join(ROOT, ".venv", "bin", "python"))
    subprocess.run(["tmux", "new-session", "-d", "-x", "80", "-y", "60", "-s", session,
                    "R --quiet --no-save --no-restore"], check=True, env=env, cwd=ROOT)
    try:
        time.sleep(1)
        subprocess.run(["tmux", "send-keys", "-t", session, code, "Enter"], check=True)
        deadline = time.time() + timeout
        while time.time() < deadline:
            time.sleep(1)
            screen = subprocess.run(["tmux", "capture-pane", "-p", "-J", "-t", session],
                                    capture_output=True, text=True).stdout
            if "ALL DONE" in screen.split("cat(")[-1]:
                return screen.splitlines()
            if "Error" in screen:
                break
        pytest.fail("R did not finish in tmux:\n" + screen)  # noqa: F821
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session])


@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")
def test_one_line_per_epoch_in_an_80_column_terminal():
    code = ("library(rkbridge); set.seed(1); x <- matrix(runif(1200), ncol = 4); "
            "y <- rowSums(x); m <- keras_model_sequential(input_shape = 4) %>% "
            "layer_dense(8) %>% layer_dense(1); m %>% compile(optimizer = 'sgd', "
            "loss = 'mse', metrics = c('mae', 'mse')); "
            "invisible(m %>% fit(x, y, epochs = 2, batch_size = 1, verbose = 1)); "
            "cat('ALL', 'DONE\\n')")
    screen = _r_in_tmux(code)
    start = max(i for i, l in enumerate(screen) if "library(rkbridge)" in l)
    end = max(i for i, l in enumerate(screen) if l.startswith("ALL DONE"))
    shown = [l for l in screen[start + 1:end] if l.strip() and not l.startswith("+")]
    assert [l for l in shown if l.startswith("Epoch")] == ["Epoch 1/2", "Epoch 2/2"], shown
    bars = [l for l in shown if not l.startswith("Epoch")]
    assert len(bars) == 2, shown  # the last drawing of each epoch's bar, nothing left behind
    for bar in bars:
        assert bar.strip().startswith("300/300")
        assert "ms/step" in bar and "ETA" not in bar
        assert len(bar.rstrip()) <= 79
