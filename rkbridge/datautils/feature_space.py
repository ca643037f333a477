"""keras3's feature space: `layer_feature_space()` (Keras's `keras.utils.FeatureSpace`, one
layer that preprocesses and encodes a set of named features) and the feature
specifications `feature_*()` (its class methods), with R data in and out.

`KINDS` is the table the `feature_*()` functions are built from (`feature_function()`): each
names the FeatureSpace class method and what the feature does; the arguments are the
method's own, documented once in `ARG_DOCS`, converted by args.py's rules. The R wrappers
are generated from these functions (tools/generate_r.py).

Data (for `adapt()`, `layer_feature_space(object =)` and calling the space) is a named list
of vectors (one per feature, samples in order), a data frame, a pandas DataFrame or a
TensorFlow dataset of named features. Each feature's values are made the type its
specification declares (`as_columns()`): whole numbers for integer features (R doubles
such as `c(0, 1, 2)` included), character vectors or factors (their labels) for string
features, numbers for float features; anything else is an error naming the feature.

What comes back from calling the space on data is R-shaped: with `output_mode = "concat"`
an n x width matrix, one row per sample, the features' encodings side by side in the
order of their sorted names, then the crosses in the order of theirs (Keras's order); with
`output_mode = "dict"` a named list of n-row matrices.
"""
from __future__ import annotations

import inspect
import numbers
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

from ..wrappers import args as A
from .._keras import keras, tf
from ..errors import RkTypeError, RkValueError, suggest
from ..keras_internals import adaptable_preprocessors, set_adaptable_preprocessors
from ..values import RDataFrame, RFactor, is_tensor, resolve

FeatureSpace = keras.utils.FeatureSpace
_FS_MODULE = inspect.getmodule(FeatureSpace)
Feature: type = _FS_MODULE.Feature
Cross: type = _FS_MODULE.Cross


# -- the feature specifications ------------------------------------------------------------

@dataclass(frozen=True)
class FeatureKind:
    r_name: str
    method: str  # the FeatureSpace class method that makes the specification
    title: str
    doc: str
    own_docs: tuple[tuple[str, str], ...] = ()  # arguments documented apart from ARG_DOCS
    # (argument, other): the required `argument` is NULL when `other` is given
    instead_of: tuple[tuple[str, str], ...] = ()
    check: Callable[[dict[str, Any]], None] | None = None  # refuses what Keras cannot do

    @property
    def params(self) -> tuple[inspect.Parameter, ...]:
        sig = inspect.signature(getattr(FeatureSpace, self.method))
        return tuple(p for p in sig.parameters.values()
                     if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD))


def _check_fixed_bins(kwargs: dict[str, Any]) -> None:
    """Keras's FeatureSpace takes the one-hot width of a discretized feature from
    `num_bins`, which fixed `bin_boundaries` leave unset: it would fail at the first use."""
    if kwargs.get("bin_boundaries") is not None and \
            kwargs.get("output_mode", "one_hot") == "one_hot":
        raise RkValueError('feature_float_discretized(): with `bin_boundaries`, give '
                           '`output_mode = "int"` (and `output_mode = "dict"` to the space): '
                           "Keras's feature space cannot one-hot encode fixed bins. Or give "
                           "`num_bins` and let adapt() find the boundaries.")


_CATEGORY = ("By default each value is one-hot encoded: column `j` of its block of the "
             "output is the `j`-th term of `get_vocabulary()` of its preprocessor (the "
             "out-of-vocabulary term first).")
_HASHED = ("By default each value is one-hot encoded: its block of the output has `num_bins` "
           "columns, one per hash bin.")

