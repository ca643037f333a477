"""Turning what users pass as data (R arrays, data frames, factors, pandas, lists) into the
arrays Keras takes, with CONVENTIONS.md section 1's rules and R-worded errors."""
from __future__ import annotations

import os
from typing import Any

import numpy as np

from .. import keras_internals as KI
from .._keras import keras, tf
from ..errors import RkShapeError, RkTypeError, RkValueError, r_dims
from .. import array_order as T
from ..values import RDataFrame, RFactor, is_tensor


def _frame_to_matrix(names: list[str], columns: list[Any], arg: str,
                     dtype: Any = None) -> np.ndarray:
    """The numeric columns of an R data frame as an n x p matrix. `dtype`: the float type the
    model takes, for a matrix made in it straight from R's columns, in the aligned memory
    a tensor can use (as_tensor()): one copy of the data, not a float64 one and then the
    cast."""
    cols = []
    for name, col in zip(names, columns):
        if isinstance(col, RFactor):
            raise RkTypeError(f"Column `{name}` of `{arg}` is a factor: convert it with "
                              f"to_categorical() or as.integer() first.")
        arr = np.asarray(col)
        if arr.dtype.kind in "USO" or arr.dtype.name in ("category", "string", "str"):
            raise RkTypeError(f"Column `{name}` of `{arg}` is not numeric "
                              f"(character): only numeric columns can be model inputs.")
        cols.append(arr.astype(np.float64) if arr.dtype.kind == "b" else arr)
    if not cols:
        return np.zeros((0, 0))
    if dtype is None or not all(c.ndim == 1 and _fits(c, dtype) for c in cols):
        # NA, Inf or a number beyond `dtype`: the checks name them as R has them
        return np.column_stack(cols)
    out = T.aligned_empty((len(cols[0]), len(cols)), dtype)
    with np.errstate(invalid="ignore"):  # R's NA, a signalling NaN, stays NaN
        for j, c in enumerate(cols):
            np.copyto(out[:, j], c, casting="unsafe")
    return out


def _fits(column: np.ndarray, dtype: np.dtype) -> bool:
    return column.dtype.kind != "f" or _all_fine(column, float(np.finfo(dtype).max))


def _pandas_to_matrix(df: Any, arg: str) -> np.ndarray:
    cols = []
    for name in df.columns:
        s = df[name]
        if not (s.dtype.kind in "fiub"):
            raise RkTypeError(f"Column `{name}` of `{arg}` is not numeric ({s.dtype}): only "
                              f"numeric columns can be model inputs.")
        cols.append(s.to_numpy())
    return np.column_stack(cols) if cols else np.zeros((len(df), 0))


def as_array(x: Any, arg: str = "x", strings: bool = False, dtype: Any = None) -> Any:
    """One input or target, as an array with samples first (or a tensor, left alone).
    `strings`: character data is allowed (the model input it goes to takes strings).
    `dtype`: the float type of the model input it goes to, where known (data frames are made
    in it)."""
    if type(x) is np.ndarray:  # the common case, first: tf.is_tensor() costs ~50 us
        return _not_characters(x, arg, strings)
    if x is None or is_tensor(x):
        return x
    if isinstance(x, RDataFrame):
        return _frame_to_matrix(x.names, x.columns, arg, dtype)
    if isinstance(x, RFactor):
        raise RkTypeError(f"`{arg}` is a factor: convert it with to_categorical() first.")
    if type(x).__module__.startswith("pandas"):
        if hasattr(x, "columns"):
            return _pandas_to_matrix(x, arg)
        return x.to_numpy()
    return _not_characters(np.asarray(x), arg, strings)


def _not_characters(arr: np.ndarray, arg: str, strings: bool) -> np.ndarray:
    if arr.dtype.kind in "USO" and not strings:
        raise RkTypeError(f"`{arg}` is a character {'matrix' if arr.ndim == 2 else 'array'}"
                          f": model inputs must be numeric.")
    return arr


