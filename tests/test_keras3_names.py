"""keras3's names (naming.KERAS3_NAMES) are the same functions as rkbridge's own, and keras3's
function-only metrics (metric_huber) compute like Keras's."""
from __future__ import annotations

import numpy as np
import pytest

from rkbridge.wrappers import families
from rkbridge._keras import keras
from rkbridge.api import API
from rkbridge.errors import RkTypeError
from rkbridge.wrappers.naming import KERAS3_NAMES

Y_TRUE = np.array([[0.0, 1.0], [1.0, 0.0]])
Y_PRED = np.array([[0.2, 0.8], [0.6, 0.4]])


@pytest.mark.parametrize("new,old", sorted(KERAS3_NAMES.items()))
def test_keras3_name_is_the_same_wrapper(new, old):
    assert API[new].__name__ == new
    assert API[new].__doc__ == API[old].__doc__


def test_kl_divergence_names_compute_the_same():
    a = API["loss_kl_divergence"](Y_TRUE + 0.1, Y_PRED)
    b = API["loss_kullback_leibler_divergence"](Y_TRUE + 0.1, Y_PRED)
    np.testing.assert_allclose(np.asarray(a), np.asarray(b))
    assert families.resolve_named("metric_kl_divergence").__class__ is keras.metrics.KLDivergence


@pytest.mark.parametrize("name", ["huber", "log_cosh", "binary_focal_crossentropy",
                                  "categorical_focal_crossentropy"])
def test_function_metrics_compute_like_keras(name):
    got = API[f"metric_{name}"](Y_TRUE, Y_PRED)
    want = getattr(keras.metrics, name)(Y_TRUE, Y_PRED)
    np.testing.assert_allclose(np.asarray(got), np.asarray(want))
    # uncalled (compile(metrics = metric_huber)) it is Keras's function
    assert API[f"metric_{name}"]() is getattr(keras.metrics, name)
    assert families.resolve_named(f"metric_{name}") is getattr(keras.metrics, name)
    with pytest.raises(RkTypeError, match="y_true"):
        API[f"metric_{name}"](from_logits=True)
