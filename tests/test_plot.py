"""plot(model) (rkbridge/training/plot.py): Keras's model diagram as an image file, and what
to install when pydot or Graphviz is missing."""
from __future__ import annotations

import shutil
import sys

import pytest

from rkbridge.training import plot
from rkbridge._keras import keras
from rkbridge.errors import RkMissingError, RkValueError


def model() -> keras.Model:
    return keras.Sequential([keras.Input((3,)), keras.layers.Dense(4, name="hidden"),
                             keras.layers.Dense(1, name="out")])


@pytest.mark.skipif(shutil.which("dot") is None, reason="needs Graphviz's dot")
def test_writes_the_diagram_in_the_files_format(tmp_path):
    pytest.importorskip("pydot")
    png = tmp_path / "m.png"
    assert plot.plot_model(model(), str(png), show_layer_names=True) == str(png)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    svg = tmp_path / "m.svg"
    plot.plot_model(model(), str(svg), show_layer_names=True, show_shapes=True)
    text = svg.read_text()
    assert "hidden" in text and "out" in text  # the layer names are drawn


def test_missing_pydot_or_dot_names_what_to_install(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "pydot", None)  # import pydot fails
    with pytest.raises(RkMissingError, match="pip install pydot"):
        plot.plot_model(model(), str(tmp_path / "m.png"))
    monkeypatch.delitem(sys.modules, "pydot")
    pytest.importorskip("pydot")
    monkeypatch.setattr(plot.shutil, "which", lambda name: None)
    with pytest.raises(RkMissingError, match="apt-get install graphviz"):
        plot.plot_model(model(), str(tmp_path / "m.png"))
    with pytest.raises(RkValueError, match="must be a Keras model"):
        plot.plot_model(keras.layers.Dense(2), str(tmp_path / "m.png"))
