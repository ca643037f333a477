"""Layer wrappers, built from one declarative table.

`LAYERS` maps each R name (`layer_dense`) to a `LayerSpec` derived from the public classes of
`keras.layers`; `layer_function()` turns a spec into the object-first function of
CONVENTIONS.md section 3. Nothing here is written per layer except the exceptions in
`naming.py` and `SKIPPED`.
"""
from __future__ import annotations

import inspect
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from . import args as A
from . import axes as AX
from .._keras import keras, ops
from ..errors import RkTypeError, RkValueError
from .. import keras_internals as KI
from ..values import is_tensor, owned, resolve
from .naming import (Keras2Alias, alias_params, apply_alias, layer_r_name, with_keras2_aliases,
                     with_keras3_names)

# Public classes with no R function, and why.
SKIPPED: dict[str, str] = {
    "Layer": "base class: subclass it (new_layer_class) instead",
    "InputSpec": "not a layer: a description of inputs",
    "InputLayer": "created by layer_input() / input_shape =",
    "Wrapper": "abstract base class of bidirectional()/time_distributed()",
    "FlaxLayer": "needs the JAX backend; rkbridge runs on TensorFlow",
    "JaxLayer": "needs the JAX backend; rkbridge runs on TensorFlow",
    "TorchModuleWrapper": "needs the PyTorch backend; rkbridge runs on TensorFlow",
}

# Arguments every layer accepts on top of its class's own: where the input comes from.
INPUT_ARGS = ("input_shape", "batch_size", "batch_input_shape", "input_dim", "input_length")

# Defaults the R interfaces to Keras give where Keras requires the argument (the keras 2.x R
# interface's, where keras3 makes it required too): class -> {argument: default}.
# tests/testthat/test-k2b.R checks each.
R_DEFAULTS: dict[str, dict[str, Any]] = {
    "AveragePooling1D": {"pool_size": 2},
    "AveragePooling2D": {"pool_size": (2, 2)},
    "AveragePooling3D": {"pool_size": (2, 2, 2)},
}

# keras 2.x R defaults that differ from Keras 3's (and keras3's): Keras's stay, as
# CONVENTIONS section 8 says, and the argument's documentation names the keras 2.x value
# (tools/generate_r.py). class -> {argument: (keras 2.x default, which keras 2.x versions)}.
KERAS2_OTHER_DEFAULTS: dict[str, dict[str, tuple[Any, str]]] = {
    **{cls: {"recurrent_activation": ("hard_sigmoid", "all")}
       for cls in ("ConvLSTM1D", "ConvLSTM2D", "ConvLSTM3D")},
    "GRU": {"recurrent_activation": ("hard_sigmoid", "up to 2.6"),
            "reset_after": (False, "up to 2.6")},
    "LSTM": {"recurrent_activation": ("hard_sigmoid", "up to 2.6")},
}

# Cells have no `object`: `layer_gru_cell(4)` is 4 units, in both R interfaces.
CELLS = ("GRUCell", "LSTMCell", "SimpleRNNCell", "StackedRNNCells")


@dataclass(frozen=True)
class LayerSpec:
    r_name: str
    cls: type
    params: tuple[inspect.Parameter, ...] = field(default=())  # the Keras class's
    alias: Keras2Alias | None = None  # a keras 2.x name built from another layer

    @property
    def param_names(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.params)

    @property
    def shown_params(self) -> tuple[inspect.Parameter, ...]:
        """The wrapper's own arguments, in order: the alias's and R's defaults applied."""
        return alias_params(self.params, self.alias, R_DEFAULTS.get(self.cls.__name__))

    @property
    def is_merge(self) -> bool:
        """Merge layers take their inputs as separate arguments too: `layer_add(a, b)`."""
        return issubclass(self.cls, MERGE_BASE)

    @property
    def is_cell(self) -> bool:
        return self.cls.__name__ in CELLS