KINDS: tuple[FeatureKind, ...] = (
    FeatureKind("feature_float", "float", "A float feature, used as it is",
                'Numbers passed through unchanged (as float32). The feature type `"float"`.'),
    FeatureKind("feature_float_rescaled", "float_rescaled", "A float feature, rescaled",
                "Numbers rescaled linearly, `x * scale + offset` (a `layer_rescaling()`). "
                'The feature type `"float_rescaled"`.'),
    FeatureKind("feature_float_normalized", "float_normalized",
                "A float feature, standardized",
                "Numbers standardized with the mean and variance `adapt()` finds, "
                "`(x - mean) / sqrt(var)` (a `layer_normalization()`; the variance divides "
                'by n). The feature type `"float_normalized"`.'),
    FeatureKind("feature_float_discretized", "float_discretized",
                "A float feature, binned",
                "Numbers cut into bins (a `layer_discretization()`): given `bin_boundaries`, "
                "or `num_bins` bins of equal counts that `adapt()` finds. By default the "
                "bin is one-hot encoded: column `j` of its block is bin `j`, the lowest "
                'first. The feature type `"float_discretized"`.',
                (("num_bins", "Number of bins; leave it out (or `NULL`) when giving "
                              "`bin_boundaries`."),),
                instead_of=(("num_bins", "bin_boundaries"),), check=_check_fixed_bins),
    FeatureKind("feature_integer_categorical", "integer_categorical",
                "An integer feature, indexed",
                "Whole numbers as categories (a `layer_integer_lookup()` whose vocabulary "
                f"`adapt()` finds). {_CATEGORY} The feature type `\"integer_categorical\"`."),
    FeatureKind("feature_string_categorical", "string_categorical",
                "A string feature, indexed",
                "Strings (a character vector or a factor's labels) as categories (a "
                "`layer_string_lookup()` whose vocabulary `adapt()` finds). "
                f"{_CATEGORY} The feature type `\"string_categorical\"`."),
    FeatureKind("feature_integer_hashed", "integer_hashed", "An integer feature, hashed",
                "Whole numbers hashed into `num_bins` bins (a `layer_hashing()`; nothing to "
                f"adapt). {_HASHED} The feature type `\"integer_hashed\"`."),
    FeatureKind("feature_string_hashed", "string_hashed", "A string feature, hashed",
                "Strings hashed into `num_bins` bins (a `layer_hashing()`; nothing to "
                f"adapt). {_HASHED} The feature type `\"string_hashed\"`."),
    FeatureKind("feature_cross", "cross", "A cross of features",
                "Two or more features crossed: each combination of their (preprocessed) "
                "values is hashed into `crossing_dim` bins (a `layer_hashed_crossing()`). "
                "Give it in `crosses` of `layer_feature_space()`; its name there is the "
                'features\' names joined by `"_X_"`. One-hot encoded by default, '
                "`crossing_dim` columns wide."),
    FeatureKind("feature_custom", "feature", "A feature with a preprocessing layer of yours",
                "Any preprocessing layer (adapted by `adapt()` when it can be) for the "
                'values of one feature, e.g. `layer_text_vectorization(output_mode = "tf_idf")` '
                "for short texts.",
                (("output_mode", '`"float"` (the layer\'s output as it is, e.g. TF-IDF '
                                 'values), `"int"` (integer indices; the space needs '
                                 '`output_mode = "dict"`) or `"one_hot"` (integer indices '
                                 "one-hot encoded; only for Keras's lookup, hashing and "
                                 "discretization layers, whose number of indices is "
                                 "known)."),)),
)

