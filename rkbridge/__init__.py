"""rkbridge: Keras 3 with R conventions (column-major arrays, 1-based indices, models
changed in place). The same functions back the R package `rkbridge`.

    import rkbridge as rk
    model = rk.keras_model_sequential()
    rk.layer_dense(model, units=64, activation="relu", input_shape=[20])
"""
from __future__ import annotations

import types as _types

from .api import API as _API
from .training.history import History
from .values import Named

# Every API function under its R name. The engine's own subpackages and top-level modules
# (`rk.wrappers`, `rk.training`, `rk.values`, ...) keep their names: no R name is one of them.
globals().update({k: v for k, v in _API.items()
                  if not isinstance(globals().get(k), _types.ModuleType)})

__all__ = sorted(k for k in _API if not isinstance(globals()[k], _types.ModuleType)) + \
    ["History", "Named"]
__version__ = "0.1.0"
