"""keras3's `op_*()`, `random_*()` and `config_*()` functions (and two utilities): Keras 3's `keras.ops`,
`keras.random` and `keras.config` under the R names of the keras3 R package, with its
1-based meaning of axes and indices.

`OPS` is the declarative table (R name -> `Op`), discovered from the installed Keras and
completed by `OVERRIDES` (other names, index arguments and results). As in keras3:
- every `axis` argument, and the axis arguments declared in `Op.axes`, is 1-based
  (1 the first axis, -1 the last);
- index arguments (`Op.indices`: `take(indices =)`, `one_hot(x =)`, `slice(start_indices =)`,
  ...) are 1-based: positive values count from 1, as R's `[` does;
- ops returning positions (`argmax`, `top_k`'s indices, ...) return 1-based positions;
- `zero_indexed = TRUE` switches both to Keras's own 0-based meaning.
"""
from __future__ import annotations

import inspect
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

from . import args as A
from .._keras import keras, keras_attr, ops
from .backend import _K_RULES, _tensor


@dataclass(frozen=True)
class Op:
    path: str  # under `keras`, e.g. "ops.mean", "random.normal", "config.floatx"
    axes: tuple[str, ...] = ()  # 1-based axis arguments besides `axis` (always one)
    indices: tuple[str, ...] = ()  # arguments holding 1-based positions
    # The result holds 0-based positions: None (no), "all", or the element of a tuple result.
    index_result: str | int | None = None
    integers: tuple[str, ...] = ()  # whole-number arguments of this op only
    tuples: tuple[str, ...] = ()  # list arguments Keras wants as a tuple: (real, imag)
    first: tuple[str, ...] = ()  # keras3's R order of the leading arguments (op_map(xs, f))
    r_class: str | None = None  # the R class of the result, a list (R/model.R's keras_shape)

    def target(self) -> Callable[..., Any] | None:
        return keras_attr(self.path)

    @property
    def zero_indexed(self) -> bool:
        """Whether the R function has keras3's `zero_indexed` argument."""
        return bool(self.indices) or self.index_result is not None


def _discover(module: Any, path: str, prefix: str,
              rename: Callable[[str], str] = lambda n: n) -> dict[str, Op]:
    out: dict[str, Op] = {}
    for name in sorted(dir(module)):
        obj = getattr(module, name)
        if name.startswith("_") or not inspect.isfunction(obj):
            continue
        out[f"{prefix}_{rename(name)}"] = Op(f"{path}.{name}")
    return out


def _image_name(name: str) -> str:
    """keras3 drops the `_images` of `crop_images`/`pad_images`: op_image_crop()."""
    return name.removesuffix("_images")


# keras3's deviations from the discovered `op_<name>` = `keras.ops.<name>` rule.
OVERRIDES: dict[str, Op] = {
    # 1-based axis arguments not called `axis` (keras3's as_axis() uses).
    "op_moments": Op("ops.moments", axes=("axes",)),
    "op_rot90": Op("ops.rot90", axes=("axes",)),
    "op_tensordot": Op("ops.tensordot", axes=("axes",)),
    "op_transpose": Op("ops.transpose", axes=("axes",)),
    "op_trace": Op("ops.trace", axes=("axis1", "axis2")),
    "op_diagonal": Op("ops.diagonal", axes=("axis1", "axis2")),
    "op_swapaxes": Op("ops.swapaxes", axes=("axis1", "axis2")),
    "op_moveaxis": Op("ops.moveaxis", axes=("source", "destination")),
    "op_image_scale_and_translate": Op("ops.image.scale_and_translate",
                                       axes=("spatial_dims",)),
    # 1-based positions given.
    "op_take": Op("ops.take", indices=("indices",)),
    "op_take_along_axis": Op("ops.take_along_axis", indices=("indices",)),
    "op_one_hot": Op("ops.one_hot", indices=("x",)),
    "op_scatter": Op("ops.scatter", indices=("indices",)),
    "op_scatter_update": Op("ops.scatter_update", indices=("indices",)),
    "op_slice": Op("ops.slice", indices=("start_indices",)),
    "op_slice_update": Op("ops.slice_update", indices=("start_indices",)),
    "op_segment_sum": Op("ops.segment_sum", indices=("segment_ids",)),
    "op_segment_max": Op("ops.segment_max", indices=("segment_ids",)),
    "op_segment_min": Op("ops.segment_min", indices=("segment_ids",)),
    "op_segment_prod": Op("ops.segment_prod", indices=("segment_ids",)),
    "op_unravel_index": Op("ops.unravel_index", indices=("indices",)),
    "op_ctc_loss": Op("ops.ctc_loss", indices=("mask_index",)),
    "op_ctc_decode": Op("ops.ctc_decode", indices=("mask_index",)),
    "op_switch": Op("ops.switch", indices=("index",)),
    # 1-based positions returned.
    "op_argmax": Op("ops.argmax", index_result="all"),
    "op_argmin": Op("ops.argmin", index_result="all"),
    "op_argsort": Op("ops.argsort", index_result="all"),
    "op_searchsorted": Op("ops.searchsorted", index_result="all"),
    "op_digitize": Op("ops.digitize", index_result="all"),
    "op_argpartition": Op("ops.argpartition", indices=("kth",), index_result="all"),
    "op_top_k": Op("ops.top_k", index_result=1),
    "op_shape": Op("ops.shape", r_class="keras_shape"),  # prints shape(NA, 3), as keras3's
    "random_categorical": Op("random.categorical", index_result="all"),
    # Whole numbers, tuples and argument order.
    "op_histogram": Op("ops.histogram", integers=("bins",)),
    **{f"op_{n}": Op(f"ops.{n}", tuples=("x",)) for n in ("fft", "fft2", "ifft2", "irfft",
                                                         "istft")},
    "op_map": Op("ops.map", first=("xs", "f")),
    "op_vectorized_map": Op("ops.vectorized_map", first=("elements", "function")),
    # keras3 utilities that are one Keras function.
    "set_random_seed": Op("utils.set_random_seed"),
    # Other names.
    "random_integer": Op("random.randint", integers=("minval", "maxval")),
    "random_seed_generator": Op("random.SeedGenerator"),
}