# The specification functions' arguments, documented once.
ARG_DOCS: dict[str, str] = {
    "name": "Name of the feature's preprocessing layer (its name is `name` followed by "
            '"_preprocessor"); by default Keras makes one up.',
    "scale": "Factor the values are multiplied by.",
    "offset": "Number added after scaling.",
    "num_bins": "Number of bins.",
    "bin_boundaries": "Boundaries of the bins, increasing (then `num_bins` is not used and "
                      "there is nothing to adapt); `NULL` to adapt them.",
    "max_tokens": "Largest vocabulary size, the out-of-vocabulary terms included; `NULL` "
                  "for no limit.",
    "num_oov_indices": "Number of out-of-vocabulary indices (values not in the vocabulary "
                       "are hashed to one of them). They come first in the encoding.",
    "output_mode": '`"one_hot"` (a block of 0/1 columns, one per index) or `"int"` (the '
                   "index itself, as Keras numbers it: from 0, so that index `k` is column "
                   '`k + 1` of the one-hot block). With `"int"`, the space needs '
                   '`output_mode = "dict"`.',
    "feature_names": "Names of the features to cross (a character vector).",
    "crossing_dim": "Number of hash bins of the cross.",
    "dtype": 'Type of the feature\'s values, e.g. `"string"`, `"int32"` or `"float32"`.',
    "preprocessor": "The preprocessing layer, e.g. from `layer_text_vectorization()`.",
}

_RETURNS = ("A feature specification, for `features` (or, from `feature_cross()`, for "
            "`crosses`) of `layer_feature_space()`.")


def _as_names(v: Any, arg: str) -> Any:
    """A character vector of feature names (R's length-1 vector arrives as a string)."""
    if isinstance(v, str):
        return [v]
    if isinstance(v, np.ndarray):
        v = v.tolist()
    if isinstance(v, (list, tuple)) and all(isinstance(s, str) for s in v):
        return list(v)
    raise RkTypeError(f"`{arg}` must be a character vector of feature names.")


def _as_boundaries(v: Any, arg: str) -> Any:
    if v is None:
        return None
    items = np.asarray(v, dtype=np.float64).reshape(-1)
    return [float(i) for i in items]


# Arguments of the specifications (and the space) beyond args.ARG_RULES.
RULES: dict[str, A.Rule] = {
    **A.ARG_RULES,
    "feature_names": _as_names,
    "bin_boundaries": _as_boundaries,
    "scale": A.as_float,
    "offset": A.as_float,
}


def _docstring(kind: FeatureKind) -> str:
    lines = [kind.title + ".", "", kind.doc, "", "Args:"]
    own = dict(kind.own_docs)
    lines += [f"    {p.name}: {own.get(p.name, ARG_DOCS[p.name])}" for p in kind.params]
    return "\n".join(lines + ["", "Returns:", f"    {_RETURNS}"])


def feature_function(kind: FeatureKind) -> Callable[..., Any]:
    """The engine function of one specification: Keras's class method, R arguments."""
    method = getattr(FeatureSpace, kind.method)
    names = tuple(p.name for p in kind.params)

    def fn(*args: Any, **kwargs: Any) -> Any:
        given = A.bind(kind.r_name, names, args, kwargs)
        for arg, other in kind.instead_of:
            if given.get(other) is not None:
                given.setdefault(arg, None)
        unknown = [k for k in given if k not in names]
        if unknown:
            raise RkTypeError(f"{kind.r_name}() has no argument `{unknown[0]}`."
                              + suggest(unknown[0], list(names)))
        missing = [p.name for p in kind.params
                   if p.default is inspect.Parameter.empty and p.name not in given]
        if missing:
            raise RkValueError(f"{kind.r_name}(): `{missing[0]}` is required.")
        given = A.normalize(given, rules=RULES)
        if kind.check is not None:
            kind.check(given)
        if "preprocessor" in given:
            given["preprocessor"] = resolve(given["preprocessor"])
        try:
            return method(**given)
        except ValueError as e:
            raise RkValueError(f"{kind.r_name}(): {e}") from None

    fn.__name__ = fn.__qualname__ = kind.r_name
    fn.__doc__ = _docstring(kind)
    fn.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [p.replace(kind=inspect.Parameter.POSITIONAL_OR_KEYWORD) for p in kind.params])
    return fn


FEATURES: dict[str, Callable[..., Any]] = {k.r_name: feature_function(k) for k in KINDS}


# -- data ----------------------------------------------------------------------------------

