"""Every public Keras class and function of the wrapped modules has an R-named function.

The expected set is computed from the installed Keras, not from our tables, so a Keras
upgrade that adds a layer (or optimizer, loss, ...) fails here until it is wrapped or
listed, with a reason, in SKIPPED below. And every export of the two R interfaces to Keras
(keras 2.x and keras3) is an rkbridge export too, or has a written reason.
"""
from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest

from rkbridge import api
from rkbridge.wrappers import families, layers
from rkbridge._keras import keras

# Public names deliberately without a wrapper, by module, and why.
SKIPPED: dict[str, dict[str, str]] = {
    "layers": dict(layers.SKIPPED),
    "optimizers": {"Optimizer": "abstract base class, not used directly"},
    "losses": {"Loss": "abstract base class, not used directly"},
    "metrics": {"Metric": "abstract base class, not used directly"},
    "callbacks": {"Callback": "base class: subclass KerasCallback (R6) or use "
                              "new_callback_class()",
                  "CallbackList": "internal: fit() builds it from `callbacks =`",
                  "History": "fit() returns the history as an R object",
                  "ProgbarLogger": "fit() prints R progress itself (`verbose =`); keras 2.x's "
                                   "callback_progbar_logger() is kept by hand "
                                   "(rkbridge/persistence/registry.py)"},
    "initializers": {"Initializer": "abstract base class, not used directly"},
    "regularizers": {"Regularizer": "abstract base class, not used directly"},
    "constraints": {"Constraint": "abstract base class, not used directly"},
    "optimizers.schedules": {"LearningRateSchedule": "abstract base class, not used directly"},
}

MODULES = {
    "layers": (keras.layers, keras.layers.Layer),
    "optimizers": (keras.optimizers, keras.optimizers.Optimizer),
    "losses": (keras.losses, keras.losses.Loss),
    "metrics": (keras.metrics, keras.metrics.Metric),
    "callbacks": (keras.callbacks, keras.callbacks.Callback),
    "initializers": (keras.initializers, keras.initializers.Initializer),
    "regularizers": (keras.regularizers, keras.regularizers.Regularizer),
    "constraints": (keras.constraints, keras.constraints.Constraint),
    "optimizers.schedules": (keras.optimizers.schedules,
                             keras.optimizers.schedules.LearningRateSchedule),
}


def public_classes(module, base) -> set[str]:
    """Class names a Keras user can reach in `module`, aliases counted once (by the class's
    own name)."""
    out = set()
    for name in dir(module):
        obj = getattr(module, name)
        if name.startswith("_") or not inspect.isclass(obj):
            continue
        if issubclass(obj, base) or module is keras.layers:
            out.add(obj.__name__)
    return out


def wrapped_classes() -> set[str]:
    names = {s.cls.__name__ for s in layers.LAYERS.values()}
    names |= {s.cls.__name__ for s in families.SPECS.values() if s.cls is not None}
    return names


@pytest.mark.parametrize("module_name", sorted(MODULES))
def test_every_public_class_has_a_wrapper(module_name):
    module, base = MODULES[module_name]
    missing = public_classes(module, base) - wrapped_classes() - set(SKIPPED[module_name])
    assert not missing, (f"keras.{module_name} classes without an R function (wrap them or "
                         f"add them to SKIPPED with a reason): {sorted(missing)}")


def test_skips_are_justified_and_still_exist():
    for module_name, skips in SKIPPED.items():
        module, base = MODULES[module_name]
        present = public_classes(module, base)
        for name, why in skips.items():
            assert len(why) > 10, f"{name}: say why it is skipped"
            assert name in present, f"keras.{module_name}.{name} no longer exists: unskip it"


def test_every_activation_function_has_a_wrapper():
    expected = {n for n in dir(keras.activations) if not n.startswith("_")
                and inspect.isfunction(getattr(keras.activations, n))
                and n not in families.NOT_MEMBERS}
    # Aliases (swish for silu) are wrapped too: R users type both.
    missing = {n for n in expected if f"activation_{n}" not in api.API}
    assert missing == set()
    assert "activation_relu" in api.API and "activation_softmax" in api.API


