"""The training history returned by fit(): `params` and per-epoch `metrics` (CONVENTIONS 4)."""
from __future__ import annotations

from typing import Any

import numpy as np

from ..values import Record


def _values(values: Any) -> np.ndarray:
    """One metric's values per epoch: doubles, or integers (R integers) when a callback
    logged Python integers (`logs[["my_epoch"]] <- epoch`), as keras3 returns them."""
    values = list(values)
    if values and all(isinstance(v, (int, np.integer)) and not isinstance(v, (bool, np.bool_))
                      and abs(int(v)) < 2**31 - 1 for v in values):
        return np.asarray(values, dtype=np.int32)
    return np.asarray(values, dtype=np.float64)


class History(Record):
    """What `fit()` returns: `params` (dict) and `metrics` (name -> one value per epoch)."""

    def __init__(self, params: dict[str, Any], metrics: dict[str, np.ndarray]):
        self.params = params
        self.metrics = metrics

    @classmethod
    def from_keras(cls, h: Any, extra: dict[str, Any]) -> "History":
        def order(name: str) -> tuple:  # loss first, then metrics; validation after training
            return (name.startswith("val_"), name.removeprefix("val_") != "loss")
        metrics = {k: _values(h.history[k]) for k in sorted(h.history, key=order)}
        params = {k: v for k, v in dict(h.params or {}).items()}
        params.update(extra)
        params["metrics"] = list(metrics)
        return cls(params, metrics)

    def fields(self) -> dict[str, Any]:
        return {"params": self.params, "metrics": self.metrics}

    def __repr__(self) -> str:
        epochs = len(next(iter(self.metrics.values()))) if self.metrics else 0
        last = ", ".join(f"{k}: {v[-1]:.4g}" for k, v in self.metrics.items() if len(v))
        return f"<History: {epochs} epochs; final {last}>"

    def as_records(self) -> dict[str, list]:
        """Long format, as R's as.data.frame(history): epoch, value, metric, data."""
        epoch, value, metric, data = [], [], [], []
        for name, values in self.metrics.items():
            is_val = name.startswith("val_")
            base = name[4:] if is_val else name
            for i, v in enumerate(values):
                epoch.append(i + 1)
                value.append(float(v))
                metric.append(base)
                data.append("validation" if is_val else "training")
        return {"epoch": epoch, "value": value, "metric": metric, "data": data}
