"""Optimizers, losses, metrics, callbacks, activations, initializers, regularizers,
constraints and learning rate schedules from one declarative table (`FAMILIES`).

Each family names a Keras module, the base class of its public classes (or, for
activations, that its members are functions), and how a name becomes an R name.
`family_function()` builds one R-named function per member, with the legacy-argument
translation declared for the family (`lr`, `decay` for optimizers) and the per-class
argument adapters of `callbacks.ADAPTERS` (R functions as callback hooks).
"""
from __future__ import annotations

import dataclasses
import functools
import inspect
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from . import args as A
from . import axes as AX
from .._keras import keras
from ..training.callbacks import ADAPTERS, CLASSES
from ..errors import RkTypeError, RkValueError, suggest
from .naming import (OPTIMIZER_NAME_EXCEPTIONS, Keras2Alias, alias_params, apply_alias, snake,
                     with_keras2_aliases, with_keras3_names)
from ..values import owned


def _optimizer_legacy(kwargs: dict[str, Any]) -> dict[str, Any]:
    """Keras 2 names: `lr` is `learning_rate`; `decay` is time-based decay of the rate,
    lr / (1 + decay * iterations), which Keras 3 expresses as InverseTimeDecay."""
    if "lr" in kwargs:
        A.deprecated("lr", "learning_rate")
        lr = kwargs.pop("lr")
        if kwargs.get("learning_rate") is None:
            kwargs["learning_rate"] = lr
    decay = A.as_float(kwargs.pop("decay", None))
    if decay:
        A.deprecated("decay", "learning_rate = learning_rate_schedule_inverse_time_decay()")
        initial = A.as_learning_rate(kwargs.get("learning_rate"))
        if initial is None:
            initial = 0.001
        kwargs["learning_rate"] = keras.optimizers.schedules.InverseTimeDecay(
            initial_learning_rate=initial, decay_steps=1, decay_rate=decay)
    return kwargs


@dataclass(frozen=True)
class Family:
    prefix: str
    module: Any
    base: type | None  # None: the family's members are functions (activations)
    exceptions: dict[str, str] = field(default_factory=dict)
    skip: tuple[str, ...] = ()
    legacy: Callable[[dict[str, Any]], dict[str, Any]] | None = None
    takes_data: bool = False  # losses/metrics: fn(y_true, y_pred) computes directly
    computes: bool = False  # activations: fn(x) computes, fn() is the function itself

    def r_name(self, class_name: str) -> str:
        return self.exceptions.get(class_name, f"{self.prefix}_{snake(class_name)}")

    @property
    def of_functions(self) -> bool:
        return self.base is None


# Module-level helpers that are not members of a function family.
NOT_MEMBERS = ("serialize", "deserialize", "get")


FAMILIES: dict[str, Family] = {
    "optimizer": Family("optimizer", keras.optimizers, keras.optimizers.Optimizer,
                        OPTIMIZER_NAME_EXCEPTIONS, skip=("Optimizer",),
                        legacy=_optimizer_legacy),
    "loss": Family("loss", keras.losses, keras.losses.Loss, skip=("Loss",),
                   exceptions={"KLDivergence": "loss_kullback_leibler_divergence",
                               "CTC": "loss_ctc"},
                   takes_data=True),
    "metric": Family("metric", keras.metrics, keras.metrics.Metric,
                     skip=("Metric",),
                     exceptions={"MeanMetricWrapper": "metric_mean_wrapper","AUC": "metric_auc", "KLDivergence":
                                 "metric_kullback_leibler_divergence",
                                 "FBetaScore": "metric_fbeta_score",
                                 "F1Score": "metric_f1_score", "R2Score": "metric_r2_score",
                                 "IoU": "metric_iou", "MeanIoU": "metric_mean_iou",
                                 "BinaryIoU": "metric_binary_iou",
                                 "OneHotIoU": "metric_one_hot_iou",
                                 "OneHotMeanIoU": "metric_one_hot_mean_iou"},
                     takes_data=True),
    "callback": Family("callback", keras.callbacks, keras.callbacks.Callback,
                       skip=("Callback", "CallbackList", "History", "ProgbarLogger"),
                       exceptions={"CSVLogger": "callback_csv_logger",
                                   "ReduceLROnPlateau": "callback_reduce_lr_on_plateau",
                                   "LambdaCallback": "callback_lambda",
                                   "TensorBoard": "callback_tensorboard",
                                   "TerminateOnNaN": "callback_terminate_on_nan",
                                   "BackupAndRestore": "callback_backup_and_restore",
                                   "SwapEMAWeights": "callback_swap_ema_weights"}),
    "activation": Family("activation", keras.activations, None, computes=True),
    "initializer": Family("initializer", keras.initializers, keras.initializers.Initializer,
                          skip=("Initializer",),
                          exceptions={"STFT": "initializer_stft"}),
    "regularizer": Family("regularizer", keras.regularizers, keras.regularizers.Regularizer,
                          skip=("Regularizer",),
                          exceptions={"L1": "regularizer_l1", "L2": "regularizer_l2",
                                      "L1L2": "regularizer_l1_l2",
                                      "OrthogonalRegularizer": "regularizer_orthogonal"}),
    # The R interface's names run the words together (constraint_maxnorm).
    "constraint": Family("constraint", keras.constraints, keras.constraints.Constraint,
                         skip=("Constraint",),
                         exceptions={"MaxNorm": "constraint_maxnorm",
                                     "MinMaxNorm": "constraint_minmaxnorm",
                                     "NonNeg": "constraint_nonneg",
                                     "UnitNorm": "constraint_unitnorm"}),
    "learning_rate_schedule": Family(
        "learning_rate_schedule", keras.optimizers.schedules,
        keras.optimizers.schedules.LearningRateSchedule, skip=("LearningRateSchedule",)),
}