def _init_params(cls: type) -> tuple[inspect.Parameter, ...]:
    try:
        sig = inspect.signature(cls.__init__)
    except (TypeError, ValueError):
        return ()
    return tuple(p for p in sig.parameters.values()
                 if p.name != "self" and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD))


def _discover() -> dict[str, LayerSpec]:
    specs: dict[str, LayerSpec] = {}
    classes = {getattr(keras.layers, n) for n in dir(keras.layers) if not n.startswith("_")}
    # Aliases (MaxPool2D for MaxPooling2D) count once: the R name comes from the class's own
    # name, also when Keras exports the class only under another (GroupQueryAttention).
    for cls in sorted((c for c in classes if inspect.isclass(c)), key=lambda c: c.__name__):
        if cls.__name__ in SKIPPED:
            continue
        r_name = layer_r_name(cls.__name__)
        specs[r_name] = LayerSpec(r_name, cls, _init_params(cls))
    return specs


MERGE_BASE: type = KI.merge_layer_base()

LAYERS: dict[str, LayerSpec] = with_keras2_aliases(with_keras3_names(_discover()))


# -- object-first composition -------------------------------------------------------------

def _is_symbolic(x: Any) -> bool:
    return is_tensor(x) or isinstance(x, keras.Variable)


def _is_tensor_input(x: Any) -> bool:
    if isinstance(x, (list, tuple)):
        return len(x) > 0 and all(_is_tensor_input(i) for i in x)
    if isinstance(x, dict):  # a named list: the inputs of a model with named inputs
        return len(x) > 0 and all(_is_tensor_input(i) for i in x.values())
    return _is_symbolic(x) or isinstance(x, np.ndarray)


def layer_input_value(obj: Any, x: Any) -> Any:
    """The first argument of a layer or model called from R with more arguments
    (`model(1, training = TRUE)`): an R number is an input like an array (Keras takes only
    tensors by position)."""
    if (isinstance(obj, keras.layers.Layer) and isinstance(x, (int, float))
            and not isinstance(x, bool)):
        return np.asarray(x)
    return x


def _as_call_input(x: Any) -> Any:
    if isinstance(x, (list, tuple)):
        return [_as_call_input(i) for i in x]
    if isinstance(x, dict):
        return {k: _as_call_input(v) for k, v in x.items()}
    if isinstance(x, np.ndarray):
        return ops.convert_to_tensor(owned(x))
    return x


def _sequential_is_empty(model: keras.Sequential) -> bool:
    return len(KI.sequential_layers(model)) == 0


def forget_compiled_functions(model: Any) -> None:
    """Keras keeps the traced train/test/predict functions after the layers change; drop
    them so that the next fit()/predict() uses the model as it is now."""
    for attr in ("train_function", "test_function", "predict_function"):
        if getattr(model, attr, None) is not None:
            setattr(model, attr, None)


def add_to_sequential(model: keras.Sequential, layer: Any) -> keras.Sequential:
    """Add `layer` to `model`, first adding the Input its `input_shape =` asked for."""
    wanted = getattr(layer, "_rk_input", None)
    if wanted is not None and _sequential_is_empty(model):
        shape, batch_size, dtype = wanted
        model.add(keras.Input(shape=shape, batch_size=batch_size, dtype=dtype))
    model.add(layer)
    forget_compiled_functions(model)
    return model


def compose(object: Any, layer: Any) -> Any:
    """CONVENTIONS.md 3: nothing -> the layer; a Sequential model -> add to it (returned);
    a tensor, an array, a number or a list of them -> apply the layer and return the
    output."""
    if object is None:
        return layer
    if isinstance(object, keras.Sequential):
        return add_to_sequential(object, layer)
    if isinstance(object, str) or (isinstance(object, (list, tuple)) and object
                                   and all(isinstance(s, str) for s in object)):
        # an R character vector: the input of a text or string lookup layer. A single
        # string is a scalar, as in both R interfaces (reticulate passes a Python str).
        object = np.array(object if isinstance(object, str) else list(object), dtype=str)
    if isinstance(object, (int, float)) and not isinstance(object, bool):
        object = np.asarray(object)  # an R number: `layer(1)` applies the layer to it
    if _is_tensor_input(object):
        return layer(_as_call_input(object))
    raise RkTypeError(
        "`object` must be a Sequential model, a tensor (from layer_input()) or a (named) list "
        f"of tensors, not {type(object).__name__}.")


