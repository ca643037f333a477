"""The dialect (CONVENTIONS section 8): which R interface's meaning a name has where the
keras 2.x R interface (`library(keras)`) and keras3 (`library(keras3)`) disagree.

One switch: "keras3" (the default) or "keras2", set by `set_dialect()` (R:
`options(rkbridge.dialect = "keras2")`, sent by `rk_call()`; `options(rkbridge.axis)`,
`set_axis_rule()` and the environment variable `RKBRIDGE_AXIS` are older names of it) or the
environment variable `RKBRIDGE_DIALECT`. `DIFFERENCES` is the one table of every
difference: axes.py declares its axis rows, `fit()` reads its defaults from here, the test
named in each row shows it (tests/test_dialect.py), and docs/dialects.md is `markdown()`.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from . import args as A
from ..errors import RkValueError

KERAS3, KERAS2 = "keras3", "keras2"
DIALECTS = (KERAS3, KERAS2)
SWITCH = 'options(rkbridge.dialect = "keras2")'

# What keras3 does when one of the axis arguments below names the batch axis.
ERROR, WARNING = "error", "warning"

_ONE_BASED = "1-based: 1 the batch axis, 2 the first feature axis, -1 the last"
_UNCHANGED = "passed to Keras unchanged, 0-based: 0 the batch axis, 1 the first feature axis"


@dataclass(frozen=True)
class Difference:
    """One name the two R interfaces give different meanings."""
    function: str
    argument: str
    keras2: str
    keras3: str
    test: str  # in tests/test_dialect.py
    on_batch: str | None = None  # keras3: an axis on the batch axis is an ERROR or WARNING
    is_axis: bool = False

    def keras3_text(self) -> str:
        if self.on_batch is None:
            return self.keras3
        what = "an error" if self.on_batch == ERROR else "a warning"
        return f"{self.keras3}; the batch axis (1) is {what} naming both rules"


def _axis(function: str, argument: str, test: str, on_batch: str | None = ERROR,
          keras2: str = _UNCHANGED, keras3: str = _ONE_BASED) -> Difference:
    """An axis argument that the keras 2.x R interface (2.15, R sources) passed to Keras
    with `as.integer()` only, where keras3 converts it with `as_axis()`."""
    return Difference(function, argument, keras2, keras3, test, on_batch, is_axis=True)


# A constraint sees a weight tensor: no batch axis, so no axis to refuse.
_WEIGHT_AXES = ("passed to Keras unchanged, 0-based: 0 the first axis of the weights",
                "1-based: 1 the first axis of the weights, -1 the last")

DIFFERENCES: tuple[Difference, ...] = (
    # keras3 code may concatenate along the batch axis (inputs of the same shape): it runs;
    # a keras 2.x script's axis = 1 then gets a warning and a shape error at fit()
    _axis("layer_concatenate", "axis", "test_concatenate_axis", WARNING),
    _axis("layer_dot", "axes", "test_dot_axes"),
    _axis("layer_activation_softmax", "axis", "test_layer_activation_softmax_axis"),
    # activation_softmax(x) may be given any tensor, where a first axis is not a batch axis
    _axis("activation_softmax", "axis", "test_activation_softmax_axis", WARNING),
    _axis("layer_layer_normalization", "axis", "test_layer_normalization_axis"),
    _axis("layer_activation_parametric_relu", "shared_axes", "test_prelu_shared_axes"),
    *(_axis(f"constraint_{c}", "axis", "test_constraint_axis", None, *_WEIGHT_AXES)
      for c in ("maxnorm", "minmaxnorm", "unitnorm")),
    Difference("fit", "epochs", "default 10", "default 1", "test_fit_epochs_default"),
    Difference("fit", "initial_epoch",
               "0-based: the number of epochs already done (default 0)",
               "1-based: the epoch to start at (default 1; 0 also starts at the first)",
               "test_fit_initial_epoch"),
    # The engine's evaluate() gives a dict; R/model.R makes the keras 2.x vector.
    Difference("evaluate", "", "a named numeric vector, loss first (`score[\"accuracy\"]` "
               "a number; prints the names in one row)", "a named list, loss first "
               "(`score[\"accuracy\"]` a list; prints `$loss`, then each metric on its "
               "own lines)", "test_evaluate_value"),
    # R/tensor-numpy.R makes the TensorShape; keras 2.x code calls its as_list()
    Difference("x$shape", "", "of a symbolic tensor (`layer_input()`, a layer's output): a "
               "TensorShape, as tf.keras gave (`x$shape$as_list()`, `x$shape[[2]]`)",
               "of a symbolic tensor: Keras's tuple, an R list (`x$shape[[2]]`); an eager "
               "tensor's is a TensorShape in both", "test_symbolic_tensor_shape"),
)

AXES: dict[tuple[str, str], Difference] = {
    (d.function, d.argument): d for d in DIFFERENCES if d.is_axis}


def _from_environment() -> str:
    return os.environ.get("RKBRIDGE_DIALECT") or os.environ.get("RKBRIDGE_AXIS") or KERAS3


_dialect = _from_environment()


def set_dialect(dialect: Any = KERAS3) -> str:
    """Choose the dialect: "keras3" (the default) or "keras2" (the keras 2.x R interface's
    meanings, `DIFFERENCES`); None: the default (the environment variable RKBRIDGE_DIALECT,
    else RKBRIDGE_AXIS, else "keras3"). Returns the previous dialect."""
    global _dialect
    dialect = _from_environment() if dialect is None else str(A.scalar(dialect))
    if dialect not in DIALECTS:
        raise RkValueError(f'The dialect must be "keras3" or "keras2", not "{dialect}" '
                           f'(options(rkbridge.dialect = ...), or its older name '
                           f'options(rkbridge.axis = ...); RKBRIDGE_DIALECT).')
    previous, _dialect = _dialect, dialect
    return previous


def current() -> str:
    return _dialect


def _resolve(dialect: Any) -> str:
    if dialect is None:
        return _dialect
    dialect = str(A.scalar(dialect))
    if dialect not in DIALECTS:
        raise RkValueError(f'`dialect` must be "keras3" or "keras2", not "{dialect}".')
    return dialect


def fit_epochs(epochs: Any, dialect: Any = None) -> Any:
    """`fit(epochs =)`, its default from the dialect."""
    if epochs is not None:
        return epochs
    return 10 if _resolve(dialect) == KERAS2 else 1


def fit_initial_epoch(initial_epoch: Any, dialect: Any = None) -> int:
    """`fit(initial_epoch =)` as Keras counts it (0-based): keras2 passes it unchanged;
    keras3 counts from 1 and, as keras3 does, reads 0 as the first epoch too."""
    if initial_epoch is None:
        return 0
    n = A.as_count(initial_epoch, "initial_epoch")
    return n if _resolve(dialect) == KERAS2 or n == 0 else n - 1


def _name(d: Difference) -> str:
    """A function with its argument; a member (`x$shape`) as it is written."""
    return d.function if "$" in d.function else f"{d.function}({d.argument})"


def markdown() -> str:
    """The table of every difference (docs/dialects.md)."""
    rows = [f"| `{_name(d)}` | {d.keras2} | {d.keras3_text()} | "
            f"`{d.test}` |" for d in DIFFERENCES]
    return "\n".join([
        "# Dialects: where keras 2.x and keras3 give one name different meanings",
        "",
        f"The default is keras3's meaning; `{SWITCH}` (Python: `rk.set_dialect(\"keras2\")`, "
        "environment: `RKBRIDGE_DIALECT=keras2`) gives the keras 2.x R interface's. "
        "`options(rkbridge.axis = ...)`, `set_axis_rule()` and `RKBRIDGE_AXIS` are older "
        "names of the same switch. Generated from `rkbridge/wrappers/dialect.py` (`DIFFERENCES`); "
        "each row's test is in `tests/test_dialect.py` (R: `tests/testthat/test-dialect.R`).",
        "",
        "| Function (argument) | keras2 (keras 2.x R interface) | keras3 (default) | Test |",
        "|---|---|---|---|",
        *rows,
        "",
        "Arguments the keras 2.x R interface already converted to 1-based axes (`k_*()`, "
        "`layer_batch_normalization()`, `layer_unit_normalization()`, `layer_normalization()`, "
        "losses and metrics) mean the same in both dialects. Keras's own counting in both: "
        "`layer_permute(dims)`, `layer_multi_head_attention(attention_axes)`. "
        "`fit_generator()` exists only in keras 2.x and keeps its meaning in both dialects "
        "(`epochs` default 1, `initial_epoch` 0-based).",
        "",
    ])
