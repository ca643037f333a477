"""Keras classes defined in R: `Layer()`, `new_model_class()`, `KerasLayer` R6 classes, ...

`new_class()` builds a real Python subclass of a Keras base (`keras.layers.Layer`,
`keras.Model`, `keras.callbacks.Callback`, `keras.metrics.Metric`, `keras.losses.Loss`,
`keras.constraints.Constraint`, or another class, R-defined ones included) whose methods are
R functions. Each method keeps the R function's argument names as its Python signature,
because Keras reads them (`call(inputs, training)`, `build(input_shape)`). The class is
registered as a serializable Keras object under its own name, so models using it save, and
load again with `custom_objects = list(Name = <the class>)` or once the class is defined.

R methods run at trace time when Keras compiles a step with `tf.function` (graph mode) and
at every step with `run_eagerly`; either way on the thread that called Keras, which is R's
(`rfunctions.r_function` refuses other threads).
"""
from __future__ import annotations

import contextlib
import itertools
import keyword
import warnings
from typing import Any, Callable, Iterator, Mapping

from ..wrappers import args as A
from .._keras import keras, tf
from .callbacks import BATCH_HOOKS, EPOCH_HOOKS, HOOKS, plain_logs
from ..callables import is_r_function
from ..errors import RkCallbackError, RkError, RkTypeError, RkValueError
from ..keras_internals import inbound_nodes, keras_mask, node_tensors, register_custom_object

class KerasWrapper(keras.layers.Wrapper):
    """The base of keras 2.x `KerasWrapper` R6 classes: as there, `call()` and the output
    shape are the wrapped layer's unless the R class says otherwise (Keras 3's Wrapper
    leaves `call()` abstract)."""

    def call(self, inputs: Any, *args: Any, **kwargs: Any) -> Any:
        return self.layer(inputs, *args, **kwargs)

    def compute_output_shape(self, input_shape: Any) -> Any:
        return self.layer.compute_output_shape(input_shape)


BASES: dict[str, type] = {
    "layer": keras.layers.Layer,
    "wrapper": KerasWrapper,
    "model": keras.Model,
    "callback": keras.callbacks.Callback,
    "metric": keras.metrics.Metric,
    "loss": keras.losses.Loss,
    "constraint": keras.constraints.Constraint,
    "learning_rate_schedule": keras.optimizers.schedules.LearningRateSchedule,
    "object": object,  # a plain Python class (an R6 class inheriting nothing)
}

# R spellings of Python's special method names (R6 and keras3 conventions).
R_NAMES = {"initialize": "__init__", "finalize": "__del__"}


class RkMethodError(RkCallbackError):
    """An R error inside a method of an R-defined class. Keras re-raises errors from
    `call()` with its own text around them; `diagnose.translate()` finds this one again."""
    r_class = "rkbridge_method_error"


_MISSING = object()  # an R argument left to its R default


def _with_signature(name: str, formals: list[tuple[str, bool, bool]], dots: bool,
                    target: Callable[..., Any]) -> Callable[..., Any]:
    """A function `name(self, <R arguments>, **kwargs)` that calls `target(self, ...)` with
    the arguments it was given. A real signature, not `__signature__`: Keras copies a
    method's `__dict__` into wrappers (`functools.wraps`), where `self` would then remain.
    An R default of `NULL` is a default of None: Keras fills in such arguments only when they
    are None (`call(inputs, mask = NULL)` gets the mask of its input); other R defaults are
    left to R."""
    params, passed = ["self"], []
    optional = False
    for arg, has_default, null_default in formals:
        if arg == "self" or not arg.isidentifier() or keyword.iskeyword(arg):
            continue
        optional = optional or has_default  # Python needs defaults to the end; R does not
        default = "None" if null_default else "_MISSING"
        params.append(f"{arg}={default}" if optional else arg)
        passed.append(arg)
    if dots:
        params.append("**kwargs")
    given = ", ".join(f"({a!r}, {a})" for a in passed)
    src = (f"def {name}({', '.join(params)}):\n"
           f"    kw = {{k: v for k, v in ({given}{',' if len(passed) == 1 else ''}) "
           f"if v is not _MISSING}}\n"
           f"    {'kw.update(kwargs)' if dots else 'pass'}\n"
           f"    return _target(self, **kw)\n")
    scope: dict[str, Any] = {"_MISSING": _MISSING, "_target": target}
    exec(src, scope)  # noqa: S102 - the source is built from identifiers only
    return scope[name]


