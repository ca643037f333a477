"""keras3's serialization registry, model state and dataset utilities (`keras.saving.*`,
`keras.utils.*`, `keras.Model.get_state_tree()`/`quantize()`/`export()`), by their keras3 R
names, and keras 2.x objects Keras 3 lacks (metric_mean_relative_error(),
metric_mean_tensor(), callback_progbar_logger()). `EXPORTS` is the table the API takes them
from; the R functions in R/keras3-utils.R forward to them.
"""
from __future__ import annotations

import warnings
from typing import Any, Callable

import numpy as np

from ..wrappers import args as A
from .._keras import keras
from ..wrappers.applications import PREPROCESSORS, _helper_function
from ..errors import RkTypeError, RkValueError
from .saving import _custom

from ..keras_internals import register_custom_object, state_tree, unregister_custom_object

_OWN = "rkbridge"  # the package of the engine's own registered objects


# -- the custom object registry -------------------------------------------------------------

def get_custom_objects() -> dict[str, Any]:
    """The registered custom objects, by their registered name ("package>name")."""
    return dict(keras.saving.get_custom_objects())


def set_custom_objects(objects: Any = None, clear: Any = True) -> dict[str, Any]:
    """Replace (`clear = TRUE`) or extend the registry with `objects` (a named list, as
    get_custom_objects() returns); the registry as it was before. rkbridge's own entries
    ("rkbridge>...": keras 2.x functions saved models name) stay."""
    before = dict(keras.saving.get_custom_objects())
    if A.as_bool(clear, "clear"):
        for key in before:
            if not key.startswith(f"{_OWN}>"):
                unregister_custom_object(key)
    for name, obj in (_custom(objects) or {}).items():
        # both tables, as register_keras_serializable() fills them (names map back)
        register_custom_object(name, obj)
    return before


def register_keras_serializable(object: Any, name: Any = None, package: Any = None) -> Any:
    """Register a class or function under "package>name" (package "Custom" by default, name
    the object's own); returns `object`."""
    package = "Custom" if package is None else str(A.scalar(package))
    name = None if name is None else str(A.scalar(name))
    if name is None and not isinstance(getattr(object, "__name__", None), str):
        raise RkValueError("`name` is needed: `object` has no name of its own.")
    if isinstance(object, type) and not hasattr(object, "get_config"):
        raise RkTypeError("`object` must be a class with a get_config() method, or a function.")
    if name is not None and callable(object) and not isinstance(object, type) and \
            getattr(object, "__name__", None) == "r_function":
        object.__name__ = object.__qualname__ = name  # an R function: known by its R name
    return keras.saving.register_keras_serializable(package=package, name=name)(object)


def get_registered_name(obj: Any) -> str:
    """The name `obj` is registered under, or its own name when it is not registered."""
    return keras.saving.get_registered_name(obj)


def get_registered_object(name: Any, custom_objects: Any = None,
                          module_objects: Any = None) -> Any:
    """The class or function registered under `name` (also looked up in `custom_objects` and
    `module_objects`), or `NULL`."""
    return keras.saving.get_registered_object(str(A.scalar(name)),
                                              custom_objects=_custom(custom_objects),
                                              module_objects=_custom(module_objects))


def serialize_keras_object(obj: Any) -> Any:
    """The full config of a Keras object (class_name, module, config, registered_name)."""
    return keras.saving.serialize_keras_object(obj)


def deserialize_keras_object(config: Any, custom_objects: Any = None, safe_mode: Any = True,
                             **kwargs: Any) -> Any:
    """The object a serialize_keras_object() config describes."""
    if not isinstance(config, (dict, str)):
        raise RkTypeError("`config` must be a named list, as serialize_keras_object() returns.")
    return keras.saving.deserialize_keras_object(config, custom_objects=_custom(custom_objects),
                                                 safe_mode=A.as_bool(safe_mode, "safe_mode"),
                                                 **kwargs)


_SCOPES: list[Any] = []


def custom_object_scope_enter(objects: Any = None) -> int:
    """Enter a custom object scope (with_custom_object_scope()); its depth, for the exit."""
    scope = keras.saving.CustomObjectScope(_custom(objects) or {})
    scope.__enter__()
    _SCOPES.append(scope)
    return len(_SCOPES)