_DISCOVERED: dict[str, Op] = {
    **_discover(ops, "ops", "op"),
    **_discover(ops.image, "ops.image", "op_image", _image_name),
    **_discover(keras.random, "random", "random"),
    **_discover(keras.config, "config", "config"),
}
_RENAMED = {op.path for op in OVERRIDES.values()}  # an override's path has its name only
# keras3 functions that keep a Keras name but not its meaning: defined below (CUSTOM).
_REPLACED = {"op_arange"}
OPS: dict[str, Op] = {
    name: op for name, op in sorted({
        **{n: o for n, o in _DISCOVERED.items() if o.path not in _RENAMED},
        **OVERRIDES}.items())
    if op.target() is not None and name not in _REPLACED}


def _sections(v: Any, name: str = "indices_or_sections") -> Any:
    """`op_split(x, 3)`: 3 equal parts; a vector: the 1-based positions where parts start,
    as keras3 reads it."""
    if isinstance(v, (list, tuple, np.ndarray)) and np.size(v) != 1:
        return A.as_index(A._as_list(v), name)
    return A.as_integer(v, name)


# Whole-number arguments of ops (R numbers are doubles), beyond the backend's rules.
RULES: dict[str, A.Rule] = {
    **_K_RULES,
    **{n: A.as_integer for n in (
        "num", "shift", "offset", "order", "num_segments", "minlength", "fft_length",
        "length", "num_samples", "max_epochs", "max_steps_per_epoch", "axisa", "axisb",
        "axisc", "sequence_length", "sequence_stride", "default", "unroll", "block_size",
        "top_cropping", "left_cropping", "bottom_cropping", "right_cropping",
        "top_padding", "left_padding", "bottom_padding", "right_padding", "target_height",
        "target_width", "filter_size", "lower", "upper")},
    "indices_or_sections": _sections,
}


def _as_tuple(v: Any, name: str = "x") -> Any:
    """A list Keras wants as a tuple: `op_fft(list(real, imag))`."""
    return tuple(v) if isinstance(v, list) else v


def _converters(spec: Op, names: tuple[str, ...]) -> dict[str, A.Rule]:
    """Each argument's rule, by the op's table entry: axes, then positions, then whole
    numbers and tuples, then the by-name RULES."""
    out: dict[str, A.Rule] = {n: RULES[n] for n in names if n in RULES}
    out.update({n: A.as_integer for n in spec.integers})
    out.update({n: _as_tuple for n in spec.tuples})
    out.update({n: A.as_index for n in spec.indices})
    out.update({n: A.as_axis for n in set(spec.axes) | ({"axis"} & set(names))})
    return out


def wrapper(r_name: str, spec: Op) -> A.Wrapper:
    """The call-path spec of op `r_name`."""
    op = spec.target()
    names, var = A.signature_names(op, spec.first)
    return A.Wrapper(r_name, op, names, var, converters=_converters(spec, names or ()),
                     fallback=RULES, finish=_tensor)


