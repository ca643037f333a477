"""R -> Python -> R: a model trained in R (embedded with rpy2), loaded and trained further
by plain Python Keras, then loaded back in R, predicting identically at each step.
Embedded R runs in a child process, which must also exit cleanly."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest

pytest.importorskip("rpy2")

SCRIPT = textwrap.dedent(r'''
    import json, os, sys
    out = {}
    try:
        import numpy as np
        import rpy2.robjects as ro
        if not ro.r('nzchar(system.file(package = "rkbridge"))')[0]:
            out["skip"] = "the R package rkbridge is not installed"
            raise SystemExit
        import keras
        d = sys.argv[1]
        f1, f2 = os.path.join(d, "from_r.keras"), os.path.join(d, "from_python.keras")
        ro.r(f"""
          library(rkbridge)
          set.seed(3)
          x <- matrix(runif(40), 10)
          m <- keras_model_sequential(input_shape = 4) %>%
            layer_dense(3, activation = "relu", name = "hidden") %>% layer_dense(1, name = "out")
          m %>% compile(optimizer = "adam", loss = "mse")
          m %>% fit(x, rowSums(x), epochs = 2, verbose = 0)
          p_r <- predict(m, x)
          save_model(m, "{f1}")
        """)
        x = np.asarray(ro.r("x"))
        p_r = np.asarray(ro.r("p_r"))
        plain = keras.saving.load_model(f1)
        out["r_to_python"] = float(np.abs(plain.predict(x, verbose=0) - p_r).max())
        out["iterations"] = int(plain.optimizer.iterations.numpy())
        plain.fit(x, x.sum(axis=1), epochs=1, verbose=0)
        p_py = plain.predict(x, verbose=0)
        plain.save(f2)
        ro.globalenv["p_py"] = ro.r.matrix(ro.FloatVector(p_py.reshape(-1, order="F")),
                                           nrow=p_py.shape[0])
        ro.r(f"""m2 <- load_model("{f2}"); p_back <- predict(m2, x)""")
        out["python_to_r"] = float(np.abs(np.asarray(ro.r("p_back")) - p_py).max())
        out["changed"] = float(np.abs(p_py - p_r).max())
    except SystemExit:
        pass
    except BaseException as e:
        out["error"] = repr(e)
    sys.stdout.write("RESULT " + json.dumps(out) + "\n")
''')


def test_r_python_r_round_trip(tmp_path):
    proc = subprocess.run([sys.executable, "-c", SCRIPT, str(tmp_path)], capture_output=True,
                          text=True, timeout=600, env=dict(os.environ))
    lines = [l for l in proc.stdout.splitlines() if "RESULT {" in l]
    assert lines, proc.stdout[-2000:] + proc.stderr[-2000:]
    res = json.loads(lines[-1].split("RESULT ", 1)[1])
    if "skip" in res:
        pytest.skip(res["skip"])
    assert "error" not in res, res.get("error")
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert res["r_to_python"] < 1e-6
    assert res["iterations"] > 0  # the optimizer state travelled too
    assert res["changed"] > 0  # Python really trained it further
    assert res["python_to_r"] < 1e-6