def custom_object_scope_exit(depth: Any) -> None:
    """Leave the scopes entered at `depth` and deeper (innermost first)."""
    depth = A.as_integer(depth, "depth")
    while len(_SCOPES) >= depth and _SCOPES:
        _SCOPES.pop().__exit__(None, None, None)


# -- tensors and variables --------------------------------------------------------------

def get_source_inputs(tensor: Any) -> list[Any]:
    """The input tensors needed to compute the symbolic `tensor`, as a list."""
    return list(keras.utils.get_source_inputs(tensor))


def keras_variable(initializer: Any, shape: Any = None, dtype: Any = None,
                   trainable: Any = True, autocast: Any = True, aggregation: Any = "none",
                   name: Any = None) -> Any:
    """A `keras.Variable` holding `initializer` (an array, or an initializer with `shape`)."""
    if isinstance(initializer, (int, float)) and not isinstance(initializer, bool) and \
            dtype is None:
        initializer = np.asarray(initializer, dtype=keras.config.floatx())
    elif isinstance(initializer, np.ndarray) and dtype is None and \
            initializer.dtype == np.float64:
        initializer = initializer.astype(keras.config.floatx())  # R doubles: the float type
    return keras.Variable(initializer, shape=A.as_shape(shape), dtype=dtype,
                          trainable=A.as_bool(trainable, "trainable"),
                          autocast=A.as_bool(autocast, "autocast"),
                          aggregation=str(A.scalar(aggregation)), name=name)


# -- datasets and images ------------------------------------------------------------------

def _size(v: Any, name: str) -> Any:
    """A fraction below 1, or a number of samples."""
    if v is None:
        return None
    v = A.scalar(v)
    return float(v) if 0 < float(v) < 1 else A.as_integer(v, name)


def split_dataset(dataset: Any, left_size: Any = None, right_size: Any = None,
                  shuffle: Any = False, seed: Any = None) -> tuple[Any, Any]:
    """Split an array, a list of arrays or a TF dataset into two datasets (sizes as
    fractions below 1 or numbers of samples); a list of the two."""
    return tuple(keras.utils.split_dataset(
        dataset, left_size=_size(left_size, "left_size"),
        right_size=_size(right_size, "right_size"), shuffle=A.as_bool(shuffle, "shuffle"),
        seed=None if seed is None else A.as_integer(seed, "seed")))


def image_from_array(x: Any, data_format: Any = None, scale: Any = True,
                     dtype: Any = None) -> Any:
    """A PIL image from a height x width x channels array (scaled to 0-255 by default)."""
    return keras.utils.array_to_img(np.asarray(x), data_format=data_format,
                                    scale=A.as_bool(scale, "scale"), dtype=dtype)


# -- model state --------------------------------------------------------------------------

def get_state_tree(object: Any, value_format: Any = "backend_tensor") -> dict[str, Any]:
    """The model's variables as nested named lists (trainable_variables,
    non_trainable_variables, optimizer_variables, metrics_variables); `value_format`
    "array" (or "numpy_array") gives arrays, "backend_tensor" tensors."""
    fmt = str(A.scalar(value_format))
    if fmt in ("array", "r_array"):
        fmt = "numpy_array"
    if fmt not in ("numpy_array", "backend_tensor"):
        raise RkValueError('`value_format` must be "backend_tensor", "numpy_array" or "array".')
    if getattr(object, "optimizer", None) is not None:
        return object.get_state_tree(fmt)
    # not compiled: Keras's own method fails on the missing optimizer; no optimizer variables
    return {"trainable_variables": state_tree(object, object.trainable_variables, fmt),
            "non_trainable_variables": state_tree(object, object.non_trainable_variables, fmt),
            "optimizer_variables": {},
            "metrics_variables": state_tree(object, object.metrics_variables, fmt)}


def _as_state(tree: Any, like: Any) -> Any:
    """R's arrays (doubles) as the dtype of the variable they go to; an R number or vector
    of the right size takes the variable's shape (a bias of 1 is a number in R)."""
    if isinstance(tree, dict):
        return {k: _as_state(v, like.get(k) if isinstance(like, dict) else None)
                for k, v in tree.items()}
    if like is not None and hasattr(like, "dtype"):
        value = np.asarray(tree, dtype=np.dtype(str(like.dtype)))
        if value.shape != like.shape and value.size == like.size and value.ndim <= 1:
            value = value.reshape(like.shape)
        return value
    return tree