# The R interface's names: what R users type must exist (spot checks of the naming rules).
R_NAMES = ["layer_dense", "layer_conv_1d", "layer_conv_2d", "layer_conv_3d",
           "layer_conv_2d_transpose", "layer_max_pooling_1d", "layer_max_pooling_2d",
           "layer_max_pooling_3d", "layer_average_pooling_2d", "layer_global_average_pooling_2d",
           "layer_global_max_pooling_1d", "layer_lstm", "layer_gru", "layer_simple_rnn",
           "layer_batch_normalization", "layer_layer_normalization", "layer_embedding",
           "layer_dropout", "layer_flatten", "layer_activation_leaky_relu",
           "layer_activation_parametric_relu", "layer_upsampling_2d", "layer_zero_padding_2d",
           "layer_separable_conv_2d", "layer_depthwise_conv_2d", "layer_conv_lstm_2d",
           "layer_multi_head_attention", "layer_text_vectorization", "bidirectional",
           "time_distributed", "optimizer_rmsprop", "optimizer_adam", "optimizer_sgd",
           "loss_categorical_crossentropy", "loss_kullback_leibler_divergence",
           "metric_auc", "callback_early_stopping", "callback_model_checkpoint",
           "callback_reduce_lr_on_plateau", "callback_csv_logger", "callback_tensorboard",
           "callback_lambda", "callback_learning_rate_scheduler", "activation_relu",
           "activation_softmax", "activation_relu6", "initializer_glorot_uniform",
           "initializer_he_normal", "regularizer_l1", "regularizer_l2", "regularizer_l1_l2",
           "constraint_maxnorm", "constraint_nonneg", "constraint_unitnorm",
           "constraint_minmaxnorm", "learning_rate_schedule_exponential_decay",
           "k_mean", "k_sum", "k_argmax", "k_permute_dimensions", "k_batch_flatten",
           "pad_sequences", "normalize", "timeseries_dataset_from_array", "get_file",
           "image_array_resize", "to_categorical"]


@pytest.mark.parametrize("name", R_NAMES)
def test_r_interface_names_exist(name):
    assert name in api.API


def test_no_mechanical_names_leak():
    """Names the snake rule would produce but R users never type."""
    for bad in ("layer_max_pool_2d", "layer_avg_pool_2d", "layer_conv2d", "regularizer_l_1",
                "constraint_max_norm", "activation_relu_6"):
        assert bad not in api.API


def test_every_application_has_a_wrapper():
    from rkbridge.wrappers import applications
    expected = {n for n in dir(keras.applications) if not n.startswith("_")
                and inspect.isfunction(getattr(keras.applications, n))}
    have = {s.fn.__name__ for s in applications.APPLICATIONS.values()}
    assert expected - have == set()
    for name in ("application_xception", "application_resnet50", "application_resnet50_v2",
                 "application_vgg16", "application_mobilenet_v3_large",
                 "application_efficientnet_b0", "application_inception_resnet_v2",
                 "application_densenet121"):
        assert name in api.API


# -- Both R interfaces' exports (tests/data/keras*-exports.txt, made by tools/export_lists.py
# from their NAMESPACE files): each is an rkbridge export or has a written reason.

DATA = Path(__file__).resolve().parent / "data"
ROOT = DATA.parents[1]


def _names(file: str) -> list[str]:
    return [ln.strip() for ln in (DATA / file).read_text().splitlines()
            if ln.strip() and not ln.startswith("#")]


def reasons() -> dict[str, str]:
    """tests/data/coverage-reasons.txt: `## reason` heads a group of names."""
    out: dict[str, str] = {}
    why = ""
    for ln in (DATA / "coverage-reasons.txt").read_text().splitlines():
        if ln.startswith("## "):
            why = ln[3:].strip()
        elif ln.strip() and not ln.startswith("#"):
            assert ln.strip() not in out, f"{ln.strip()} has two reasons"
            out[ln.strip()] = why
    return out


def rkbridge_exports() -> set[str]:
    namespace = (ROOT / "NAMESPACE").read_text()
    return {n.strip().strip('"`') for n in re.findall(r"^export\((.*)\)\s*$", namespace, re.M)}


@pytest.mark.parametrize("file", ["keras2-exports.txt", "keras3-exports.txt"])
def test_every_r_interface_export_exists_or_has_a_reason(file):
    have = rkbridge_exports()
    missing = [n for n in _names(file) if n not in have and n not in reasons()]
    assert not missing, (f"{file}: names rkbridge lacks, without a reason in "
                         f"tests/data/coverage-reasons.txt: {missing}")


def test_reasons_are_written_and_current():
    have = rkbridge_exports()
    listed = set(_names("keras2-exports.txt")) | set(_names("keras3-exports.txt"))
    for name, why in reasons().items():
        assert len(why) > 10, f"{name}: say why it is missing"
        assert name in listed, f"{name} is in neither R interface: drop its reason"
        assert name not in have, f"rkbridge exports {name} now: drop its reason"


def test_generated_r_names_are_exported():
    """The engine's functions with an R wrapper are in NAMESPACE (roxygen was run)."""
    from rkbridge.wrappers import ops, removed
    have = rkbridge_exports()
    assert set(ops.exported()) - have == set()
    assert set(removed.REMOVED) - have == set()


def test_export_lists_are_made_from_the_namespace_files():
    from tools import export_lists
    namespace = "export(\"%>%\")\nexport(op_add)\nS3method(print,foo)\nexport(`%<-%`)\n"
    assert export_lists.exports(namespace) == ["%<-%", "%>%", "op_add"]
    k3 = _names("keras3-exports.txt")
    assert len(k3) == 792 and "op_add" in k3 and "keras_input" in k3
    assert len(_names("keras2-exports.txt")) == 561
