"""Which counting each axis-like argument uses (CONVENTIONS section 2), in one place.

Three rules, each declared here for every axis-like argument of every wrapper
(tests/test_axes.py lists them all from the engine's tables, so a new one cannot slip by):

- `ONE_BASED`: the keras3 R interface's rule, and the keras 2.x one for `k_*()`,
  normalization layers and losses: 1 is the batch axis, 2 the first feature axis, negative
  counts from the end. `args.as_axis()` converts to Keras's 0-based axes.
- `SELECTABLE`: arguments that the keras 2.x R interface passed to Keras unchanged
  (0-based), the axis rows of `dialect.DIFFERENCES`: `layer_concatenate(axis)`,
  `layer_dot(axes)`, softmax's and `layer_layer_normalization()`'s `axis`,
  `constraint_*(axis)`, `shared_axes`. They follow the dialect (dialect.py): "keras3" (the
  default, ONE_BASED) or "keras2" (passed unchanged). Under "keras3", such an axis that
  lands on the batch axis where that is almost never meant (merges, dots, softmax,
  normalization) is an error or warning naming both rules: a keras 2.x script's
  `layer_concatenate(axis = 1)` never silently builds a different model.
- `KERAS`: Keras's own counting, passed unchanged in both R interfaces
  (`layer_permute(dims)` counts the feature axes from 1, as Keras does).
"""
from __future__ import annotations

import warnings
from typing import Any

from . import args as A
from . import dialect as DI
from .dialect import KERAS2, KERAS3
from ..errors import RkValueError

ONE_BASED = "one_based"
SELECTABLE = "selectable"
KERAS = "keras"
NOT_AN_AXIS = "not_an_axis"  # an axis-like name that holds something else (a shape's sizes)

RULES = DI.DIALECTS

# (wrapper, argument) -> rule, where the argument's name alone does not say it.
_DECLARED: dict[tuple[str, str], str] = {
    **{key: SELECTABLE for key in DI.AXES},
    ("layer_permute", "dims"): KERAS,
    # Keras's own 0-based axes of the attention input, passed unchanged (as before).
    ("layer_multi_head_attention", "attention_axes"): KERAS,
    # einsum letters, not numbers
    ("layer_einsum_dense", "bias_axes"): KERAS,
    # shape(...) builds a shape: `dims` are its sizes
    ("shape", "dims"): NOT_AN_AXIS,
    ("shape_dims", "dims"): NOT_AN_AXIS,
    ("replace_file", "source"): NOT_AN_AXIS,  # a file name
    ("op_rearrange", "pattern"): NOT_AN_AXIS,  # an einops pattern string
    # Keras 3.13+ variance-scaling initializers: axes of the weight tensor (no batch axis),
    # Keras's own 0-based counting; neither R interface has them.
    **{(f"initializer_{name}", arg): KERAS
       for name in ("glorot_normal", "glorot_uniform", "he_normal", "he_uniform",
                    "lecun_normal", "lecun_uniform", "variance_scaling")
       for arg in ("input_axes", "output_axes")},
}
# Arguments whose name is the rule everywhere else.
_BY_NAME = {"axis": ONE_BASED, "axes": ONE_BASED, "pattern": ONE_BASED}


def set_axis_rule(rule: Any = KERAS3) -> str:
    """The older name of `dialect.set_dialect()` (options(rkbridge.axis), RKBRIDGE_AXIS)."""
    return DI.set_dialect(rule)


def axis_rule() -> str:
    return DI.current()


def rule_for(function: str, arg: str) -> str | None:
    """The declared rule of `arg` of wrapper `function`, or None if none is declared. A
    wrapper with a call-path spec (`args.WRAPPERS`: op_*(), k_*()) declares it there: an
    argument its spec converts with `args.as_axis` is ONE_BASED, and its name alone says
    nothing."""
    if (function, arg) in _DECLARED:
        return _DECLARED[(function, arg)]
    spec = A.WRAPPERS.get(function)
    if spec is not None:
        return ONE_BASED if spec.converter(arg) is A.as_axis else None
    return _BY_NAME.get(arg)


def doc_note(function: str, arg: str) -> str:
    """The sentence each such argument's documentation carries (tools/generate_r.py)."""
    rule = _DECLARED.get((function, arg))
    if rule == SELECTABLE:
        d = DI.AXES[(function, arg)]
        return (f" Axes: {d.keras3_text()} (the keras3 rule). The keras 2.x R interface "
                f"{d.keras2.replace('passed', 'passed this argument', 1)}: "
                f"`{DI.SWITCH}` gives that meaning.")
    if rule == KERAS:
        return " Counted as Keras counts them (passed unchanged, in both R interfaces)."
    if rule == ONE_BASED and arg in _BY_NAME or (rule is None and arg in _BY_NAME):
        return " Axes are 1-based (1 is the batch axis, -1 the last)."
    return ""


