"""Axes (CONVENTIONS section 2): every axis-like argument of every wrapper has a declared rule;
the keras3 rule by default; the keras 2.x meaning of the arguments that interface passed
unchanged one option away; a merge or dot on the batch axis is an error naming both rules."""
from __future__ import annotations

import inspect
import re

import numpy as np
import pytest

import rkbridge as rk
from rkbridge.wrappers import applications, axes, backend, families, layers
from rkbridge.datautils import preprocessing
from rkbridge.wrappers import args as A
from rkbridge._keras import keras

AXIS_LIKE = re.compile(r"^(axis|axes|dims|perm|pattern|axis\d|source|destination|batch_dims)$"
                       r"|_(axis|axes)$")


def _params(fn):
    try:
        return [p.name for p in inspect.signature(fn).parameters.values()
                if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]
    except (TypeError, ValueError):
        return []


def every_wrapper_argument():
    """(wrapper, argument) for every wrapper the engine exposes, from its tables and the
    Keras signatures they point to (what tools/generate_r.py writes the R formals from)."""
    for name, spec in layers.LAYERS.items():
        yield from ((name, p.name) for p in spec.params)
    for name, spec in families.SPECS.items():
        yield from ((name, p.name) for p in spec.params)
    # op_*() and k_*() with a call-path spec: its argument names, not the `*args` of the
    # Python function
    for name, spec in A.WRAPPERS.items():
        yield from ((name, p) for p in spec.params or () if p != spec.variadic)
    for name, fn in backend.exported().items():
        if name not in A.WRAPPERS:
            yield from ((name, p) for p in _params(fn))
    for name, fn in preprocessing.exported().items():
        yield from ((name, p) for p in _params(fn))
    for name, spec in applications.APPLICATIONS.items():
        yield from ((name, p.name) for p in getattr(spec, "params", []))
    for name, fn in rk._API.items():
        yield from ((name, p) for p in _params(fn))


def test_every_axis_like_argument_has_a_declared_rule():
    found = sorted({(f, a) for f, a in every_wrapper_argument() if AXIS_LIKE.search(a)})
    # the enumeration reaches the arguments the R interfaces are known for
    for known in [("layer_concatenate", "axis"), ("layer_dot", "axes"),
                  ("layer_activation_softmax", "axis"), ("constraint_maxnorm", "axis"),
                  ("layer_activation_parametric_relu", "shared_axes"),
                  ("layer_batch_normalization", "axis"), ("k_mean", "axis"),
                  ("layer_permute", "dims"), ("op_sum", "axis"), ("op_trace", "axis1"),
                  ("op_moveaxis", "source"), ("k_permute_dimensions", "pattern"),
                  ("k_reverse", "axes")]:
        assert known in found
    undeclared = [fa for fa in found if axes.rule_for(*fa) is None]
    assert not undeclared, f"declare these axis-like arguments' rule in rkbridge/wrappers/axes.py: " \
                           f"{undeclared}"


def test_every_op_and_k_spec_converts_its_axis_arguments():
    """Each axis-like argument of an op_*()/k_*() spec is converted by the rule its spec
    declares: the call path applies `args.as_axis`, or axes.py says it is not a 1-based axis."""
    assert len([n for n in A.WRAPPERS if n.startswith("op_")]) > 300
    assert len([n for n in A.WRAPPERS if n.startswith("k_")]) > 80
    wrong = []
    for name, spec in A.WRAPPERS.items():
        for arg in spec.params or ():
            if not AXIS_LIKE.search(arg):
                continue
            rule = A.rule_of(name, arg)
            declared = axes.rule_for(name, arg)
            if not (rule is A.as_axis and declared == axes.ONE_BASED
                    or rule is None and declared in (axes.KERAS, axes.NOT_AN_AXIS)):
                wrong.append((name, arg, rule, declared))
    assert not wrong
    # what the table says is what the call does
    x = np.arange(24, dtype="float32").reshape(2, 3, 4)
    assert tuple(rk.op_moveaxis(x, 1, 3).shape) == tuple(np.moveaxis(x, 0, 2).shape)
    assert tuple(rk.op_trace(x, 0, 2, 3).shape) == (2,)
    np.testing.assert_allclose(rk.op_trace(x, 0, 2, 3), np.trace(x, 0, 1, 2))


@pytest.fixture(autouse=True)
def default_rule():
    axes.set_axis_rule(None)
    yield
    axes.set_axis_rule(None)