def as_data(x: Any, arg: str = "x", model: Any = None) -> Any:
    """Inputs or targets: one array, or an (unnamed or named) list of them. `model`: the
    model `x` is input to, whose string inputs take character data, and whose inputs (more
    than one) a list of as many numbers gives one number each."""
    strings = string_inputs(model)
    names = input_names(model) or []
    if isinstance(x, dict):
        return {k: _strings(v, f"{arg}${k}", k in names and strings[names.index(k)])
                for k, v in x.items()}
    n_inputs = len(names)
    several = 1 < n_inputs == len(x) if isinstance(x, (list, tuple)) else False
    if isinstance(x, list) and x and all(isinstance(v, str) for v in x) and not several:
        x = np.array(x, dtype=str)  # an R character vector (reticulate gives a list)
    if isinstance(x, (list, tuple)) and x and (not _is_number_list(x) or several):
        return [one_row(_strings(v, f"{arg}[[{i + 1}]]", i < len(strings) and strings[i]))
                for i, v in enumerate(x)]
    return _strings(x, arg, len(strings) == 1 and strings[0], _float_input(model))


def _float_input(model: Any) -> Any:
    """The float dtype of a built model's one input (None for anything else)."""
    inputs = getattr(model, "inputs", None) if getattr(model, "built", False) else None
    if not inputs or len(inputs) != 1:
        return None
    try:
        dtype = np.dtype(getattr(inputs[0], "dtype", None))
    except TypeError:
        return None
    return dtype if dtype.kind == "f" else None


def one_row(a: Any) -> Any:
    """A lone number as data (an input among several, a target): one sample (R's numbers
    are vectors of length 1). Lists and dicts: each element."""
    if isinstance(a, list):
        return [one_row(v) for v in a]
    if isinstance(a, dict):
        return {k: one_row(v) for k, v in a.items()}
    return a.reshape(1) if isinstance(a, np.ndarray) and a.ndim == 0 else a


def string_inputs(model: Any) -> list[Any]:
    """For each input of `model`: its rank if it takes strings, else False."""
    inputs = getattr(model, "inputs", None) if getattr(model, "built", False) else None
    return [len(i.shape) if str(getattr(i, "dtype", "")) == "string" else False
            for i in inputs] if inputs else []


def _strings(x: Any, arg: str, rank: Any, dtype: Any = None) -> Any:
    """`x` for an input of rank `rank` if it takes strings (else False): a character vector
    is a column (Keras does not add the feature axis to string arrays)."""
    a = as_array(x, arg, bool(rank), dtype)
    if rank and isinstance(a, np.ndarray) and a.dtype.kind in "US" and a.ndim == rank - 1:
        a = a.reshape(a.shape + (1,))
    return a


def by_name(x: Any, names: list[str] | None, arg: str, what: str,
            as_dict: bool = False, given: list[str] | None = None) -> Any:
    """A named list of inputs (targets) -> a list in the model's input (output) order (a
    dict in that order, `as_dict`, for a model built with named inputs); anything else
    unchanged.

    `given`: the names of the list the model was built from, in the order given
    (`given_names()`). An unnamed list with one element each is matched to them by
    position, as an R user lists them; Keras itself would match it in the sorted order of
    the names (outputs list(b =, a =) would train `b` on the second target)."""
    if given and isinstance(x, (list, tuple)) and len(x) == len(given):
        x = dict(zip(given, x))
    if not isinstance(x, dict) or not names:
        return x
    unknown = [k for k in x if k not in names]
    if unknown:
        from ..errors import suggest
        raise RkValueError(f"`{arg}` has an element named \"{unknown[0]}\" but the model's "
                           f"{what}s are named {', '.join(repr(n) for n in names)}."
                           f"{suggest(unknown[0], names)}")
    missing = [n for n in names if n not in x]
    if missing:
        raise RkValueError(f"`{arg}` has no element for the model's {what} \"{missing[0]}\".")
    if as_dict:
        return {n: x[n] for n in names}
    return [x[n] for n in names] if len(names) > 1 else x[names[0]]


