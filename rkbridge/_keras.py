"""The one place that imports TensorFlow/Keras, with the log noise turned down first.

TensorFlow's native libraries print their start-up notices (absl's "All log messages
before absl::InitializeLog()", oneDNN's, the CPU-feature guard's) straight to file
descriptor 2 before any log level is read, once per library that loads. They are held back
while TensorFlow loads and everything else it printed is passed on. A user who sets
`TF_CPP_MIN_LOG_LEVEL` to 0 or 1 (in R: `Sys.setenv(TF_CPP_MIN_LOG_LEVEL = 0)` before the
engine's first use) sees them all again.
"""
from __future__ import annotations

import os
import re
import sys
import tempfile
from typing import Any

_NOTICE = re.compile(
    r"All log messages before absl::InitializeLog\(\)|oneDNN custom operations are on|"
    r"cpu_feature_guard\.cc|^To enable the following instructions:|"
    r"rebuild TensorFlow with the appropriate compiler flags")


def _wants_logs() -> bool:
    return os.environ.get("TF_CPP_MIN_LOG_LEVEL", "2").strip() in ("0", "1")


def _import_quietly() -> None:
    """Import TensorFlow with fd 2 sent to a file, then write back what is not a notice."""
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError):  # no usable fd 2 (a detached process): nothing to hide
        import tensorflow  # noqa: F401
        return
    with tempfile.TemporaryFile() as held:
        os.dup2(held.fileno(), 2)
        try:
            import tensorflow  # noqa: F401
        finally:
            os.dup2(saved, 2)
            os.close(saved)
            held.seek(0)
            kept = [line for line in held.read().decode("utf-8", "replace").splitlines(True)
                    if not _NOTICE.search(line)]
            if kept:
                sys.stderr.write("".join(kept))
                sys.stderr.flush()


if not _wants_logs():
    if not os.environ.get("TF_CPP_MIN_LOG_LEVEL", "").strip():
        os.environ["TF_CPP_MIN_LOG_LEVEL"] = "2"
    if "tensorflow" not in sys.modules:
        _import_quietly()
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import keras  # noqa: E402  (Keras 3: the same classes tf.keras exposes)
import tensorflow as tf  # noqa: E402
from keras import ops  # noqa: E402

# Retracing notices are about Keras internals, not the user's code.
tf.get_logger().setLevel("ERROR")



def keras_attr(path: str) -> Any:
    """`keras.<path>` ("ops.mean", "random.normal"), or None where this Keras has none."""
    obj: Any = keras
    for part in path.split("."):
        obj = getattr(obj, part, None)
        if obj is None:
            return None
    return obj


__all__ = ["keras", "tf", "ops", "keras_attr"]
