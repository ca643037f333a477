"""Keras 2 graph-mode functions (rkbridge/wrappers/removed.py) signal an error naming the Keras 3 way."""
from __future__ import annotations

import pytest

from rkbridge.wrappers import removed
from rkbridge.api import API
from rkbridge.errors import RkRemovedError


@pytest.mark.parametrize("name", sorted(removed.REMOVED))
def test_removed_functions_name_the_replacement(name):
    with pytest.raises(RkRemovedError) as e:
        API[name]()
    assert str(e.value).startswith(f"{name}() was removed in Keras 3.")
    assert removed.REMOVED[name] in str(e.value)


def test_placeholder_points_at_layer_input():
    with pytest.raises(RkRemovedError, match=r"layer_input\(\)"):
        API["k_placeholder"](shape=[None, 3])
    assert RkRemovedError.r_class == "rkbridge_removed_error"