def match_inputs(model: Any, x: Any, arg: str = "x") -> Any:
    """`x` (after as_data()) as the model's inputs: named lists by name, unnamed lists by
    position in the order the model's inputs were given (by_name())."""
    return by_name(x, input_names(model), arg, "input", named_inputs(model),
                   given_names(model, "inputs"))


def match_targets(model: Any, y: Any, arg: str = "y") -> Any:
    """`y` (after as_data()) as the model's targets, matched as match_inputs() does."""
    return by_name(y, output_names(model), arg, "output", named_outputs(model),
                   given_names(model, "outputs"))


def given_names(model: Any, what: str) -> list[str] | None:
    """The names of the list of inputs (`what = "inputs"`) or outputs a functional model
    was built from, in the order given; None when it was not built from a named list."""
    struct = getattr(model, f"_{what}_struct", None)
    tensors = getattr(model, what, None) if getattr(model, "built", False) else None
    if not isinstance(struct, dict) or not tensors:
        return None
    keys = [str(k) for k in struct]
    return keys if len(keys) == len(tensors) else None


def named_inputs(model: Any) -> bool:
    """Whether `model` was built with a named list (dict) of inputs."""
    return isinstance(KI.inputs_struct(model), dict)


def input_names(model: Any) -> list[str] | None:
    """The names a named list of inputs is matched by: the names of the list the model was
    built from (in the order of model.inputs), else the input tensors' names."""
    if not getattr(model, "built", False) or not getattr(model, "inputs", None):
        return None
    struct = KI.inputs_struct(model)
    if isinstance(struct, dict):
        keys = keras.tree.flatten({k: k for k in struct})
        if len(keys) == len(model.inputs):
            return [str(k) for k in keys]
    return [getattr(t, "name", None) for t in model.inputs]


def output_names(model: Any) -> list[str] | None:
    """The names a named list of targets is matched by: those of the list of outputs the
    model was built from, else Keras's output names."""
    struct = KI.outputs_struct(model)
    outputs = getattr(model, "outputs", None) if getattr(model, "built", False) else None
    if isinstance(struct, dict) and outputs:
        keys = keras.tree.flatten({k: k for k in struct})
        if len(keys) == len(outputs):
            return [str(k) for k in keys]
    names = getattr(model, "output_names", None)
    return list(names) if names else None


def named_outputs(model: Any) -> bool:
    """Whether `model` was built with a named list (dict) of outputs."""
    return isinstance(KI.outputs_struct(model), dict)


def _is_number_list(x: Any) -> bool:
    return all(isinstance(v, (int, float, bool, np.number)) for v in x)


def flat(x: Any) -> list[Any]:
    if isinstance(x, dict):
        return list(x.values())
    if isinstance(x, (list, tuple)):
        return list(x)
    return [x]


def _first_positions(bad: np.ndarray) -> str:
    """The first three flagged cells in R's (column-major) order, as 1-based R indices."""
    flat_idx = np.flatnonzero(bad.ravel(order="F"))[:3]
    where = np.stack(np.unravel_index(flat_idx, bad.shape, order="F"), axis=1) + 1
    return ", ".join("[" + ", ".join(str(int(v)) for v in w) + "]" for w in where)


def check_finite(x: Any, arg: str) -> None:
    """NA/NaN, Inf, or numbers too large for the model's float type in training data are an
    error: Keras would silently train into non-finite weights."""
    arrays = flat(x)
    floatx = keras.config.floatx()
    limit = float(np.finfo(floatx).max)
    for i, a in enumerate(arrays):
        name = arg if len(arrays) == 1 else f"{arg}[[{i + 1}]]"
        if isinstance(a, tf.SparseTensor):  # the stored values, at their (row, column)
            _check_values(a.values.numpy(), a.indices.numpy() + 1, name, floatx, limit)
            continue
        if not isinstance(a, np.ndarray) or a.dtype.kind != "f" or _all_fine(a, limit):
            continue
        _check_values(a, None, name, floatx, limit)


