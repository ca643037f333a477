"""Keras 2 functions of the R interface that Keras 3 cannot express (graph-mode sessions,
placeholders, learning phases, ...): each is a function that signals a clear error naming
what to use instead, so a keras 2.x script stops at the line to change, with the way out.
`REMOVED` is the declarative table: R name -> the Keras 3 replacement, in R terms."""
from __future__ import annotations

from typing import Any, Callable

from ..errors import RkRemovedError

_EAGER = ("Keras 3 runs eagerly, with no graph sessions: tensors have values at once "
          "(use as.array()).")
_PHASE = ("Keras 3 has no global learning phase: pass `training = TRUE` or `FALSE` when "
          "calling a layer or model, e.g. `layer(x, training = TRUE)`.")

_CHECKPOINT = ("Keras 3 keeps weights in `.weights.h5` files, not TensorFlow checkpoints: "
               "use save_model_weights(model, \"name.weights.h5\") and "
               "load_model_weights(model, \"name.weights.h5\") (or the whole model with "
               "save_model()).")

REMOVED: dict[str, str] = {
    "k_placeholder": "Keras 3 has no placeholders: use layer_input() (keras3: keras_input()) "
                     "for a symbolic input of a model.",
    "k_is_placeholder": "Keras 3 has no placeholders: k_is_keras_tensor() tells whether a "
                        "tensor is a symbolic input or output.",
    "k_function": "Keras 3 has no backend functions: build keras_model(inputs, outputs) and "
                  "call it (or predict()) on data.",
    "k_gradients": "Keras 3 has no symbolic gradients: compute them eagerly with "
                   "tf$GradientTape().",
    "k_get_session": _EAGER,
    "k_set_session": _EAGER,
    "k_manual_variable_initialization": "Keras 3 initialises variables when they are "
                                        "created; there is nothing to switch.",
    "k_learning_phase": _PHASE,
    "k_set_learning_phase": _PHASE,
    "k_in_train_phase": _PHASE,
    "k_in_test_phase": _PHASE,
    "k_get_uid": "Keras 3 names layers uniquely itself; k_clear_session() (keras3: "
                 "clear_session()) starts the names afresh.",
    "k_reset_uids": "Keras 3 names layers uniquely itself; k_clear_session() (keras3: "
                    "clear_session()) starts the names afresh.",
    "k_moving_average_update": "Keras 3 has no backend update ops: layer_batch_normalization() "
                               "keeps moving averages itself; for a variable use "
                               "k_update() with the new value.",
    "k_normalize_batch_in_training": "Keras 3 has no such backend op: use "
                                     "layer_batch_normalization(), or op_moments() and "
                                     "op_batch_normalization().",
    "k_rnn": "Keras 3 has no backend RNN loop: use layer_rnn() with a cell, or "
             "op_scan()/op_fori_loop().",
    "k_local_conv1d": "Keras 3 removed locally connected layers: use layer_conv_1d(), or "
                      "layer_dense() on patches.",
    "k_local_conv2d": "Keras 3 removed locally connected layers: use layer_conv_2d(), or "
                      "layer_dense() on patches.",
    "layer_locally_connected_1d": "Keras 3 removed locally connected layers: use "
                                  "layer_conv_1d(), or layer_dense() on patches.",
    "layer_locally_connected_2d": "Keras 3 removed locally connected layers: use "
                                  "layer_conv_2d(), or layer_dense() on patches.",
    "multi_gpu_model": "To train on several GPUs, build and compile the model inside "
                       "with_strategy(strategy_mirrored(), { ... }) (TensorFlow's "
                       "tf$distribute$MirroredStrategy()); fit() then uses every GPU.",
    "use_session_with_seed": "Keras 3 has no sessions: set the seeds with "
                             "set_random_seed(seed).",
    "save_model_weights_tf": _CHECKPOINT,
    "load_model_weights_tf": _CHECKPOINT,
}


def removed_function(name: str, replacement: str) -> Callable[..., Any]:
    def fn(*args: Any, **kwargs: Any) -> Any:
        raise RkRemovedError(f"{name}() was removed in Keras 3. {replacement}")
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = replacement
    return fn


def exported() -> dict[str, Callable[..., Any]]:
    return {name: removed_function(name, why) for name, why in REMOVED.items()}