def _kind_of(dtype: Any) -> str:
    """"string", "int" or "float": what a feature's declared dtype asks of its values."""
    name = str(getattr(dtype, "name", dtype))
    if name in ("string", "str") or "string" in name:
        return "string"
    if name.startswith(("int", "uint")):
        return "int"
    return "float"


def _strings(v: Any, where: str) -> np.ndarray:
    if isinstance(v, RFactor):
        codes = np.asarray(v.codes, dtype=np.float64)
        if np.isnan(codes).any():
            raise RkValueError(f"{where} has NA values: a string feature needs a label for "
                               f"every sample.")
        return np.array(v.labels(), dtype=str)
    if isinstance(v, str):
        return np.array([v])
    if isinstance(v, (list, tuple)) and all(isinstance(s, str) for s in v):
        return np.array(list(v), dtype=str)
    if isinstance(v, np.ndarray) and v.dtype.kind in "US":
        return np.array(v.reshape(-1, order="F") if v.ndim > 1 else v, dtype=str)
    if isinstance(v, np.ndarray) and v.dtype.kind == "O" and \
            all(isinstance(s, str) for s in v.reshape(-1)):
        return v.astype(str)
    raise RkTypeError(f"{where} must be a character vector or a factor: its feature is a "
                      f"string feature.")


_KIND = {"int": "an integer", "float": "a float"}


def _numbers(v: Any, where: str, kind: str) -> np.ndarray:
    if isinstance(v, RFactor):
        raise RkTypeError(f"{where} is a factor: give its feature as a string feature "
                          f"(e.g. \"string_categorical\"), or convert it with as.integer().")
    arr = np.asarray(v)
    if arr.dtype.kind == "b":  # R logicals: 0 and 1
        arr = arr.astype(np.int32)
    if arr.dtype.kind not in "iuf":
        raise RkTypeError(f"{where} must be numeric: its feature is {_KIND[kind]} feature.")
    arr = np.array(arr.reshape(-1) if arr.ndim == 0 else arr, copy=True)
    if arr.dtype.kind == "f" and not np.all(np.isfinite(arr)):
        raise RkValueError(f"{where} has NA, NaN or infinite values.")
    if kind == "int":
        if arr.dtype.kind == "f":
            if not np.all(arr == np.round(arr)):
                raise RkValueError(f"{where} must hold whole numbers: its feature is an "
                                   f"integer feature.")
        return arr.astype(np.int64)
    return arr.astype(np.float32)


def _column(v: Any, dtype: Any, where: str) -> Any:
    if is_tensor(v):  # Keras's preprocessing casts and checks tensors itself
        return v
    kind = _kind_of(dtype)
    if kind == "string":
        return _strings(v, where)
    if isinstance(v, str) or (isinstance(v, (list, tuple)) and v
                              and all(isinstance(s, str) for s in v)):
        raise RkTypeError(f"{where} is a character vector: its feature is {_KIND[kind]} "
                          f"feature.")
    return _numbers(v, where, kind)


def _named_columns(data: Any, arg: str) -> dict[str, Any] | None:
    """A named list, an R or pandas data frame -> {name: values}; None for anything else."""
    if isinstance(data, RDataFrame):
        return dict(zip(data.names, data.columns))
    if type(data).__module__.startswith("pandas") and hasattr(data, "columns"):
        return {str(c): data[c].to_numpy() for c in data.columns}
    if isinstance(data, dict):
        return dict(data)
    return None


def _is_dataset(x: Any) -> bool:
    return isinstance(x, tf.data.Dataset)