def _formals(spec: Mapping[str, Any]) -> list[tuple[str, bool, bool]]:
    """(name, has a default, the default is NULL) of each R argument."""
    def as_list(v: Any, one: type) -> list[Any]:
        v = [] if v is None else v
        return [v] if isinstance(v, one) else list(v)
    names = as_list(spec.get("names"), str)
    defaults = as_list(spec.get("has_default"), bool)
    nulls = as_list(spec.get("null_default"), bool) or [False] * len(names)
    return [(str(n), bool(d), bool(z)) for n, d, z in zip(names, defaults, nulls)]


def _method(classname: str, name: str, fn: Callable[..., Any],
            spec: Mapping[str, Any]) -> Callable[..., Any]:
    """A Python method calling the R function `fn(self, ...)`."""
    if is_r_function(fn):
        fn._rk_state["label"] = f"`{name}` of {classname}"

    def call_r(self: Any, *args: Any, **kwargs: Any) -> Any:
        with method_errors():
            value = fn(self, *args, **kwargs)
        return _as_shapes(value) if name == "compute_output_shape" else value

    method = _with_signature(name if name.isidentifier() else "method", _formals(spec),
                             bool(spec.get("dots")), call_r)
    method.__qualname__ = f"{classname}.{name}"
    return tf.autograph.experimental.do_not_convert(method)


def _property(classname: str, name: str, fn: Callable[..., Any]) -> property:
    """A member marked with R's mark_active(): read as `fn()`, assigned as `fn(value)`."""
    if is_r_function(fn):
        fn._rk_state["label"] = f"`{name}` of {classname}"

    def get(self: Any) -> Any:
        with method_errors():
            return fn(self)

    def set_(self: Any, value: Any) -> None:
        with method_errors():
            fn(self, value)

    return property(get, set_)


def _as_shapes(value: Any) -> Any:
    """An R `compute_output_shape()` result (`list(NULL, 20)`: doubles, NULL) as Keras
    shapes; a list of such lists (several outputs) as a list of shapes."""
    if isinstance(value, (list, tuple)) and value and all(
            isinstance(v, (list, tuple)) or hasattr(v, "as_list") for v in value):
        return [A.as_shape(v, "compute_output_shape()") for v in value]
    if isinstance(value, (list, tuple)) or hasattr(value, "as_list"):
        return A.as_shape(value, "compute_output_shape()")
    return value


@contextlib.contextmanager
def method_errors() -> Iterator[None]:
    """An R error in a method as an RkMethodError with the R side's own message (which
    names the method, the class and the R call)."""
    try:
        yield
    except RkMethodError:
        raise
    except RkCallbackError as e:
        cause = e.__cause__
        text = str(cause).strip() if cause is not None else str(e)
        raise RkMethodError(text) from e