def _input_request(spec: LayerSpec, kwargs: dict[str, Any]) -> tuple | None:
    """Pop the input-shape arguments (`input_shape`, legacy `batch_input_shape`, `input_dim`,
    `input_length`) into (shape, batch_size, dtype) for the Input a Sequential model needs."""
    own = set(spec.param_names)
    shape = kwargs.pop("input_shape", None)
    batch_size = kwargs.pop("batch_size", None) if "batch_size" not in own else None
    batch_input_shape = kwargs.pop("batch_input_shape", None)
    if "input_dim" not in own and kwargs.get("input_dim") is not None:
        shape = (A.as_integer(kwargs.pop("input_dim"), "input_dim"),)
    if "input_length" not in own and "input_length" in kwargs:
        length = kwargs.pop("input_length")
        if length is not None:
            A.deprecated("input_length", "input_shape = c(input_length)")
            shape = (A.as_integer(length, "input_length"),)
    if batch_input_shape is not None:
        full = A.as_shape(batch_input_shape, "batch_input_shape")
        batch_size, shape = full[0], full[1:]
    if shape is None:
        return None
    dtype = kwargs.get("dtype") if isinstance(kwargs.get("dtype"), str) else None
    return (A.as_shape(shape, "input_shape"), A.as_integer(batch_size, "batch_size"), dtype)


def make_layer(spec: LayerSpec, kwargs: dict[str, Any]) -> Any:
    kwargs = apply_alias(spec.r_name, spec.alias, kwargs, R_DEFAULTS.get(spec.cls.__name__))
    wanted = _input_request(spec, kwargs)
    kwargs, own_rule = AX.convert(spec.r_name, kwargs)
    kwargs = _resolve_named(A.normalize(kwargs, skip=own_rule))
    for sub in ("layer", "backward_layer", "cell"):  # wrappers take a layer argument
        if sub in kwargs and isinstance(kwargs[sub], np.ndarray):
            raise RkTypeError(f"`{sub}` must be a layer.")
    try:
        layer = spec.cls(**kwargs)
    except TypeError as e:
        unknown = [k for k in kwargs if k not in spec.param_names]
        if unknown and "argument" in str(e):
            raise RkTypeError(f"{spec.r_name}() has no argument `{unknown[0]}`.") from None
        raise
    if wanted is not None:
        layer._rk_input = wanted
    return layer


def _resolve_named(kwargs: dict[str, Any]) -> dict[str, Any]:
    """R wrappers passed uncalled (`activation = activation_relu`, `kernel_regularizer =
    regularizer_l2`) mean the Keras function or the default object."""
    return {k: resolve(v) for k, v in kwargs.items()}