def _all_fine(a: np.ndarray, limit: float) -> bool:
    """Whether every value of float array `a` is finite and within +/-`limit`: two
    reductions, no temporary array (NaN propagates through min and max)."""
    if a.size == 0:
        return True
    return bool(-limit <= a.min() and a.max() <= limit)


def _check_values(a: np.ndarray, positions: np.ndarray | None, name: str, floatx: str,
                  limit: float) -> None:
    """`positions`: the 1-based R positions of `a`'s elements (sparse values), else `a`'s."""
    checks = [(np.isnan, "NA/NaN value{s}"), (np.isinf, "infinite value{s} (Inf/-Inf)")]
    if np.finfo(a.dtype).max > limit:
        checks.append((lambda a: np.isfinite(a) & (np.abs(a) > limit),
                       f"value{{s}} beyond {floatx}'s range (+/-{limit:.4g})"))
    for test, what in checks:
        with np.errstate(invalid="ignore", over="ignore"):
            bad = test(a)
        n = int(bad.sum())
        if n:
            first = _first_positions(bad) if positions is None else ", ".join(
                "[" + ", ".join(str(int(v)) for v in p) + "]" for p in positions[bad][:3])
            raise RkValueError(f"`{name}` has {n} {what.format(s='s' if n > 1 else '')} "
                               f"(first at {first}). Remove or impute "
                               f"them, or pass `allow_na = TRUE` to train on them anyway.")


def nrows(x: Any) -> int | None:
    dims = _dims(flat(x)[0]) if flat(x) else None
    return int(dims[0]) if dims and dims[0] is not None else None


def check_rows(x: Any, y: Any, xname: str = "x", yname: str = "y") -> None:
    nx, ny = nrows(x), nrows(y)
    if nx is not None and ny is not None and nx != ny:
        raise RkShapeError(f"`{xname}` has {nx} rows (samples) but `{yname}` has {ny}: they "
                           f"must have the same number of rows.")


# Arrays of at least this many elements reach Keras as tensors (see as_tensor()).
TENSOR_MIN_ELEMENTS = 1 << 18


def cast_for_model(model: Any, x: Any, tensors: bool = False) -> Any:
    """C-contiguous arrays of the model's input dtype (floats -> float32 by default), made
    once so that Keras does not convert per batch. `tensors`: large ones as tensors
    (as_tensor())."""
    inputs = getattr(model, "inputs", None) if getattr(model, "built", False) else None
    dtypes = [getattr(i, "dtype", None) for i in inputs] if inputs else []

    def cast(a: Any, dtype: Any) -> Any:
        if not isinstance(a, np.ndarray) or a.dtype.kind in "USO":
            return a
        if dtype is None:
            dtype = keras.config.floatx() if a.dtype.kind in "fb" else a.dtype
        return _row_major(a, dtype, tensors)

    if isinstance(x, dict):
        return {k: cast(v, None) for k, v in x.items()}
    if isinstance(x, list):
        return [cast(v, dtypes[i] if i < len(dtypes) else None) for i, v in enumerate(x)]
    return cast(x, dtypes[0] if len(dtypes) == 1 else None)


def _row_major(a: np.ndarray, dtype: Any, tensors: bool = False) -> Any:
    """`a` as a C-contiguous array of `dtype` (`tensors`: a tensor when large). R's NA is a
    signalling NaN, which a cast to a narrower float flags as invalid: it stays NaN
    (allow_na = TRUE), without a warning."""
    with np.errstate(invalid="ignore"):
        if tensors and a.size >= TENSOR_MIN_ELEMENTS:
            t = as_tensor(a, dtype)
            if t is not None:
                return t
        return T.row_major(a, dtype)