def as_columns(space: Any, data: Any, arg: str = "data") -> dict[str, Any]:
    """The space's features of `data` (a named list or a data frame), each as the type its
    specification declares (tensors as they are); other elements are left out, a missing
    one is an error."""
    cols = _named_columns(data, arg)
    if cols is None:
        raise RkTypeError(f"`{arg}` must be a named list of vectors (one per feature), a "
                          f"data frame or a TensorFlow dataset, not {type(data).__name__}.")
    missing = [n for n in space.features if n not in cols]
    if missing:
        raise RkValueError(f"`{arg}` has no element \"{missing[0]}\", a feature of the space."
                           + suggest(missing[0], list(cols)))
    out = {n: _column(cols[n], space.features[n].dtype, f"`{arg}${n}`")
           for n in space.features}
    rows = {n: len(v) for n, v in out.items() if not is_tensor(v)}
    if len(set(rows.values())) > 1:
        detail = ", ".join(f"{n}: {r}" for n, r in rows.items())
        raise RkValueError(f"The features of `{arg}` must have one value per sample, as "
                           f"many for each ({detail}).")
    return out


def _dataset_features(space: Any, ds: Any, arg: str) -> Any:
    """A dataset of named features (or of `list(features, targets)`) as the features only,
    each cast to the type its specification declares."""
    spec = ds.element_spec
    if isinstance(spec, tuple):
        if not spec or not isinstance(spec[0], dict):
            raise RkTypeError(f"`{arg}` must be a dataset of named features (a named list per "
                              f"element, or `list(features, targets)`).")
        ds = ds.map(lambda *parts: parts[0])
        spec = spec[0]
    if not isinstance(spec, dict):
        raise RkTypeError(f"`{arg}` must be a dataset of named features (a named list per "
                          f"element).")
    missing = [n for n in space.features if n not in spec]
    if missing:
        raise RkValueError(f"`{arg}` has no feature \"{missing[0]}\"."
                           + suggest(missing[0], list(spec)))
    casts = {}
    for name, feature in space.features.items():
        want, have = _kind_of(feature.dtype), spec[name].dtype
        if want == "int" and not have.is_integer:
            if have == tf.string:
                raise RkTypeError(f"Feature \"{name}\" of `{arg}` holds strings: it is an "
                                  f"integer feature.")
            casts[name] = tf.int64
        elif want == "float" and have != tf.float32:
            if have == tf.string:
                raise RkTypeError(f"Feature \"{name}\" of `{arg}` holds strings: it is a "
                                  f"float feature.")
            casts[name] = tf.float32
        elif want == "string" and have != tf.string:
            raise RkTypeError(f"Feature \"{name}\" of `{arg}` holds numbers: it is a string "
                              f"feature.")
    if casts:
        ds = ds.map(lambda x: {k: (tf.cast(v, casts[k]) if k in casts else v)
                               for k, v in x.items()})
    return ds


def _check_space(object: Any, what: str) -> Any:
    if not isinstance(object, FeatureSpace):
        raise RkTypeError(f"{what} needs a feature space (from layer_feature_space()), not "
                          f"{type(object).__name__}.")
    return object


def adapt_space(object: Any, data: Any, batch_size: Any = None, steps: Any = None,
                arg: str = "data") -> Any:
    """Adapt the preprocessing of every feature that has something to learn (vocabularies,
    means and variances, bin boundaries) to `data`: a named list, a data frame or a dataset
    of named features. Returns the space, changed in place."""
    space = _check_space(object, "adapt()")
    batch_size = A.as_positive_integer(batch_size, "batch_size")
    steps = A.as_positive_integer(steps, "steps")
    if _is_dataset(data):
        ds = _dataset_features(space, data, arg)
        if steps is not None:
            ds = ds.take(steps)
    else:
        if steps is not None:
            raise RkValueError("`steps` is for a dataset: give `batch_size` for a named list "
                               "or a data frame.")
        ds = tf.data.Dataset.from_tensor_slices(as_columns(space, data, arg)).batch(
            batch_size or 32)
    space.adapt(ds)
    return space


def _as_r_result(x: Any) -> Any:
    if isinstance(x, dict):
        return {k: _as_r_result(v) for k, v in x.items()}
    return np.asarray(x)