def set_state_tree(object: Any, state_tree: Any) -> Any:
    """Assign the values of a state tree (as get_state_tree() returns) to the model's
    variables; returns the model (changed in place)."""
    if not isinstance(state_tree, dict):
        raise RkTypeError("`state_tree` must be a named list, as get_state_tree() returns.")
    object.set_state_tree(_as_state(state_tree, get_state_tree(object, "numpy_array")))
    return object


def quantize_weights(object: Any, mode: Any, **kwargs: Any) -> Any:
    """Quantize the weights of a built model or layer (`mode` "int8", "float8", ...); returns
    the model (changed in place)."""
    with warnings.catch_warnings():
        # Keras warns for each layer that has nothing to quantize (the input layer)
        warnings.filterwarnings("ignore", message=".*does not have a `quantize` method")
        object.quantize(str(A.scalar(mode)), **kwargs)
    return object


def export_savedmodel(object: Any, export_dir_base: Any, format: Any = "tf_saved_model",
                      verbose: Any = None, input_signature: Any = None, **kwargs: Any) -> Any:
    """Export the model for inference (a TensorFlow SavedModel directory by default);
    returns the model."""
    if verbose is not None:
        kwargs["verbose"] = A.as_bool(verbose, "verbose")
    if input_signature is not None:
        kwargs["input_signature"] = input_signature
    object.export(str(A.scalar(export_dir_base)), format=str(A.scalar(format)), **kwargs)
    return object


# -- keras 2.x objects that Keras 3 dropped ----------------------------------------------

@keras.saving.register_keras_serializable(package=_OWN)
class MeanRelativeError(keras.metrics.Mean):
    """keras 2.x's MeanRelativeError: the mean of `abs(y_pred - y_true) / normalizer`."""

    def __init__(self, normalizer: Any, name: str = "mean_relative_error",
                 dtype: Any = None) -> None:
        super().__init__(name=name, dtype=dtype)
        self.normalizer = np.asarray(normalizer, dtype=self.dtype)

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> Any:
        ops = keras.ops
        y_pred = ops.convert_to_tensor(y_pred, dtype=self.dtype)
        y_true = ops.reshape(ops.convert_to_tensor(y_true, dtype=self.dtype), ops.shape(y_pred))
        normalizer = ops.convert_to_tensor(self.normalizer, dtype=self.dtype)
        # a zero normalizer gives 0, as keras 2.x's div_no_nan()
        safe = ops.where(ops.equal(normalizer, 0), ops.ones_like(normalizer), normalizer)
        rel = ops.where(ops.equal(normalizer, 0), ops.zeros_like(safe),
                        ops.abs(y_pred - y_true) / safe)
        return super().update_state(rel, sample_weight=sample_weight)

    def get_config(self) -> dict[str, Any]:
        return {"normalizer": self.normalizer.tolist(), "name": self.name,
                "dtype": self.dtype}


def metric_mean_relative_error(normalizer: Any, name: Any = "mean_relative_error",
                               dtype: Any = None) -> Any:
    """Mean relative error: the mean of `abs(y_pred - y_true) / normalizer` over all
    values (keras 2.x's metric; Keras 3 has none). `normalizer` broadcasts against the
    predictions (one number, or a value per output)."""
    return MeanRelativeError(normalizer, name=str(A.scalar(name)), dtype=dtype)