def op_function(r_name: str, spec: Op) -> Callable[..., Any]:
    w = A.WRAPPERS[r_name] = wrapper(r_name, spec)
    zero_based_given = {n: A.as_whole for n in spec.indices}

    def fn(*args: Any, zero_indexed: bool = False, **kwargs: Any) -> Any:
        zero_indexed = bool(A.scalar(zero_indexed))
        pos, kw = w.prepare(args, kwargs, zero_based_given if zero_indexed else None)
        result = w.target(*pos, **kw)
        if spec.index_result is not None and not zero_indexed:
            result = to_r_index(result, spec.index_result)
        return result

    fn.__name__ = fn.__qualname__ = r_name
    fn.__doc__ = inspect.getdoc(w.target)
    return fn


def to_r_index(result: Any, which: str | int) -> Any:
    if which == "all":
        return ops.add(result, 1)
    out = list(result)
    out[which] = ops.add(out[which], 1)
    return tuple(out)


# -- keras3 functions without one Keras counterpart --------------------------------------

def op_convert_to_array(x: Any, dtype: str | None = None) -> Any:
    """Convert a tensor to an array.

    The value of a tensor as an R array (through NumPy), optionally cast to `dtype`.

    Args:
        x: A tensor.
        dtype: The target type, e.g. "float32"; `None` keeps the tensor's.
    """
    arr = ops.convert_to_numpy(_tensor(x))
    return arr if dtype is None else arr.astype(dtype)


def op_pmax(x: Any, *more: Any) -> Any:
    """Element-wise maximum of several tensors.

    R's `pmax()` for tensors: the maximum of all the arguments, element by element (with
    broadcasting).

    Args:
        x: A tensor.
        more: Further tensors.
    """
    out = _tensor(x)
    for y in more:
        out = ops.maximum(out, _tensor(y))
    return out


def op_pmin(x: Any, *more: Any) -> Any:
    """Element-wise minimum of several tensors.

    R's `pmin()` for tensors: the minimum of all the arguments, element by element (with
    broadcasting).

    Args:
        x: A tensor.
        more: Further tensors.
    """
    out = _tensor(x)
    for y in more:
        out = ops.minimum(out, _tensor(y))
    return out


def op_arange(start: Any, end: Any = None, step: Any = 1, dtype: str | None = None,
              include_end: bool = True) -> Any:
    """Return evenly spaced values within a given interval

    As R's `seq()` (keras3's meaning): `op_arange(end)` counts from 1 to `end`;
    `op_arange(start, end)` and `op_arange(start, end, step)` run from `start` to `end`,
    `end` included unless `include_end = FALSE` (then, as Python's `range()`,
    `op_arange(0L, n, include_end = FALSE)` gives 0 to n - 1), through `keras.ops.arange`.

    Args:
        start: Integer or real, the start of the interval (included). Given alone, the end
            of an interval that starts at 1.
        end: Integer or real, the end of the interval, included unless `include_end` is
            `FALSE` (floating point round-off may add or drop a last value when `step` is
            not whole).
        step: Integer or real, the spacing between values.
        dtype: The type of the output, e.g. "int32". Not given: inferred from the arguments
            (integers for R integers, floats for R doubles).
        include_end: Whether `end` is part of the sequence.
    """
    start, end, step = (A.scalar(v) for v in (start, end, step))
    if end is None:
        start, end = (1.0 if isinstance(start, float) else 1), start
    if dtype is not None and keras.backend.is_int_dtype(dtype):
        start, end = (int(v) if isinstance(v, float) else v for v in (start, end))
    if A.scalar(include_end):
        end = end + step
    return ops.arange(start, end, step, dtype=dtype)


def _custom(f: Callable[..., Any]) -> Callable[..., Any]:
    w = A.WRAPPERS[f.__name__] = A.Wrapper(f.__name__, f, *A.signature_names(f))

    def fn(*args: Any, **kwargs: Any) -> Any:
        return w(*args, **kwargs)
    fn.__name__ = fn.__qualname__ = f.__name__
    fn.__doc__ = f.__doc__
    fn.__wrapped__ = f  # the generator reads the signature
    return fn


CUSTOM: dict[str, Callable[..., Any]] = {
    f.__name__: _custom(f) for f in (op_arange, op_convert_to_array, op_pmax, op_pmin)}


def exported() -> dict[str, Callable[..., Any]]:
    out = {name: op_function(name, spec) for name, spec in OPS.items()}
    out.update(CUSTOM)
    return out
