"""A hook's arity comes from its declaration (R formals, Python signature), decided once:
an error raised inside the hook, whatever its wording, is never taken for an arity error."""
from __future__ import annotations

import pytest

from rkbridge.training.callbacks import call_flexibly
from rkbridge.boundary.rfunctions import r_function
from rkbridge.callables import arity
from rkbridge.errors import RkCallbackError


def test_r_function_arity_from_formals():
    assert arity(r_function(lambda *a: None, formals=["epoch", "logs"])) == 2
    assert arity(r_function(lambda *a: None, formals=["epoch"])) == 1
    assert arity(r_function(lambda *a: None, formals=[])) == 0
    assert arity(r_function(lambda *a: None, formals=["x", "..."])) is None
    assert arity(r_function(lambda *a: None)) is None  # unknown: every argument is passed


def test_python_function_arity_from_signature():
    assert arity(lambda epoch: None) == 1
    assert arity(lambda epoch, logs=None: None) == 2
    assert arity(lambda *args: None) is None


def test_an_unused_argument_error_inside_the_hook_runs_it_once():
    calls = []

    def hook(*args):
        calls.append(args)
        raise RuntimeError("unused argument (logs)")

    fn = r_function(hook, "`on_epoch_end` of callback_lambda()", formals=["epoch", "logs"])
    with pytest.raises(RkCallbackError, match="unused argument"):
        call_flexibly(fn, 1, {"loss": 0.5})
    assert calls == [(1, {"loss": 0.5})]


def test_leading_arguments_by_arity():
    got = []
    call_flexibly(r_function(lambda *a: got.append(a), formals=["epoch"]), 3, {"loss": 1.0})
    call_flexibly(r_function(lambda *a: got.append(a), formals=[]), 3, {"loss": 1.0})
    call_flexibly(lambda e, logs: got.append((e, logs)), 3, {"loss": 1.0})
    assert got == [(3,), (), (3, {"loss": 1.0})]