@keras.saving.register_keras_serializable(package=_OWN)
class MeanTensor(keras.metrics.Metric):
    """keras 2.x's MeanTensor: the element-wise (weighted) mean of the tensors it is given,
    a tensor of their shape (`total / count`, element by element; 0 where a count is 0)."""

    def __init__(self, name: str = "mean_tensor", dtype: Any = None,
                 shape: Any = None) -> None:
        super().__init__(name=name, dtype=dtype)
        self._shape = None if shape is None else tuple(int(d) for d in shape)
        self.total = self.count = None
        if self._shape is not None:
            self._build(self._shape)

    def _build(self, shape: tuple[int, ...]) -> None:
        self._shape = tuple(shape)
        self.total = self.add_variable(shape=self._shape, initializer="zeros",
                                       dtype=self.dtype, name="total")
        self.count = self.add_variable(shape=self._shape, initializer="zeros",
                                       dtype=self.dtype, name="count")

    def update_state(self, values: Any, sample_weight: Any = None) -> None:
        ops = keras.ops
        values = ops.convert_to_tensor(values, dtype=self.dtype)
        if self.total is None:
            self._build(tuple(values.shape))
        elif tuple(values.shape) != self._shape:
            raise RkValueError(f"metric_mean_tensor(): the values have shape "
                               f"c({', '.join(map(str, values.shape))}) but the metric's is "
                               f"c({', '.join(map(str, self._shape))}): every update must "
                               f"have the same shape.")
        counts = ops.ones_like(values)
        if sample_weight is not None:
            weight = ops.convert_to_tensor(sample_weight, dtype=self.dtype)
            while len(weight.shape) < len(values.shape):  # weights per leading axes
                weight = ops.expand_dims(weight, -1)
            counts = counts * weight
            values = values * weight
        self.total.assign_add(values)
        self.count.assign_add(counts)

    def result(self) -> Any:
        if self.total is None:
            raise RkValueError("metric_mean_tensor() has no value yet: update it with "
                               "values first.")
        ops = keras.ops
        return ops.divide_no_nan(self.total, self.count)

    def reset_state(self) -> None:
        if self.total is not None:
            for v in (self.total, self.count):
                v.assign(keras.ops.zeros(self._shape, dtype=self.dtype))

    def get_config(self) -> dict[str, Any]:
        return {"name": self.name, "dtype": self.dtype, "shape": self._shape}


def metric_mean_tensor(shape: Any = None, name: Any = "mean_tensor",
                       dtype: Any = None) -> Any:
    """The element-wise (weighted) mean of the tensors it is given (keras 2.x's metric;
    Keras 3 has none): its result has their shape. `shape` fixes it (else the first
    values' shape is taken)."""
    return MeanTensor(name=str(A.scalar(name)), dtype=dtype,
                      shape=None if shape is None else A.as_shape(shape, "shape"))


def callback_progbar_logger(count_mode: Any = "samples", stateful_metrics: Any = None) -> Any:
    """keras 2.x's progress bar callback. fit() shows progress as `verbose =` says, with or
    without it: Keras 3's ProgbarLogger, which counts steps, prints at the verbosity fit()
    gives it. `count_mode` ("samples" or "steps") and `stateful_metrics` are accepted for
    keras 2.x scripts."""
    mode = str(A.scalar(count_mode))
    if mode not in ("samples", "steps"):
        raise RkValueError('`count_mode` must be "samples" or "steps".')
    return keras.callbacks.ProgbarLogger()


# -- applications' helpers, by model ------------------------------------------------------

def _helper_for(model: Any, helper: str) -> Callable[..., Any]:
    module = getattr(model, "_rk_application_module", None)
    if not isinstance(model, keras.Model):
        raise RkTypeError("`model` must be a Keras model made by an application_*() function.")
    prefix = "imagenet" if module == "imagenet_utils" else module
    name = f"{prefix}_{helper}"
    if module is None or name not in PREPROCESSORS:
        raise RkValueError("No preprocessing or decoding function is known for this model: "
                           "`model` must be made by an application_*() function in this "
                           "session.")
    return _helper_function(name, PREPROCESSORS[name])


def application_preprocess_inputs(model: Any, x: Any, data_format: Any = None,
                                  **kwargs: Any) -> Any:
    """`x` prepared as the application `model` expects (its module's preprocess_input())."""
    return _helper_for(model, "preprocess_input")(x, data_format=data_format, **kwargs)


def application_decode_predictions(model: Any, preds: Any, top: Any = 5,
                                   **kwargs: Any) -> Any:
    """The `top` ImageNet classes of each sample of `preds` (its module's
    decode_predictions())."""
    return _helper_for(model, "decode_predictions")(preds, top=top, **kwargs)


EXPORTS: dict[str, Callable[..., Any]] = {f.__name__: f for f in (
    get_custom_objects, set_custom_objects, register_keras_serializable, get_registered_name,
    get_registered_object, serialize_keras_object, deserialize_keras_object,
    custom_object_scope_enter, custom_object_scope_exit, get_source_inputs, keras_variable,
    split_dataset, image_from_array, get_state_tree, set_state_tree, quantize_weights,
    export_savedmodel, application_preprocess_inputs, application_decode_predictions,
    metric_mean_relative_error, metric_mean_tensor, callback_progbar_logger)}