@dataclass(frozen=True)
class FamilySpec:
    r_name: str
    family: Family
    cls: type | None  # None for a function family
    func: Callable[..., Any] | None  # the function form of a loss/metric, or the activation
    alias: Keras2Alias | None = None  # a keras 2.x name built from another member

    @property
    def keras_name(self) -> str:
        return self.cls.__name__ if self.cls is not None else self.func.__name__

    @property
    def params(self) -> tuple[inspect.Parameter, ...]:
        try:
            sig = inspect.signature(self.cls.__init__ if self.cls is not None else self.func)
        except (TypeError, ValueError):
            return ()
        return alias_params(tuple(p for p in sig.parameters.values()
                                  if p.name not in ("self", "x")
                                  and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)),
                            self.alias)


def _discover_functions(family: Family) -> dict[str, FamilySpec]:
    out: dict[str, FamilySpec] = {}
    for name in sorted(dir(family.module)):
        obj = getattr(family.module, name)
        if (name.startswith("_") or name in NOT_MEMBERS or not inspect.isfunction(obj)
                or name in family.skip):
            continue
        r_name = family.exceptions.get(name, f"{family.prefix}_{name}")  # already snake
        out[r_name] = FamilySpec(r_name, family, None, obj)
    return out


def _discover(family: Family) -> dict[str, FamilySpec]:
    if family.of_functions:
        return _discover_functions(family)
    out: dict[str, FamilySpec] = {}
    members = {getattr(family.module, n) for n in dir(family.module) if not n.startswith("_")}
    # Aliases count once, named after the class's own name (see layers._discover).
    for obj in sorted((m for m in members if inspect.isclass(m)), key=lambda c: c.__name__):
        name = obj.__name__
        if not issubclass(obj, family.base) or name in family.skip:
            continue
        r_name = family.r_name(name)
        func = getattr(family.module, snake(name), None) if family.takes_data else None
        if func is not None and inspect.isclass(func):
            func = None
        out[r_name] = FamilySpec(r_name, family, obj, func)
    if family.takes_data:  # loss-like functions with no class (keras3's metric_huber())
        taken = {s.func for s in out.values()}
        for name, fn in _discover_functions(family).items():
            if name not in out and fn.func not in taken:
                out[name] = fn
    return out


def _renamed_function(fn: Callable[..., Any], name: str) -> Callable[..., Any]:
    """`fn` under another name: Keras names a metric function's history entry after it.
    Registered with Keras, so that a saved model compiled with it loads again."""
    @functools.wraps(fn)
    def renamed(*args: Any, **kwargs: Any) -> Any:
        return fn(*args, **kwargs)
    renamed.__name__ = renamed.__qualname__ = name
    return keras.saving.register_keras_serializable(package="rkbridge", name=name)(renamed)


def _function_alias(spec: FamilySpec) -> FamilySpec:
    """A keras 2.x alias that is its target's function form (metric_cosine_proximity)
    belongs to the family its name says."""
    if spec.alias is None or spec.alias.function_name is None:
        return spec
    return dataclasses.replace(spec, cls=None,
                               func=_renamed_function(spec.func, spec.alias.function_name),
                               family=FAMILIES[spec.r_name.split("_", 1)[0]])


