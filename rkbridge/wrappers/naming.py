"""How Keras class names become R function names (`Conv2D` -> `conv_2d`): one rule plus the
exceptions the R interface to Keras established."""
from __future__ import annotations

import dataclasses
import inspect
import re
from dataclasses import dataclass, field
from typing import Any

_TOKEN = re.compile(r"[A-Z]+(?=[A-Z][a-z]|\d|$)|[A-Z]?[a-z]+|\d+D?")


def snake(name: str) -> str:
    return "_".join(t.lower() for t in _TOKEN.findall(name))


# Names the R interface to Keras chose differently from the mechanical rule.
LAYER_NAME_EXCEPTIONS: dict[str, str] = {
    "PReLU": "layer_activation_parametric_relu",
    "LeakyReLU": "layer_activation_leaky_relu",
    "ReLU": "layer_activation_relu",
    "ELU": "layer_activation_elu",
    "Softmax": "layer_activation_softmax",
    "UpSampling1D": "layer_upsampling_1d",
    "UpSampling2D": "layer_upsampling_2d",
    "UpSampling3D": "layer_upsampling_3d",
    "Bidirectional": "bidirectional",
    "TimeDistributed": "time_distributed",
    "STFTSpectrogram": "layer_stft_spectrogram",
    "RMSNormalization": "layer_rms_normalization",
    "TFSMLayer": "layer_tfsm",
    "ContrastLimitedAdaptiveHistogramEqualization": "layer_clahe",
}

OPTIMIZER_NAME_EXCEPTIONS: dict[str, str] = {
    "RMSprop": "optimizer_rmsprop",
    "AdamW": "optimizer_adam_w",
    "LossScaleOptimizer": "optimizer_loss_scale",
}


# keras3's names for what the R interface to Keras 2 (and rkbridge) calls otherwise: both
# names work (CONVENTIONS section 8). keras3 name -> rkbridge name.
KERAS3_NAMES: dict[str, str] = {
    "layer_bidirectional": "bidirectional",
    "layer_time_distributed": "time_distributed",
    "layer_group_query_attention": "layer_grouped_query_attention",
    "loss_kl_divergence": "loss_kullback_leibler_divergence",
    "metric_kl_divergence": "metric_kullback_leibler_divergence",
    "application_nasnet_large": "application_nasnetlarge",
    "application_nasnet_mobile": "application_nasnetmobile",
    "rnn_cell_gru": "layer_gru_cell",
    "rnn_cell_lstm": "layer_lstm_cell",
    "rnn_cell_simple": "layer_simple_rnn_cell",
    "rnn_cells_stack": "layer_stacked_rnn_cells",
}


@dataclass(frozen=True)
class Keras2Alias:
    """A keras 2.x R name that Keras 3 expresses through another rkbridge function.

    `target`: the rkbridge function it stands for. `fixed`: arguments the alias sets (and its
    signature leaves out). `renames`: the alias's argument name -> the target's. `defaults`:
    the alias's defaults where they differ from the target's. `deprecated`: the name to use
    instead, when keras 2.x itself deprecated the alias (a message says so). `function_name`:
    a loss/metric alias that is the target's function form, under this name (the name the
    history shows)."""
    target: str
    fixed: dict[str, Any] = field(default_factory=dict)
    renames: dict[str, str] = field(default_factory=dict)
    defaults: dict[str, Any] = field(default_factory=dict)
    deprecated: str | None = None
    function_name: str | None = None
    doc: str = ""  # what it computes, where the target's documentation would mislead


# The arguments a cuDNN layer of keras 2.x could not change: Keras 3's GRU/LSTM use the
# cuDNN kernel exactly when these hold (and a GPU is there).
_CUDNN = {"activation": "tanh", "recurrent_activation": "sigmoid", "use_bias": True,
          "dropout": 0.0, "recurrent_dropout": 0.0, "unroll": False}