def as_tensor(a: np.ndarray, dtype: Any) -> Any:
    """`a` cast to `dtype` as a row-major tensor, in one copy; None for dtypes it does not
    serve. Keras turns NumPy data into tensors itself, a second full copy (its array
    adapter takes the whole array as one tensor and gathers each batch from it): this
    tensor is a view of the NumPy array we fill (DLPack, which TensorFlow takes without a
    copy when the memory is aligned as it needs), so Keras gathers the batches from that
    one copy."""
    try:
        dtype = np.dtype(dtype)
    except TypeError:  # e.g. bfloat16: Keras casts
        return None
    if (dtype.kind not in "fiu" or keras.backend.backend() != "tensorflow"
            or os.environ.get("RKBRIDGE_TENSOR_FEED", "1") == "0"):  # the way back to Keras's own copy
        return None
    return tf.experimental.dlpack.from_dlpack(T.row_major(a, dtype, aligned=True).__dlpack__())


def cast_targets(y: Any, tensors: bool = False) -> Any:
    """Float targets as C-contiguous arrays of Keras's float type, made once: the losses
    cast them to the predictions' type anyway, and Keras would otherwise convert each batch
    (R doubles arrive as float64, often as a column-major view). Integer labels stay.
    `tensors`: large ones as tensors (as_tensor())."""
    def cast(a: Any) -> Any:
        if isinstance(a, np.ndarray) and a.dtype.kind == "f":
            return _row_major(a, keras.config.floatx(), tensors)
        return a
    if isinstance(y, dict):
        return {k: cast(v) for k, v in y.items()}
    if isinstance(y, list):
        return [cast(v) for v in y]
    return cast(y)


def check_input_shape(model: Any, x: Any, arg: str = "x") -> None:
    """Feature count or rank not matching the model, said in R dimensions."""
    inputs = getattr(model, "inputs", None) if getattr(model, "built", False) else None
    if not inputs:
        return
    arrays = flat(x)
    if len(arrays) != len(inputs):
        raise RkShapeError(f"The model has {len(inputs)} input{'s' if len(inputs) > 1 else ''}"
                           f" but `{arg}` gives {len(arrays)}.")
    for i, (a, inp) in enumerate(zip(arrays, inputs)):
        got = _dims(a)
        if got is None:
            continue
        want = tuple(inp.shape)
        name = arg if len(arrays) == 1 else f"{arg}[[{i + 1}]]"
        if len(got) == 1 and len(want) == 2 and want[1] == 1:
            continue  # a vector is one feature column
        if len(got) != len(want):
            raise RkShapeError(
                f"`{name}` has dim() {r_dims(got)} but the model expects {len(want)}-D input "
                f"{r_dims(want)} (NA: any size).")
        for k, (g, w) in enumerate(zip(got[1:], want[1:])):
            if w is not None and g is not None and g != w:
                raise RkShapeError(
                    f"`{name}` has dim() {r_dims(got)} but the model expects "
                    f"{r_dims(want)} (NA: any size): dimension {k + 2} should be {w}, not {g}.")


def check_target_shape(model: Any, y: Any, arg: str = "y") -> None:
    """Targets whose last dimension matches neither the output's nor 1 (class codes), said
    in R dimensions before Keras reports it from inside its loss."""
    outputs = getattr(model, "outputs", None) if getattr(model, "built", False) else None
    targets = flat(y)
    if not outputs or len(targets) != len(outputs):
        return
    for i, (t, out) in enumerate(zip(targets, outputs)):
        want, got = tuple(out.shape), _dims(t) or ()
        if len(got) > len(want) and _keras_loss(model):
            # Keras's losses broadcast such targets against the output and train on
            # nonsense; a loss of the user's own may read a packed `y`, so it is left alone
            name = arg if len(targets) == 1 else f"{arg}[[{i + 1}]]"
            raise RkShapeError(
                f"`{name}` has dim() {r_dims(got)} but the model's output has dim() "
                f"{r_dims(want)} (NA: any size): `{name}` has {len(got)} dimensions where "
                f"the output has {len(want)}.")
        if len(got) != len(want) or len(got) < 2 or None in (want[-1], got[-1]):
            continue
        if got[-1] not in (1, want[-1]):
            name = arg if len(targets) == 1 else f"{arg}[[{i + 1}]]"
            raise RkShapeError(
                f"`{name}` has dim() {r_dims(got)} but the model's output has dim() "
                f"{r_dims(want)} (NA: any size): dimension {len(got)} should be {want[-1]}"
                f"{' (or 1 for class codes)' if want[-1] > 1 else ''}, not {got[-1]}.")


