"""The public API: every function R and Python users call, by its R name."""
from __future__ import annotations

from typing import Any, Callable

from .datautils import (datasets, feature_space, labels, legacy_image, legacy_text,
                        preprocessing, tfdatasets, vocabulary)
from .persistence import registry, saving
from .tracking import runs
from .training import callbacks, distributed, generators, model, on_batch, plot, rclasses
from .wrappers import (applications, axes, backend, dialect, families, layers, naming, ops,
                       removed, tensor_methods, tensorflow_r)

API: dict[str, Callable[..., Any]] = {}
API.update(layers.exported())
API.update(families.exported())
API.update(backend.exported())
API.update(ops.exported())  # keras3's op_*(), random_*(), config_*()
API.update(removed.exported())  # Keras 2 graph APIs: an error naming the replacement
API.update(preprocessing.exported())
API.update(applications.exported())
API.update(datasets.exported())
API.update(legacy_text.exported())
API.update(on_batch.exported())
API.update(vocabulary.exported())
API.update(feature_space.exported())  # layer_feature_space() and the feature_*() specs
API.update(saving.EXPORTS)
API.update(rclasses.EXPORTS)  # classes defined in R (R/classes.R)
API.update(legacy_image.EXPORTS)
API.update(registry.EXPORTS)  # keras3's registry, state tree, dataset utilities
API.update(tfdatasets.EXPORTS)  # the tfdatasets R package's core over tf.data
API.update(tensorflow_r.EXPORTS)  # reticulate's and tensorflow's helpers; keras 2.x switches
API.update(plot.EXPORTS)  # plot(model) (R/model.R)
API.update(runs.EXPORTS)  # tfruns's flags(), the tensorflow R package's tensorboard()
API["callback_r"] = callbacks.callback_r  # R6 / new_callback_class() callbacks
API.update(tensor_methods.EXPORTS)  # R generics and `[` on tensors (R/ops.R)
API["set_dialect"] = dialect.set_dialect  # options(rkbridge.dialect), see dialect.py
API["current_dialect"] = dialect.current
API["set_axis_rule"] = axes.set_axis_rule  # its older name, options(rkbridge.axis)
API["axis_rule"] = axes.axis_rule
API.update(model.NODE_FUNCTIONS)  # keras 2.x get_input_at() and friends
API["legacy_class_names"] = naming.legacy_class_names  # R/convert.R, once a session
API.update(
    layer_input=layers.layer_input,
    keras_input=layers.layer_input,  # keras3's name
    keras_model_sequential=model.keras_model_sequential,
    keras_model=model.keras_model,
    compose_layer=model.compose_layer,
    sequential_io=model.sequential_io,  # model$input / model$output (R/model-state.R)
    layer_io_shape=model.layer_io_shape,  # layer$input_shape / $output_shape (same)
    compile=model.compile,
    fit=model.fit,
    evaluate=model.evaluate,
    predict=model.predict,
    predict_proba=model.predict_proba,
    predict_classes=model.predict_classes,
    get_layer=model.get_layer,
    pop_layer=model.pop_layer,
    freeze_weights=model.freeze_weights,
    unfreeze_weights=model.unfreeze_weights,
    get_weights=model.get_weights,
    set_weights=model.set_weights,
    count_params=model.count_params,
    clone_model=model.clone_model,
    summary_text=model.summary_text,
    to_categorical=labels.to_categorical,
    custom_metric=labels.custom_metric,
    shape=labels.shape,
    shape_dims=labels.shape_dims,  # R's keras_shape
    as_numpy=labels.as_numpy,
    strategy_mirrored=distributed.strategy_mirrored,
    strategy_multi_worker=distributed.strategy_multi_worker,
    strategy_is_chief=distributed.is_chief,
    config_enable_unsafe_deserialization=labels.config_enable_unsafe_deserialization,
    generator_next=generators.generator_next,
)