def _hook(classname: str, name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    """A callback hook: R reads epochs and batches 1-based and `logs` as a named list."""
    if is_r_function(fn):
        fn._rk_state["label"] = f"`{name}` of {classname}"
    if name in EPOCH_HOOKS or name in BATCH_HOOKS:
        def hook(self: Any, index: int, logs: Mapping[str, Any] | None = None) -> None:
            with method_errors():
                value = fn(self, int(index) + 1, plain_logs(logs))
            _update_logs(logs, value)
    else:
        def hook(self: Any, logs: Mapping[str, Any] | None = None) -> None:
            with method_errors():
                value = fn(self, plain_logs(logs))
            _update_logs(logs, value)
    hook.__name__ = name
    hook.__qualname__ = f"{classname}.{name}"
    return hook


def _update_logs(logs: Any, value: Any) -> None:
    """A hook that returns a named list (its modified `logs`) updates Keras's `logs` with
    it, so later callbacks and the history see the new entries (keras3's Callback() rule;
    R cannot change the dict it was given in place)."""
    if isinstance(value, Mapping) and isinstance(logs, dict):
        logs.update(value)


def _base(inherit: Any) -> type:
    if isinstance(inherit, str):
        base = BASES.get(inherit)
        if base is None:
            raise RkValueError(f"`inherit = \"{inherit}\"` is not a Keras base class; use one "
                               f"of {', '.join(BASES)} or a class.")
        return base
    if isinstance(inherit, type):
        return inherit
    raise RkTypeError("`inherit` must be a Keras class (e.g. keras$layers$Layer or a class "
                      "made with Layer()).")


def _kind(base: type) -> str:
    for kind in ("model", "layer", "callback", "metric", "loss", "constraint",
                 "learning_rate_schedule"):
        if issubclass(base, BASES[kind]):
            return kind
    return "other"


def _init(classname: str, base: type, r_init: Callable[..., Any] | None,
          spec: Mapping[str, Any], r6: bool) -> Callable[..., Any]:
    """`__init__`: the R `initialize`. One that does not call `super$initialize()`, and
    every one of a keras 2.x R6 class (`inherit = KerasLayer`: its `super` is the R6
    parent, never Keras), has the Keras base initialised first, with the arguments it does
    not name (`name`, `input_shape`, `layer`, ...). An R6 class inheriting a Keras class
    (`inherit = keras$layers$Wrapper`) that calls `super$initialize(...)` initialises it
    itself, as Layer() classes do."""
    own = {n for n, *_ in _formals(spec)}
    calls_super = bool(spec.get("calls_super"))
    kind = _kind(base)
    # the first class that is not R-defined: an R parent's initialize needs its own arguments
    root = next(c for c in base.__mro__ if not getattr(c, "_rk_r_class", False))

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        if r_init is None:
            with _base_arguments(self, kwargs):
                base.__init__(self, *args, **kwargs)
            return
        if r6 or not calls_super:
            base_kw = {k: kwargs.pop(k) for k in list(kwargs) if k not in own}
            with _base_arguments(self, base_kw):
                root.__init__(self, **base_kw)
        with method_errors():
            r_init(self, *args, **kwargs)

    __init__.__qualname__ = f"{classname}.__init__"
    if r_init is not None:
        if is_r_function(r_init):
            r_init._rk_state["label"] = f"`initialize` of {classname}"
    return __init__


@contextlib.contextmanager
def _base_arguments(self: Any, kwargs: dict[str, Any]) -> Iterator[None]:
    """A layer's `input_shape` from R (doubles) as a shape; Keras's advice against it, which
    keras 2.x scripts follow (`create_layer(..., list(input_shape = 4))`), not repeated."""
    if isinstance(self, keras.layers.Layer) and kwargs.get("input_shape") is not None:
        kwargs["input_shape"] = A.as_shape(kwargs["input_shape"], "input_shape")
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r"Do not pass an `input_shape`")
        yield


def _add_weight(base: type) -> Callable[..., Any]:
    """`self$add_weight(shape = c(3, 4))`: R numbers are doubles; shapes become integers."""
    def add_weight(self: Any, *args: Any, **kwargs: Any) -> Any:
        if args and not isinstance(args[0], str):
            kwargs.setdefault("shape", args[0])
            args = args[1:]
        elif args:  # keras 2.x order: add_weight(name, shape, ...)
            kwargs.setdefault("name", args[0])
            if len(args) > 1:
                kwargs.setdefault("shape", args[1])
            args = args[2:]
        if "shape" in kwargs:
            kwargs["shape"] = A.as_shape(kwargs["shape"], "shape") or ()
        return base.add_weight(self, *args, **kwargs)
    return add_weight


def _first_call_mask(which: str) -> Callable[[Any], Any]:
    """keras 2.x's `layer$input_mask` / `layer$output_mask` (Keras 3 dropped them): the
    mask of the input / output of the layer's first call, NULL when it has none."""
    def mask(self: Any) -> Any:
        nodes = inbound_nodes(self)
        if not nodes:
            raise RkValueError(f"The layer \"{self.name}\" has not been called yet: it has "
                               f"no {which.split('_')[0]} mask.")
        masks = [keras_mask(t) for t in node_tensors(nodes[0], which)]
        return masks[0] if len(masks) == 1 else masks
    return mask


