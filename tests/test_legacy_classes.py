"""The table of keras 2.x class names (rkbridge/wrappers/naming.py): every key is a Keras 3 class as
reticulate spells it, so the R side's lookup by class name finds it."""
from __future__ import annotations

import importlib

from rkbridge.api import API
from rkbridge.boundary import bridge
from rkbridge.wrappers.naming import LEGACY_CLASS_NAMES
from rkbridge.persistence.saving import _custom


def test_every_key_is_a_keras_class():
    for key in LEGACY_CLASS_NAMES:
        module, _, name = key.rpartition(".")
        cls = getattr(importlib.import_module(module), name)
        assert isinstance(cls, type) and f"{cls.__module__}.{cls.__qualname__}" == key


def test_table_reaches_r_as_lists_of_names():
    tab = API["legacy_class_names"]()
    assert tab["keras.src.metrics.metric.Metric"][:2] == [
        "keras.metrics.Metric", "keras.metrics.base_metric.Metric"]
    assert all(isinstance(v, list) and v for v in tab.values())


def test_partly_named_custom_objects_keep_every_entry():
    def mean_pred(y_true, y_pred):
        return y_pred

    def loss(y_true, y_pred):
        return y_pred

    given = bridge.partly_named([mean_pred, loss], ["", "custom_loss"])
    assert list(given) == [mean_pred, loss]
    assert _custom(given) == {"custom_loss": loss, "mean_pred": mean_pred}