def apply_space(space: Any, data: Any) -> Any:
    """The encoded features of `data` (a named list or a data frame): an n x width matrix
    (`output_mode = "concat"`), or a named list of n-row matrices (`"dict"`); tensors for
    a named list of tensors (a dataset's element, or inside dataset_map())."""
    if _is_dataset(data):
        raise RkTypeError("A feature space is called on a named list of vectors or a data "
                          "frame; to encode a dataset, map it with the space in Python "
                          "(`dataset.map(space)`).")
    cols = as_columns(space, data, "object")
    # tensors (an element of a dataset, or inside dataset_map()) give tensors, as in keras3
    given_tensors = any(is_tensor(v) for v in cols.values())
    try:
        out = space(cols)
    except ValueError as e:
        if "adapt" in str(e):
            raise RkValueError("The feature space has not been adapted: call adapt(space, "
                               "data) (or give the data as `object` of "
                               "layer_feature_space()) before using it.") from None
        raise
    return out if given_tensors else _as_r_result(out)


# -- the space -----------------------------------------------------------------------------

FEATURE_TYPES = ("float", "float_rescaled", "float_normalized", "float_discretized",
                 "integer_categorical", "string_categorical", "integer_hashed",
                 "string_hashed")


def _features(features: Any) -> dict[str, Any]:
    if not isinstance(features, dict) or not features:
        raise RkTypeError("`features` must be a named list: feature names to their type "
                          '(e.g. `list(age = "float_normalized", city = '
                          '"string_categorical")`) or a feature_*() specification.')
    out = {}
    for name, spec in features.items():
        spec = A.scalar(spec)
        if isinstance(spec, str) and spec not in FEATURE_TYPES:
            raise RkValueError(f"`features${name}` is \"{spec}\", not a feature type; the "
                               f"types are {', '.join(FEATURE_TYPES)}."
                               + suggest(spec, list(FEATURE_TYPES)))
        if not isinstance(spec, (str, Feature)):
            raise RkTypeError(f"`features${name}` must be a feature type (a string) or a "
                              f"feature_*() specification.")
        out[str(name)] = spec
    return out


def _crosses(crosses: Any, names: list[str]) -> Any:
    """`list(c("a", "b"), feature_cross(...))`; one character vector is one cross."""
    if crosses is None:
        return None
    if isinstance(crosses, (str, Cross)):
        crosses = [crosses]
    if isinstance(crosses, np.ndarray):
        crosses = [crosses.tolist()]
    items = list(crosses)
    if items and all(isinstance(s, str) for s in items):
        items = [items]
    out = []
    for i, c in enumerate(items):
        if isinstance(c, Cross):
            unknown = [n for n in c.feature_names if n not in names]
        else:
            c = _as_names(c, f"crosses[[{i + 1}]]")
            unknown = [n for n in c if n not in names]
        if unknown:
            raise RkValueError(f"`crosses[[{i + 1}]]` names \"{unknown[0]}\", which is not "
                               f"one of `features`." + suggest(unknown[0], names))
        out.append(c)
    return out


def _skip_fixed_bins(space: Any) -> None:
    """Keras's FeatureSpace adapts every preprocessor that has an adapt() method, also a
    discretization with fixed `bin_boundaries`, which then fails: this space leaves those
    out (as Keras itself leaves out a normalization with a given mean)."""
    adaptable = adaptable_preprocessors(space)

    def without_fixed_bins() -> list[str]:
        return [n for n in adaptable()
                if not (isinstance(space.preprocessors[n], keras.layers.Discretization)
                        and space.preprocessors[n].num_bins is None)]
    set_adaptable_preprocessors(space, without_fixed_bins)