# keras 2.x R names with no class of their own in Keras 3: keras 2.x name -> how to build it.
KERAS2_ALIASES: dict[str, Keras2Alias] = {
    "loss_logcosh": Keras2Alias("loss_log_cosh"),
    # keras 2.x's loss_cosine_proximity() was loss_cosine_similarity() (a negative number
    # for similar vectors), as is Keras 3's CosineSimilarity loss.
    "loss_cosine_proximity": Keras2Alias("loss_cosine_similarity",
                                         deprecated="loss_cosine_similarity()"),
    "metric_logcosh_error": Keras2Alias("metric_log_cosh_error"),
    # keras 2.x's metric_cosine_proximity() was TensorFlow's v1 `metrics.cosine_proximity`,
    # the loss function: minus the cosine similarity, per sample (unlike
    # metric_cosine_similarity(), which is the mean of plus the cosine similarity).
    "metric_cosine_proximity": Keras2Alias("loss_cosine_similarity",
                                           deprecated="loss_cosine_similarity()",
                                           function_name="cosine_proximity"),
    "callback_terminate_on_naan": Keras2Alias("callback_terminate_on_nan"),
    "layer_activation_selu": Keras2Alias(
        "layer_activation", fixed={"activation": "selu"},
        doc="Applies the selu activation: scale * x for x > 0, scale * alpha * (exp(x) - 1) "
            "otherwise (alpha = 1.67326324, scale = 1.05070098)."),
    # ThresholdedReLU (x if x > theta else 0) left Keras 3; ReLU(threshold) computes the same
    # function, 0 at x == theta included (tests/test_k2b.py checks it against the formula).
    "layer_activation_thresholded_relu": Keras2Alias(
        "layer_activation_relu", fixed={"max_value": None, "negative_slope": 0.0},
        renames={"theta": "threshold"}, defaults={"threshold": 1.0},
        doc="Thresholded Rectified Linear Unit: f(x) = x for x > theta, 0 otherwise (0 at "
            "x = theta too); theta must be >= 0."),
    "layer_cudnn_gru": Keras2Alias("layer_gru", fixed={**_CUDNN, "reset_after": True},
                                   deprecated="layer_gru()"),
    "layer_cudnn_lstm": Keras2Alias("layer_lstm", fixed=_CUDNN, deprecated="layer_lstm()"),
}


def with_keras2_aliases(table: dict[str, Any]) -> dict[str, Any]:
    """`table` plus the KERAS2_ALIASES of its entries (each spec has `r_name` and `alias`)."""
    extra = {new: dataclasses.replace(table[a.target], r_name=new, alias=a)
             for new, a in KERAS2_ALIASES.items() if a.target in table}
    return dict(sorted({**table, **extra}.items()))


def alias_params(params: tuple[inspect.Parameter, ...], alias: Keras2Alias | None,
                 defaults: dict[str, Any] | None = None) -> tuple[inspect.Parameter, ...]:
    """The parameters a wrapper shows: its target's, less the alias's fixed ones, renamed,
    with the alias's (or the R interface's, `defaults`) defaults."""
    defaults = dict(defaults or {})
    if alias is None:
        return tuple(p.replace(default=defaults[p.name]) if p.name in defaults else p
                     for p in params)
    back = {new: old for old, new in alias.renames.items()}
    defaults.update(alias.defaults)
    out = []
    for p in params:
        if p.name in alias.fixed:
            continue
        if p.name in defaults:
            p = p.replace(default=defaults[p.name])
        out.append(p.replace(name=back.get(p.name, p.name)))
    return tuple(out)


def apply_alias(r_name: str, alias: Keras2Alias | None, kwargs: dict[str, Any],
                defaults: dict[str, Any] | None = None) -> dict[str, Any]:
    """The target's arguments for a call of alias `r_name` (or of a wrapper with R
    `defaults`), with keras 2.x's deprecation message where keras 2.x gave one."""
    from . import args as A
    from ..errors import RkTypeError
    out = dict(kwargs)
    for k, v in (defaults or {}).items():
        if out.get(k) is None:
            out[k] = v
    if alias is None:
        return out
    if alias.deprecated:
        A.deprecated(f"{r_name}()", alias.deprecated)
    for k, v in alias.fixed.items():
        if k in out:
            raise RkTypeError(f"{r_name}() has no argument `{k}` (it is always {v!r}); "
                              f"use {alias.target}() to choose it.")
    for old, new in alias.renames.items():
        if old in out:
            if new in out:
                raise RkTypeError(f"{r_name}(): give `{old}` or `{new}`, not both.")
            out[new] = out.pop(old)
    for k, v in alias.defaults.items():
        if out.get(k) is None:
            out[k] = v
    return {**out, **alias.fixed}