def test_concatenate_keras3_by_default_and_keras2_by_option():
    a, b = keras.Input((4, 5, 3)), keras.Input((4, 5, 2))
    # keras3: 4 is the channels axis of an image batch; keras2: 3 is
    assert tuple(rk.layer_concatenate([a, b], axis=4).shape) == (None, 4, 5, 5)
    assert tuple(keras.layers.Concatenate(axis=3)([a, b]).shape) == (None, 4, 5, 5)
    c = keras.Input((4, 7, 3))
    assert tuple(rk.layer_concatenate([a, c], axis=3).shape) == (None, 4, 12, 3)
    assert rk.set_axis_rule("keras2") == "keras3"
    assert tuple(rk.layer_concatenate([a, b], axis=3).shape) == (None, 4, 5, 5)
    assert tuple(rk.layer_concatenate([a, b], axis=-1).shape) == (None, 4, 5, 5)


def test_a_dot_on_the_batch_axis_is_an_error_and_a_merge_a_warning_naming_both_rules():
    x, y = keras.Input((3,)), keras.Input((3,))
    with pytest.warns(UserWarning, match=r"batch axis under the keras3 rule.*keras 2\.x.*"
                                         r"rkbridge\.dialect = \"keras2\""):
        rk.layer_concatenate([x, y], axis=1)
    for call in (lambda: rk.layer_dot([x, y], axes=1),
                 lambda: rk.layer_dot([x, y], axes=[1, 1])):
        with pytest.raises(rk.errors.RkValueError if hasattr(rk, "errors") else Exception,
                           match=r"batch axis under the keras3 rule.*keras 2\.x.*"
                                 r"rkbridge\.dialect = \"keras2\""):
            call()
    rk.set_axis_rule("keras2")
    xv = np.array([[1.0, 2.0, 3.0]], "float32")
    out = rk.layer_dot([x, y], axes=1)
    assert np.allclose(keras.Model([x, y], out)([xv, xv]), [[14.0]])


def test_dot_axes_pairs_follow_the_rule():
    x, y = keras.Input((3, 4)), keras.Input((3, 5))
    # keras3: c(2, 2) is the first feature axis of each -> (None, 4, 5)
    assert tuple(rk.layer_dot([x, y], axes=[2, 2]).shape) == \
        tuple(keras.layers.Dot(axes=[1, 1])([x, y]).shape) == (None, 4, 5)
    rk.set_axis_rule("keras2")
    z = keras.Input((4, 5))
    assert tuple(rk.layer_dot([x, z], axes=[2, 1]).shape) == (None, 3, 5)


def test_softmax_constraints_and_shared_axes():
    assert rk.layer_activation_softmax(axis=2).axis == 1
    assert rk.constraint_maxnorm(axis=1).axis == 0
    assert rk.layer_activation_parametric_relu(shared_axes=[2, 3]).shared_axes == [1, 2]
    with pytest.raises(Exception, match="rkbridge.dialect"):
        rk.constraint_unitnorm(axis=0)
    rk.set_axis_rule("keras2")
    assert rk.layer_activation_softmax(axis=1).axis == 1
    assert rk.constraint_maxnorm(axis=0).axis == 0
    assert rk.layer_activation_parametric_relu(shared_axes=[1, 2]).shared_axes == [1, 2]
    # arguments outside the option keep the keras3 rule under "keras2" too
    assert rk.layer_batch_normalization(axis=2).axis == 1


def test_rule_validation_and_environment_default(monkeypatch):
    with pytest.raises(Exception, match="keras3.*keras2"):
        rk.set_axis_rule("keras1")
    monkeypatch.setenv("RKBRIDGE_AXIS", "keras2")
    rk.set_axis_rule(None)
    assert rk.axis_rule() == "keras2"


def test_selectable_arguments_say_so_in_their_documentation():
    from pathlib import Path
    text = (Path(__file__).resolve().parents[1] / "R" / "layers-generated.R").read_text()
    def param_doc(fn: str, arg: str) -> str:
        block = text[:text.index(f"\n{fn} <- function")].rsplit("<- function", 1)[-1]
        return block.split(f"#' @param {arg} ", 1)[1].split("\n", 1)[0]
    for fn, arg in [("layer_concatenate", "axis"), ("layer_dot", "axes"),
                    ("layer_activation_softmax", "axis"),
                    ("layer_activation_parametric_relu", "shared_axes")]:
        assert 'options(rkbridge.dialect = \\"keras2\\")' in param_doc(fn, arg) or \
            "rkbridge.dialect" in param_doc(fn, arg), (fn, arg)
    assert "1-based" in param_doc("layer_batch_normalization", "axis")
    assert "Keras counts" in param_doc("layer_permute", "dims")