SPECS: dict[str, FamilySpec] = {}
for _family in FAMILIES.values():
    SPECS.update(_discover(_family))
SPECS = {n: _function_alias(s)
         for n, s in with_keras2_aliases(with_keras3_names(SPECS)).items()}


def instantiate(spec: FamilySpec, kwargs: dict[str, Any]) -> Any:
    kwargs = apply_alias(spec.r_name, spec.alias, kwargs)
    if spec.family.legacy is not None:
        kwargs = spec.family.legacy(kwargs)
    adapter = ADAPTERS.get(spec.keras_name)
    if adapter is not None:
        kwargs = adapter(kwargs)
    kwargs, own_rule = AX.convert(spec.r_name, kwargs)
    kwargs = A.normalize(kwargs, skip=own_rule)
    try:
        return (CLASSES.get(spec.keras_name, spec.cls) or spec.func)(**kwargs)
    except TypeError as e:
        names = [p.name for p in spec.params]
        unknown = [k for k in kwargs if k not in names]
        if unknown:
            raise RkTypeError(f"{spec.r_name}() has no argument `{unknown[0]}`."
                              + suggest(unknown[0], names)) from None
        raise RkTypeError(f"{spec.r_name}(): {e}") from None


def _activation_function(spec: FamilySpec) -> Callable[..., Any]:
    """`activation_relu(x)` computes; `activation_relu()` (or passed uncalled) is the Keras
    function; with only arguments (`activation_relu(negative_slope = 0.1)`) it is the Keras
    function with those arguments fixed."""
    def fn(x: Any = None, **kwargs: Any) -> Any:
        kwargs, own_rule = AX.convert(spec.r_name, kwargs)  # softmax's axis: the dialect's
        kwargs = A.normalize(kwargs, skip=own_rule)
        if x is None:
            if not kwargs:
                return spec.func
            return functools.partial(spec.func, **kwargs)
        return spec.func(_tensor(x), **kwargs)
    return fn


def _tensor(x: Any) -> Any:
    if isinstance(x, np.ndarray):
        return keras.ops.convert_to_tensor(owned(x))
    return x


def family_function(spec: FamilySpec) -> Callable[..., Any]:
    names = tuple(p.name for p in spec.params)
    if spec.family.computes:
        fn = _activation_function(spec)
    elif spec.family.takes_data:
        def fn(y_true: Any = None, y_pred: Any = None, **kwargs: Any) -> Any:
            if y_true is None and y_pred is None and spec.cls is None:
                if kwargs:
                    raise RkTypeError(f"{spec.r_name}() computes: give `y_true` and "
                                      f"`y_pred` with its arguments.")
                apply_alias(spec.r_name, spec.alias, {})  # keras 2.x's deprecation message
                return spec.func  # for compile(metrics =), as keras3 passes it
            if y_true is None and y_pred is None:
                return instantiate(spec, kwargs)
            if spec.func is not None:
                kwargs = apply_alias(spec.r_name, spec.alias, kwargs)
                return spec.func(y_true, y_pred, **A.normalize(kwargs))
            obj = instantiate(spec, kwargs)
            if isinstance(obj, keras.metrics.Metric):
                obj.update_state(y_true, y_pred)
                return obj.result()
            return obj(y_true, y_pred)
    else:
        def fn(*args: Any, **kwargs: Any) -> Any:
            return instantiate(spec, A.bind(spec.r_name, names, args, kwargs))
    fn.__name__ = fn.__qualname__ = spec.r_name
    fn.__doc__ = (f"`keras.{spec.family.module.__name__.split('.')[-1]}."
                  f"{spec.keras_name}` with R conventions.\n\n"
                  + (inspect.getdoc(spec.cls or spec.func) or ""))
    return fn


def exported() -> dict[str, Callable[..., Any]]:
    return {name: family_function(spec) for name, spec in SPECS.items()}


def resolve_named(r_name: str) -> Any:
    """An R wrapper passed uncalled (`loss = loss_binary_crossentropy`) means its default
    instance."""
    spec = SPECS.get(r_name)
    if spec is None:
        raise RkValueError(f"Unknown function `{r_name}`." + suggest(r_name, list(SPECS)))
    if spec.family.computes or spec.cls is None:
        apply_alias(spec.r_name, spec.alias, {})
        return spec.func
    return instantiate(spec, {})