def _merge_call(spec: LayerSpec, names: tuple[str, ...], args: tuple,
                kwargs: dict[str, Any]) -> Any:
    """`layer_add(a, b)`, `layer_add(list(a, b))`, `layer_add(inputs = list(a, b))`,
    `layer_concatenate(a, b, axis = 2)`, and `layer_add()` for the layer: leading tensors
    are inputs; the arguments after them bind in the layer's order (keras 2.x's
    `layer_concatenate(list(a, b), -1)`)."""
    given = [kwargs.pop(k) for k in ("inputs", "object") if k in kwargs]
    if len(given) > 1:
        raise RkTypeError(f"{spec.r_name}(): give `inputs` or `object`, not both.")
    args = list(args)
    first = given[0] if given else (args.pop(0) if args and _is_tensor_input(args[0])
                                    else None)
    # After a list of inputs, a number or vector is the next argument (keras 2.x:
    # `layer_dot(list(a, b), c(2, 2))`); after one tensor, so are the further tensors.
    is_more = _is_symbolic if isinstance(first, (list, tuple)) else _is_tensor_input
    more = []
    while args and not isinstance(args[0], (list, tuple)) and is_more(args[0]):
        more.append(args.pop(0))
    if more:
        if first is None:
            raise RkTypeError(f"{spec.r_name}(): the inputs are missing.")
        first = (list(first) if isinstance(first, (list, tuple)) else [first]) + more
    bound = A.bind(spec.r_name, names, tuple(args), kwargs)
    layer = make_layer(spec, dict(bound))
    try:
        return compose(first, layer)
    except ValueError as e:  # Keras's shape check: say how the axis was read
        hint = AX.keras2_hint(spec.r_name, bound)
        if not hint:
            raise
        raise RkValueError(f"{e}{hint}") from None


def layer_function(spec: LayerSpec) -> Callable[..., Any]:
    names = tuple(p.name for p in spec.shown_params)

    if spec.is_merge:
        def fn(*args: Any, **kwargs: Any) -> Any:
            return _merge_call(spec, names, args, kwargs)
    elif spec.is_cell:
        def fn(*args: Any, **kwargs: Any) -> Any:
            return make_layer(spec, A.bind(spec.r_name, names, args, kwargs))
    else:
        def fn(object: Any = None, *args: Any, **kwargs: Any) -> Any:
            return compose(object, make_layer(spec, A.bind(spec.r_name, names, args,
                                                           kwargs)))

    fn.__name__ = fn.__qualname__ = spec.r_name
    fn.__doc__ = (f"Create a `keras.layers.{spec.cls.__name__}` layer and compose it with "
                  f"`object` (a Sequential model, a tensor, or nothing).\n\n"
                  + (inspect.getdoc(spec.cls) or ""))
    first = "inputs" if spec.is_merge else None if spec.is_cell else "object"
    params = [inspect.Parameter(first, inspect.Parameter.POSITIONAL_OR_KEYWORD, default=None)
              ] if first else []
    params += [p.replace(kind=inspect.Parameter.POSITIONAL_OR_KEYWORD) if
               p.kind != inspect.Parameter.KEYWORD_ONLY else p for p in spec.shown_params]
    params += [inspect.Parameter(n, inspect.Parameter.KEYWORD_ONLY, default=None)
               for n in INPUT_ARGS if n not in names]
    try:
        fn.__signature__ = inspect.Signature(_valid_order(params))
    except ValueError:
        pass
    return fn


def _valid_order(params: list[inspect.Parameter]) -> list[inspect.Parameter]:
    """Keras signatures sometimes put required arguments after optional ones; make the
    documented signature valid by giving those a default of None-as-required."""
    out, seen_default = [], False
    for p in params:
        if p.kind == p.POSITIONAL_OR_KEYWORD:
            if p.default is p.empty and seen_default:
                p = p.replace(default=None)
            seen_default = seen_default or p.default is not p.empty
        out.append(p)
    return out


def layer_input(shape: Any = None, batch_size: Any = None, dtype: Any = None,
                sparse: Any = None, name: Any = None, tensor: Any = None,
                batch_shape: Any = None, ragged: Any = None, optional: bool = False) -> Any:
    """A symbolic input tensor for a functional model (`keras.Input`)."""
    kw = A.normalize({"shape": shape, "batch_size": batch_size, "batch_shape": batch_shape})
    return keras.Input(shape=kw["shape"], batch_size=kw["batch_size"], dtype=dtype,
                       sparse=A.as_bool(sparse), name=name, tensor=tensor,
                       batch_shape=kw["batch_shape"], ragged=A.as_bool(ragged),
                       optional=optional)


def exported() -> dict[str, Callable[..., Any]]:
    return {name: layer_function(spec) for name, spec in LAYERS.items()}
