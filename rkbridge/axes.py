"""Which counting each axis-like argument uses (CONVENTIONS section 2), in one place.

Three rules, each declared here for every axis-like argument of every wrapper
(tests/test_axes.py lists them all from the engine's tables, so a new one cannot slip by):

- `ONE_BASED`: the keras3 R interface's rule, and the keras 2.x one for `k_*()`,
  normalization layers and losses: 1 is the batch axis, 2 the first feature axis, negative
  counts from the end. `args.as_axis()` converts to Keras's 0-based axes.
- `SELECTABLE`: arguments that the keras 2.x R interface passed to Keras unchanged
  (0-based): `layer_concatenate(axis)`, `layer_dot(axes)`, `layer_activation_softmax(axis)`,
  `constraint_*(axis)`, `shared_axes`. They follow the *axis rule*: "keras3" (the default,
  ONE_BASED) or "keras2" (passed unchanged), set by `set_axis_rule()` (R:
  `options(rkbridge.axis = "keras2")`, sent here by `rk_call()`) or the environment variable
  `RKBRIDGE_AXIS`. Under "keras3", a merge or dot axis that lands on the batch axis is an
  error naming both rules: a keras 2.x script's `layer_concatenate(axis = 1)` never silently
  builds a different model.
- `KERAS`: Keras's own counting, passed unchanged in both R interfaces
  (`layer_permute(dims)` counts the feature axes from 1, as Keras does).
"""
from __future__ import annotations

import os
from typing import Any

from . import args as A
from .errors import RkValueError

ONE_BASED = "one_based"
SELECTABLE = "selectable"
KERAS = "keras"
NOT_AN_AXIS = "not_an_axis"  # an axis-like name that holds something else (a shape's sizes)

KERAS3, KERAS2 = "keras3", "keras2"
RULES = (KERAS3, KERAS2)

# (wrapper, argument) -> rule, where the argument's name alone does not say it.
_DECLARED: dict[tuple[str, str], str] = {
    ("layer_concatenate", "axis"): SELECTABLE,
    ("layer_dot", "axes"): SELECTABLE,
    ("layer_activation_softmax", "axis"): SELECTABLE,
    ("layer_activation_parametric_relu", "shared_axes"): SELECTABLE,
    ("constraint_maxnorm", "axis"): SELECTABLE,
    ("constraint_minmaxnorm", "axis"): SELECTABLE,
    ("constraint_unitnorm", "axis"): SELECTABLE,
    ("layer_permute", "dims"): KERAS,
    # Keras's own 0-based axes of the attention input, passed unchanged (as before).
    ("layer_multi_head_attention", "attention_axes"): KERAS,
    # einsum letters, not numbers
    ("layer_einsum_dense", "bias_axes"): KERAS,
    # shape(...) builds a shape: `dims` are its sizes
    ("shape", "dims"): NOT_AN_AXIS,
    ("shape_dims", "dims"): NOT_AN_AXIS,
    ("replace_file", "source"): NOT_AN_AXIS,  # a file name
    # Keras 3.13+ variance-scaling initializers: axes of the weight tensor (no batch axis),
    # Keras's own 0-based counting; neither R interface has them.
    **{(f"initializer_{name}", arg): KERAS
       for name in ("glorot_normal", "glorot_uniform", "he_normal", "he_uniform",
                    "lecun_normal", "lecun_uniform", "variance_scaling")
       for arg in ("input_axes", "output_axes")},
}
# Arguments whose name is the rule everywhere else.
_BY_NAME = {"axis": ONE_BASED, "axes": ONE_BASED, "pattern": ONE_BASED}
# Merges and dots: under "keras3" an axis on the batch axis is refused.
_BATCH_REFUSED = {("layer_concatenate", "axis"), ("layer_dot", "axes")}

_rule = os.environ.get("RKBRIDGE_AXIS", KERAS3)


def set_axis_rule(rule: Any = KERAS3) -> str:
    """Choose how the SELECTABLE arguments count axes: "keras3" (1-based, 1 = batch axis;
    the default) or "keras2" (the keras 2.x R interface's: passed to Keras unchanged,
    0-based); None: the default (the environment variable RKBRIDGE_AXIS, else "keras3").
    Returns the previous rule."""
    global _rule
    rule = os.environ.get("RKBRIDGE_AXIS", KERAS3) if rule is None else str(A.scalar(rule))
    if rule not in RULES:
        raise RkValueError(f'The axis rule must be "keras3" or "keras2", not "{rule}" '
                           f'(options(rkbridge.axis = ...) / RKBRIDGE_AXIS).')
    previous, _rule = _rule, rule
    return previous