def _on_batch(function: str, arg: str, given: Any, how: str) -> None:
    """Under the keras3 rule `arg = 1` is the batch axis: say so, naming both rules."""
    text = (f"`{arg} = {given}` of {function}() is the batch axis under the keras3 rule "
            f"(1-based: 1 is the batch axis, 2 the first feature axis, -1 the last). The "
            f"keras 2.x R interface passed `{arg}` to Keras unchanged (0-based), where "
            f"{given} meant the first axis after the batch axis. Write the keras3 axis (one "
            f"more than the keras 2.x one, or -1 for the last axis), or run keras 2.x "
            f"scripts with {DI.SWITCH}.")
    if how == DI.ERROR:
        raise RkValueError(text)
    warnings.warn(text, UserWarning, stacklevel=3)


def _dims(value: Any, name: str = "dims") -> tuple:
    """Permute's `dims` is a tuple even for one axis (`dims = c(1)` arrives as a number)."""
    d = A.as_int_tuple(value, "dims")
    return d if isinstance(d, tuple) else (d,)


def converter(function: str, arg: str) -> A.Rule | None:
    """The rule of a SELECTABLE or KERAS argument of `function` (the SELECTABLE ones read the
    axis rule in force when called); None for the others (`args.ARG_RULES` by name)."""
    rule = _DECLARED.get((function, arg))
    if rule == KERAS:
        return _dims if arg == "dims" else _unchanged
    if rule != SELECTABLE:
        return None

    def selectable(value: Any, name: str = arg) -> Any:
        """Under the "keras3" axis rule 1-based (`args.as_axis`), under "keras2" passed to
        Keras unchanged (0-based), as the keras 2.x R interface did."""
        if DI.current() == KERAS2:
            return _unchanged(value, name)
        how = DI.AXES[(function, arg)].on_batch
        if how is not None:
            items = A._as_list(value)
            if any(A.as_integer(v, name) == 1 for v in (items if items is not None
                                                          else [value])):
                _on_batch(function, name, 1, how)
        try:
            return A.as_axis(value, name)
        except RkValueError as e:
            raise RkValueError(f"{e} {function}(`{name}`) follows the keras3 rule; for the "
                               f"keras 2.x R interface's 0-based meaning use "
                               f"{DI.SWITCH}.") from None
    return selectable


def convert(function: str, kwargs: dict[str, Any]) -> tuple[dict[str, Any], tuple[str, ...]]:
    """Convert `function`'s SELECTABLE and KERAS arguments under the current rule; returns
    the arguments and the names that `args.normalize()` must leave alone."""
    out = dict(kwargs)
    done: list[str] = []
    for arg, value in kwargs.items():
        rule = converter(function, arg)
        if rule is None or value is None:
            continue
        done.append(arg)
        out[arg] = rule(value, arg)
    return out, tuple(done)


def keras2_hint(function: str, kwargs: dict[str, Any]) -> str:
    """For an error Keras raised while `function` (a merge or dot) was applied: when an
    axis argument of the keras 2.x R interface's 0-based kind was given and the keras3 rule
    read it, a sentence saying so (a keras 2.x script's `layer_dot(axes = c(2, 2))` meant
    Keras's axes 2, not 1); "" otherwise."""
    if DI.current() != KERAS3:
        return ""
    for arg, value in kwargs.items():
        if value is None or _DECLARED.get((function, arg)) != SELECTABLE:
            continue
        items = A._as_list(value)
        shown = ", ".join(str(A.as_integer(v, arg)) for v in (items or [value]))
        shown = f"c({shown})" if items is not None and len(items) > 1 else shown
        return (f" (`{arg} = {shown}` was read with the keras3 rule: 1-based, 1 the batch "
                f"axis. The keras 2.x R interface passed `{arg}` to Keras unchanged, "
                f"0-based; run keras 2.x scripts with {DI.SWITCH}.)")
    return ""


def _unchanged(value: Any, arg: str = "axis") -> Any:
    """Whole numbers as Keras wants them: a list for several, an int for one."""
    if isinstance(value, str):
        return value
    items = A._as_list(value)
    if items is None:
        return A.as_integer(value, arg)
    return [A.as_integer(i, arg) for i in items]