def layer_feature_space(object: Any = None, features: Any = None, output_mode: Any = "concat",
                        crosses: Any = None, crossing_dim: Any = 32, hashing_dim: Any = 32,
                        num_discretization_bins: Any = 32, name: Any = None,
                        feature_names: Any = None) -> Any:
    """One layer that preprocesses and encodes structured data (a feature space).

    Each named feature gets its own preprocessing (standardizing, rescaling, binning,
    indexing or hashing, as its type says), optionally crosses of features, and the
    encodings are put side by side. Before it is used, `adapt()` it to data (or give the
    data as `object`), so that it learns vocabularies, means and variances and bin
    boundaries. Called on a named list of vectors or a data frame with those features
    (`space(data)`), it returns an n x width matrix of the encoded features, one row per
    sample: the features in the order of their sorted names, then the crosses in the order
    of theirs, each feature's block as its specification says (one column for a float
    feature; for a one-hot encoded feature, column `j` of its block is the `j`-th term of
    `get_vocabulary()` of its preprocessor, `space$preprocessors$name`). Elements of the data
    that are not features (a target column) are left out. For a functional model,
    `space$get_inputs()` and `space$get_encoded_features()` give the inputs and the
    encoded tensor (fit() and predict() take numeric inputs only: with string features,
    train on `space(data)` instead). keras3 calls the space on `object` instead, which only works for a
    space with nothing to adapt; here `object` is adapted to.

    Args:
        object: Data to adapt the space to (a named list of vectors, a data frame, or a
            TensorFlow dataset of named features, e.g. from
            `tf$data$Dataset$from_tensor_slices()`); the adapted space is returned. Missing,
            the space is returned as it is, to be adapted with `adapt()`.
        features: A named list: each feature's name and its type, a string (`"float"`,
            `"float_rescaled"`, `"float_normalized"`, `"float_discretized"`,
            `"integer_categorical"`, `"string_categorical"`, `"integer_hashed"`,
            `"string_hashed"`, with their default arguments) or a specification from a
            `feature_*()` function.
        output_mode: `"concat"` (one matrix, the encodings side by side) or `"dict"` (a
            named list with each feature's encoding, and each cross's).
        crosses: Features to cross: a list of character vectors of feature names (one
            character vector for one cross), or of `feature_cross()` specifications.
        crossing_dim: Number of hash bins of a cross given by feature names.
        hashing_dim: Number of hash bins of the features given as `"integer_hashed"` or
            `"string_hashed"`.
        num_discretization_bins: Number of bins of the features given as
            `"float_discretized"`.
        name: Name of the layer.
        feature_names: Another name of `features`: keras3 documents the argument by the
            name Keras's own documentation uses.

    Returns:
        The feature space (a layer), adapted to `object` if it was given.
    """
    if feature_names is not None:
        if features is not None:
            raise RkTypeError("Give `features` or `feature_names` (another name of it), not "
                              "both.")
        features = feature_names
    if features is None:
        raise RkValueError("`features` is required: a named list of the features' types.")
    feats = _features(features)
    kwargs = A.normalize({"crossing_dim": crossing_dim, "hashing_dim": hashing_dim,
                          "num_discretization_bins": num_discretization_bins}, rules=RULES)
    mode = A.scalar(output_mode)
    if mode not in ("concat", "dict"):
        raise RkValueError(f'`output_mode` must be "concat" or "dict", not {A._show(mode)}.')
    try:
        space = FeatureSpace(feats, output_mode=mode, crosses=_crosses(crosses, list(feats)),
                             name=None if name is None else str(A.scalar(name)), **kwargs)
    except ValueError as e:
        raise RkValueError(f"layer_feature_space(): {e}") from None
    _skip_fixed_bins(space)
    if object is None:
        return space
    if isinstance(object, keras.Model) or isinstance(object, keras.KerasTensor) or \
            tf.is_tensor(object):
        raise RkTypeError("A feature space is not added to a model or applied to tensors: "
                          "give data to adapt it to as `object`, and use "
                          "space$get_inputs() and space$get_encoded_features() to build a "
                          "functional model.")
    return adapt_space(space, object, arg="object")


EXPORTS: dict[str, Callable[..., Any]] = {"layer_feature_space": layer_feature_space,
                                          **FEATURES}


def exported() -> dict[str, Callable[..., Any]]:
    return dict(EXPORTS)