def axis_rule() -> str:
    return _rule


def rule_for(function: str, arg: str) -> str | None:
    """The declared rule of `arg` of wrapper `function`, or None if none is declared."""
    return _DECLARED.get((function, arg), _BY_NAME.get(arg))


def doc_note(function: str, arg: str) -> str:
    """The sentence each such argument's documentation carries (tools/generate_r.py)."""
    rule = _DECLARED.get((function, arg))
    if rule == SELECTABLE:
        return (" Axes are 1-based (1 is the batch axis, -1 the last), the keras3 rule; the "
                "keras 2.x R interface passed this argument to Keras unchanged (0-based): "
                "`options(rkbridge.axis = \"keras2\")` gives that meaning.")
    if rule == KERAS:
        return " Counted as Keras counts them (passed unchanged, in both R interfaces)."
    if rule == ONE_BASED and arg in _BY_NAME or (rule is None and arg in _BY_NAME):
        return " Axes are 1-based (1 is the batch axis, -1 the last)."
    return ""


def _refuse_batch(function: str, arg: str, given: Any) -> None:
    raise RkValueError(
        f"`{arg} = {given}` of {function}() is the batch axis under the keras3 rule "
        f"(1-based: 1 is the batch axis, 2 the first feature axis, -1 the last). The keras "
        f"2.x R interface passed `{arg}` to Keras unchanged (0-based), where {given} meant "
        f"the first axis after the batch axis. Write the keras3 axis (one more than the keras 2.x one, or "
        f"-1 for the last axis), or run keras 2.x scripts with "
        f"options(rkbridge.axis = \"keras2\").")


def _dims(value: Any) -> tuple:
    """Permute's `dims` is a tuple even for one axis (`dims = c(1)` arrives as a number)."""
    d = A.as_int_tuple(value, "dims")
    return d if isinstance(d, tuple) else (d,)


def convert(function: str, kwargs: dict[str, Any]) -> tuple[dict[str, Any], tuple[str, ...]]:
    """Convert `function`'s SELECTABLE and KERAS arguments under the current rule; returns
    the arguments and the names that `args.normalize()` must leave alone."""
    out = dict(kwargs)
    done: list[str] = []
    for arg, value in kwargs.items():
        rule = _DECLARED.get((function, arg))
        if rule not in (SELECTABLE, KERAS) or value is None:
            continue
        done.append(arg)
        if rule == KERAS or (rule == SELECTABLE and _rule == KERAS2):
            out[arg] = _dims(value) if arg == "dims" else _unchanged(value, arg)
            continue
        if (function, arg) in _BATCH_REFUSED:
            items = A._as_list(value)
            for v in (items if items is not None else [value]):
                if A.as_integer(v, arg) == 1:
                    _refuse_batch(function, arg, 1)
        try:
            out[arg] = A.as_axis(value, arg)
        except RkValueError as e:
            raise RkValueError(f"{e} {function}(`{arg}`) follows the keras3 rule; for the "
                               f"keras 2.x R interface's 0-based meaning use "
                               f"options(rkbridge.axis = \"keras2\").") from None
    return out, tuple(done)


def keras2_hint(function: str, kwargs: dict[str, Any]) -> str:
    """For an error Keras raised while `function` (a merge or dot) was applied: when an
    axis argument of the keras 2.x R interface's 0-based kind was given and the keras3 rule
    read it, a sentence saying so (a keras 2.x script's `layer_dot(axes = c(2, 2))` meant
    Keras's axes 2, not 1); "" otherwise."""
    if _rule != KERAS3:
        return ""
    for arg, value in kwargs.items():
        if value is None or _DECLARED.get((function, arg)) != SELECTABLE:
            continue
        items = A._as_list(value)
        shown = ", ".join(str(A.as_integer(v, arg)) for v in (items or [value]))
        shown = f"c({shown})" if items is not None and len(items) > 1 else shown
        return (f" (`{arg} = {shown}` was read with the keras3 rule: 1-based, 1 the batch "
                f"axis. The keras 2.x R interface passed `{arg}` to Keras unchanged, "
                f"0-based; run keras 2.x scripts with options(rkbridge.axis = \"keras2\").)")
    return ""


def _unchanged(value: Any, arg: str) -> Any:
    """Whole numbers as Keras wants them: a list for several, an int for one."""
    if isinstance(value, str):
        return value
    items = A._as_list(value)
    if items is None:
        return A.as_integer(value, arg)
    return [A.as_integer(i, arg) for i in items]