def new_class(classname: str, methods: Mapping[str, Any] | None = None,
              signatures: Mapping[str, Any] | None = None,
              fields: Mapping[str, Any] | None = None, inherit: Any = "layer",
              r6: bool = False, null_fields: Any = None) -> type:
    """A subclass of `inherit` named `classname` whose methods are the R functions in
    `methods` (with their R arguments in `signatures`) and whose class attributes are
    `fields`; registered for saving under `classname`. `null_fields` names R6 fields
    declared `NULL`: None in the class unless the base has the attribute (a Callback's
    `model`, a Layer's `trainable`), which a None would hide."""
    classname = str(A.scalar(classname))
    if not classname.isidentifier():
        raise RkValueError(f"`classname` must be a syntactic name, not \"{classname}\".")
    base = _base(inherit)
    kind = _kind(base)
    methods = {R_NAMES.get(k, k): v for k, v in dict(methods or {}).items()}
    signatures = {R_NAMES.get(k, k): v for k, v in dict(signatures or {}).items()}
    body: dict[str, Any] = {"__module__": __name__, "_rk_r_class": True}
    body.update(fields or {})
    nulls = [null_fields] if isinstance(null_fields, str) else list(null_fields or [])
    for name in nulls:
        if name not in body and not hasattr(base, name):
            body[name] = None
    for name, fn in methods.items():
        if not callable(fn):
            raise RkTypeError(f"Method `{name}` of {classname} must be a function.")
        spec = signatures.get(name) or {}
        if name == "__init__":
            continue
        if kind == "callback" and name in HOOKS:
            body[name] = _hook(classname, name, fn)
        elif spec.get("active"):
            body[name] = _property(classname, name, fn)
        elif spec.get("static"):
            body[name] = staticmethod(fn)
        elif spec.get("classmethod"):
            body[name] = classmethod(_method(classname, name, fn, spec))
        else:
            body[name] = _method(classname, name, fn, spec)
    body["__init__"] = _init(classname, base, methods.get("__init__"),
                             signatures.get("__init__") or {},
                             r6 and isinstance(inherit, str))
    if kind == "callback" and "model" not in body:
        # `self$model$stop_training <- TRUE` in R assigns `self$model` back as well
        body["model"] = property(base.model.fget,
                                 lambda self, value: self.set_model(value))
    if kind in ("layer", "model"):
        for name, which in (("input_mask", "input_tensors"), ("output_mask", "output_tensors")):
            if name not in body and not hasattr(base, name):
                body[name] = property(_first_call_mask(which))
    if kind in ("layer", "model", "metric") and "add_weight" not in body:
        body["add_weight"] = _add_weight(base)
    if kind == "layer" and "call" not in body and r6:
        raise RkValueError(f"{classname} has no `call` method.")
    cls = type(classname, (base,), body)
    register(cls, classname)
    return cls


def register(cls: type, name: str) -> None:
    """Register `cls` under `name` (no package prefix), so that the name in a saved file is
    the class name and `custom_objects = list(Name = ...)` finds it."""
    register_custom_object(name, cls)


def super_call(cls: Any, self: Any, name: str, args: Any = None, kwargs: Any = None) -> Any:
    """`super()$name(...)` in an R method: the parent class's `name` of `self`."""
    name = R_NAMES.get(str(name), str(name))
    target = getattr(super(cls, self), name)
    if not callable(target):
        return target
    args = list(args or [])
    kwargs = dict(kwargs or {})
    if name == "add_weight" and "shape" in kwargs:
        kwargs["shape"] = A.as_shape(kwargs["shape"], "shape") or ()
    if name == "__init__":
        with _base_arguments(self, kwargs):
            return target(*args, **kwargs)
    return target(*args, **kwargs)


def super_attr(cls: Any, self: Any, name: str) -> Any:
    """Whether the parent class's `name` is a method (R then returns a function)."""
    name = R_NAMES.get(str(name), str(name))
    return callable(getattr(super(cls, self), name))


def instantiate(cls: Any, args: Any = None, kwargs: Any = None) -> Any:
    """An instance of the R-defined class `cls` (the R class generator's call)."""
    if not isinstance(cls, type):
        raise RkTypeError("Not a class.")
    return cls(*list(args or []), **dict(kwargs or {}))


def class_kind(cls: Any) -> str:
    """"layer", "model", ... for an R-defined class (what its R generator does)."""
    return _kind(cls) if isinstance(cls, type) else "other"


_private_ids = itertools.count(1)


def private_key(self: Any) -> str:
    """The key of `self`'s R `private` environment: a number kept on the object, never
    reused (Python's `id()` is, once an object is freed)."""
    key = getattr(self, "_rk_private_key", None)
    if key is None:
        key = f"p{next(_private_ids)}"
        object.__setattr__(self, "_rk_private_key", key)
    return key


def is_r_class(x: Any) -> bool:
    return isinstance(x, type) and bool(getattr(x, "_rk_r_class", False))


EXPORTS: dict[str, Callable[..., Any]] = {
    "new_class": new_class, "super_call": super_call, "super_attr": super_attr,
    "instantiate": instantiate, "class_kind": class_kind, "private_key": private_key,
}