def _keras_loss(model: Any) -> bool:
    """Whether the model's losses are all Keras's own (names, loss classes, functions)."""
    loss = getattr(model, "loss", None)
    losses = list(loss.values()) if isinstance(loss, dict) else (
        list(loss) if isinstance(loss, (list, tuple)) else [loss])
    return bool(losses) and all(
        isinstance(l, str)
        or (getattr(l if callable(l) and not hasattr(l, "get_config") else type(l),
                    "__module__", "") or "").startswith("keras.")
        for l in losses)


def sparse_loss(model: Any) -> bool:
    """Whether the model's (one) loss takes class codes: sparse categorical cross-entropy,
    by name, class or function."""
    loss = getattr(model, "loss", None)
    if loss is None or isinstance(loss, (list, tuple, dict)):
        return False
    name = loss if isinstance(loss, str) else (getattr(loss, "name", None)
                                               or getattr(loss, "__name__", ""))
    return "sparse_categorical" in str(name)


def factor_targets(model: Any, y: RFactor, arg: str = "y") -> np.ndarray:
    """A factor as targets: for a loss that takes class codes, each element's code counted
    from 0 in the order of the levels (NA stays NA, for the NA check to name it)."""
    if not sparse_loss(model):
        raise RkTypeError(
            f"`{arg}` is a factor: for the model's loss convert it with to_categorical() "
            f"first (its levels become the columns), or compile with "
            f"loss = \"sparse_categorical_crossentropy\", which takes a factor as it is.")
    return np.asarray(y.codes, dtype=np.float64).reshape(-1) - 1


def check_class_codes(model: Any, y: Any, arg: str = "y") -> None:
    """Class codes for a sparse loss must be 0 .. units - 1. Codes 1 .. units are R's habit
    of counting from 1 (a factor's codes, which.max()): said so before Keras's "label value
    outside the valid range"."""
    outputs = getattr(model, "outputs", None) if getattr(model, "built", False) else None
    if not outputs or len(outputs) != 1 or not sparse_loss(model) or not isinstance(
            y, np.ndarray) or y.dtype.kind not in "iuf" or y.size == 0:
        return
    units = outputs[0].shape[-1]
    finite = y[np.isfinite(y)] if y.dtype.kind == "f" else y
    if units is None or finite.size == 0:
        return
    low, high = finite.min(), finite.max()
    if high < units and low >= 0:
        return
    if low >= 1 and high == units:
        raise RkValueError(
            f"`{arg}` holds class codes 1 to {units:g} for an output of {units:g} units: "
            f"Keras counts classes from 0. Give `{arg} - 1`, or the labels as a factor "
            f"(its levels in order are the classes).")
    bad = high if high >= units else low
    raise RkValueError(f"`{arg}` holds the class code {bad:g}, but the output has "
                       f"{units:g} units: class codes must be 0 to {units - 1:g}.")


def _dims(a: Any) -> tuple[Any, ...] | None:
    """The dimensions of an array, tensor or tensor spec (None: unknown); None when it has
    no shape or an unknown rank."""
    shape = getattr(a, "shape", None)
    if shape is None or getattr(shape, "rank", 0) is None:
        return None
    return tuple(shape)