def with_keras3_names(table: dict[str, Any]) -> dict[str, Any]:
    """`table` (R name -> spec with an `r_name`) plus keras3's names of its entries."""
    extra = {new: dataclasses.replace(table[old], r_name=new)
             for new, old in KERAS3_NAMES.items() if old in table}
    return dict(sorted({**table, **extra}.items()))


def layer_r_name(class_name: str) -> str:
    return LAYER_NAME_EXCEPTIONS.get(class_name, "layer_" + snake(class_name))


def optimizer_r_name(class_name: str) -> str:
    return OPTIMIZER_NAME_EXCEPTIONS.get(class_name, "optimizer_" + snake(class_name))



# The class names R code written for earlier Keras versions tests with `inherits()` and
# `expect_s3_class()`: keras 2.x (tf.keras: `keras.engine.training.Model`, ...), the public
# names (`keras.metrics.Metric`, ...) and Keras 3.0's paths before `keras.src`. Keyed by the
# Keras 3 class (module path and name, as reticulate spells an object's class); the R side
# appends the names to the S3 class of every Keras object the engine returns (R/convert.R).
LEGACY_CLASS_NAMES: dict[str, tuple[str, ...]] = {
    "keras.src.models.model.Model": (
        "keras.engine.training.Model", "keras.models.model.Model", "keras.Model"),
    "keras.src.models.functional.Functional": (
        "keras.engine.functional.Functional", "keras.models.functional.Functional"),
    "keras.src.models.sequential.Sequential": (
        "keras.engine.sequential.Sequential", "keras.models.sequential.Sequential"),
    "keras.src.layers.layer.Layer": (
        "keras.engine.base_layer.Layer", "keras.layers.Layer", "keras.layers.layer.Layer"),
    "keras.src.layers.core.input_layer.InputLayer": (
        "keras.engine.input_layer.InputLayer", "keras.layers.InputLayer"),
    "keras.src.backend.common.keras_tensor.KerasTensor": (
        "keras.engine.keras_tensor.KerasTensor", "keras.backend.common.keras_tensor.KerasTensor"),
    "keras.src.metrics.metric.Metric": (
        "keras.metrics.Metric", "keras.metrics.base_metric.Metric",
        "keras.metrics.metric.Metric"),
    "keras.src.losses.loss.Loss": ("keras.losses.Loss", "keras.losses.loss.Loss"),
    "keras.src.optimizers.base_optimizer.BaseOptimizer": (
        "keras.optimizers.Optimizer", "keras.optimizers.optimizer.Optimizer",
        "keras.optimizers.base_optimizer.BaseOptimizer"),
    "keras.src.callbacks.callback.Callback": (
        "keras.callbacks.Callback", "keras.callbacks.callback.Callback"),
    "keras.src.callbacks.history.History": ("keras.callbacks.History",),
    "keras.src.initializers.initializer.Initializer": (
        "keras.initializers.Initializer", "keras.initializers.initializers.Initializer"),
    "keras.src.regularizers.regularizers.Regularizer": (
        "keras.regularizers.Regularizer",),
    "keras.src.constraints.constraints.Constraint": ("keras.constraints.Constraint",),
    "keras.src.optimizers.schedules.learning_rate_schedule.LearningRateSchedule": (
        "keras.optimizers.schedules.LearningRateSchedule",
        "keras.optimizers.schedules.learning_rate_schedule.LearningRateSchedule"),
}


def legacy_class_names() -> dict[str, list[str]]:
    """LEGACY_CLASS_NAMES for the R side (fetched once per session)."""
    return {k: list(v) for k, v in LEGACY_CLASS_NAMES.items()}
