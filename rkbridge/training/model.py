"""Models: building, compiling, training, predicting and inspecting, with R conventions."""
from __future__ import annotations

import inspect
import warnings
from typing import Any, Sequence

import numpy as np

from ..wrappers import args as A
from . import batches as B
from . import data as D
from . import data_path as P
from ..wrappers import dialect as DI
from . import distributed
from ..datautils import feature_space as FS
from . import fast_predict
from . import generators as G
from .. import keras_internals as KI
from .._keras import keras
from ..diagnose import check_identifiers
from ..errors import RkIndexError, RkNotCompiledError, RkTypeError, RkValueError, suggest
from ..wrappers.families import SPECS
from .history import History
from .interrupts import interrupted_fit, is_interrupt
from ..wrappers.layers import add_to_sequential, compose, forget_compiled_functions
from ..values import Named, resolve  # noqa: F401  (Named: rkbridge.training.model.Named)
from .progress import ProgressLogger, resolve_verbose


# -- building ------------------------------------------------------------------------------

def keras_model_sequential(layers: Any = None, name: str | None = None,
                           input_shape: Any = None, input_batch_size: Any = None,
                           input_dtype: str | None = None, batch_size: Any = None,
                           trainable: bool = True, **kwargs: Any) -> keras.Sequential:
    """An empty (or pre-filled) Sequential model; `input_shape` adds its Input first."""
    model = keras.Sequential(name=name, trainable=A.as_bool(trainable))
    if input_dtype is None and input_shape is not None:
        input_dtype = kwargs.pop("dtype", None)  # keras 2.x: `...` went to the input layer
    if input_dtype is not None and not isinstance(input_dtype, str):
        input_dtype = getattr(input_dtype, "name", input_dtype)  # a tf.DType (tf$string)
    if input_shape is not None:
        bs = input_batch_size if input_batch_size is not None else batch_size
        model.add(keras.Input(shape=A.as_shape(input_shape, "input_shape"),
                              batch_size=A.as_integer(bs, "batch_size"), dtype=input_dtype))
    for layer in ([] if layers is None else (layers if isinstance(layers, (list, tuple))
                                              else [layers])):
        add_to_sequential(model, layer)
    return model


def keras_model(inputs: Any, outputs: Any = None, name: str | None = None,
                **kwargs: Any) -> keras.Model:
    """A functional model from input and output tensors (single or lists)."""
    def unwrap(t: Any) -> Any:
        if isinstance(t, (list, tuple)) and len(t) == 1:
            return t[0]
        return list(t) if isinstance(t, tuple) else t
    return keras.Model(inputs=unwrap(inputs), outputs=unwrap(outputs), name=name, **kwargs)


def compose_layer(object: Any, layer: Any) -> Any:
    """Call `layer` (or a model used as one) on `object` with the object-first rules; a
    feature space encodes the data it is called on (feature_space.apply_space())."""
    if isinstance(layer, FS.FeatureSpace):
        return FS.apply_space(layer, object)
    return compose(object, layer)


def compile(object: keras.Model, optimizer: Any = "rmsprop", loss: Any = None,
            metrics: Any = None, loss_weights: Any = None, weighted_metrics: Any = None,
            run_eagerly: Any = None, steps_per_execution: Any = None,
            jit_compile: Any = "auto", **kwargs: Any) -> keras.Model:
    _check_model(object, "compile")
    optimizer = resolve(optimizer)
    if isinstance(optimizer, str):
        optimizer = optimizer.lower()
    metrics = _named_custom_metrics(object, resolve(metrics))
    if isinstance(metrics, (str,)) or callable(metrics) and not isinstance(metrics, list):
        metrics = [metrics]
    weighted_metrics = resolve(weighted_metrics)
    if isinstance(weighted_metrics, str) or (callable(weighted_metrics)
                                             and not isinstance(weighted_metrics, list)):
        weighted_metrics = [weighted_metrics]
    check_identifiers(resolve(loss), metrics)
    metrics = _for_each_output(object, metrics)
    extra = {}
    if steps_per_execution is not None:
        extra["steps_per_execution"] = A.as_integer(steps_per_execution, "steps_per_execution")
    loss, loss_weights = resolve(loss), A.as_weight_list(loss_weights, "loss_weights")
    outputs = len(getattr(object, "outputs", None) or []) if object.built else 0
    if (isinstance(loss_weights, list) and len(loss_weights) == outputs > 1
            and not isinstance(loss, (list, dict))):
        loss = [loss] * outputs  # one loss for every output, as Keras 2 applied it
    object.compile(optimizer=optimizer, loss=loss, metrics=metrics,
                   loss_weights=loss_weights,
                   weighted_metrics=weighted_metrics,
                   run_eagerly=A.as_bool(run_eagerly), jit_compile=A.as_bool(jit_compile),
                   **extra, **kwargs)
    return object


def sequential_io(object: keras.Sequential, name: str) -> Any:
    """`model$input` / `model$output` of a Sequential model, as keras 2.x gave them: those
    of the functional graph Keras 3 builds once the input shape is known (Keras 3's
    Sequential has `inputs`/`outputs` but its `input`/`output` look for a call of the
    model itself, and fail)."""
    name = str(name)
    functional = KI.sequential_functional(object)
    if functional is None:
        raise RkValueError(
            f"The Sequential model \"{object.name}\" has no {name} yet: give its input shape "
            f"(`keras_model_sequential(input_shape = ...)` or `input_shape =` of the first "
            f"layer) or call it on data first.")
    return getattr(functional, name)


def _named_custom_metrics(object: Any, metrics: Any) -> Any:
    """`metrics = list(my_metric = function(y_true, y_pred) ...)`, names that are not the
    model's output names: keras 2.x named each function after its name, with a deprecation
    warning (custom_metric() is the way); Keras 3 would read the names as outputs."""
    if not isinstance(metrics, dict) or not metrics:
        return metrics
    outputs = list(getattr(object, "output_names", None) or [])
    if all(k in outputs for k in metrics):
        return metrics
    out = []
    for name, fn in metrics.items():
        if callable(fn) and not isinstance(fn, (keras.metrics.Metric, type)):
            warnings.warn("Passing names for custom metrics is deprecated. Please use the "
                          "custom_metric() function to define custom metrics.")
            fn = _renamed(fn, name)
        out.append(fn)
    return out


def _for_each_output(object: Any, metrics: Any) -> Any:
    """A flat list of metrics for a model of several outputs, not one entry per output:
    each output gets them all, as in keras 2.x (Keras 3 refuses the list)."""
    names = list(getattr(object, "output_names", None) or []) if object.built else []
    if (len(names) > 1 and isinstance(metrics, list) and len(metrics) != len(names)
            and not any(isinstance(m, (list, tuple, dict)) for m in metrics)):
        return {n: list(metrics) for n in names}
    return metrics


def _renamed(fn: Any, name: str) -> Any:
    def metric(y_true: Any, y_pred: Any) -> Any:
        return fn(y_true, y_pred)
    metric.__name__ = metric.__qualname__ = name
    return metric


def _check_model(object: Any, fn: str) -> None:
    if not isinstance(object, keras.Model):
        raise RkTypeError(f"{fn}() needs a Keras model as `object`, not "
                          f"{type(object).__name__}.")


def _check_compiled(object: Any, fn: str) -> None:
    _check_model(object, fn)
    if not getattr(object, "compiled", False) or getattr(object, "optimizer", None) is None:
        raise RkNotCompiledError(
            f"The model must be compiled before {fn}(): call compile(model, optimizer = "
            f"\"adam\", loss = \"mse\") (with your optimizer and loss) first.")


def _validation(object: Any, validation_data: Any, steps: Any, allow_na: bool) -> Any:
    if validation_data is None:
        return None
    source = P.stream(object, validation_data, A.as_integer(steps, "validation_steps"),
                      "validation_data", "fit", allow_na=allow_na)
    if source is not None:
        return source
    if not isinstance(validation_data, (list, tuple)) or len(validation_data) not in (2, 3):
        raise RkValueError("`validation_data` must be list(x_val, y_val) or "
                           "list(x_val, y_val, sample_weights).")
    names = tuple(f"validation_data[[{i + 1}]]" for i in range(3))
    x, y, w = P.prepare(object, *(list(validation_data) + [None])[:3], allow_na=allow_na,
                        names=names, tensors=not distributed.is_multi_worker(object))
    return (x, y) if w is None else (x, y, w)


def _no_targets(y: Any, sample_weight: Any, fn: str) -> None:
    for arg, value in (("y", y), ("sample_weight", sample_weight)):
        if value is not None:
            raise RkValueError(f"{fn}(): `{arg}` must not be given when `x` is a generator "
                               f"or dataset: its batches hold the targets and weights "
                               f"(list(x, y, sample_weight)).")


def fit(object: keras.Model, x: Any = None, y: Any = None, batch_size: Any = None,
        epochs: Any = None, verbose: Any = "auto", callbacks: Any = None,
        validation_split: Any = 0.0, validation_data: Any = None, shuffle: Any = True,
        class_weight: Any = None, sample_weight: Any = None, initial_epoch: Any = None,
        steps_per_epoch: Any = None, validation_steps: Any = None,
        validation_batch_size: Any = None, validation_freq: Any = 1,
        allow_na: bool = False, view_metrics: Any = None, dialect: Any = None,
        **kwargs: Any) -> History:
    """Train the model; returns a History with `params` and per-epoch `metrics`.
    `epochs` and `initial_epoch` mean what they mean in `dialect` (dialect.py; None: the
    session's): keras3 1 epoch by default, `initial_epoch` 1-based; keras2 10 epochs,
    0-based. `view_metrics` (the R interface's live viewer) is accepted and ignored."""
    _check_compiled(object, "fit")
    allow_na = bool(A.as_bool(allow_na))
    if G.is_tf_dataset(x) and batch_size is not None:
        raise RkValueError("fit(): `batch_size` must not be given when `x` is a "
                           "TensorFlow dataset: its elements are the batches (set their "
                           "size with dataset_batch()).")
    source = P.stream(object, x, A.as_integer(steps_per_epoch, "steps_per_epoch"), "x", "fit",
                      allow_na=allow_na)
    if source is not None:
        _no_targets(y, sample_weight, "fit")
        x = source
        shuffle = False  # the source gives its own order (Keras would only warn)
        held_out = None
    else:
        split = A.normalize({"validation_split": validation_split})["validation_split"]
        ours = not distributed.is_multi_worker(object)
        (x, y, sample_weight), held_out = P.prepare_fit(
            object, x, y, sample_weight, allow_na=allow_na, tensors=ours,
            split=(split or 0.0) if ours and validation_data is None else 0.0)
    val = _validation(object, validation_data, validation_steps, allow_na)
    if held_out is not None:  # validation_split taken as Keras takes it
        val, validation_split = held_out, 0.0
    kw = A.normalize(dict(
        batch_size=batch_size, epochs=DI.fit_epochs(epochs, dialect),
        validation_split=validation_split, class_weight=class_weight, callbacks=callbacks,
        initial_epoch=DI.fit_initial_epoch(initial_epoch, dialect),
        steps_per_epoch=steps_per_epoch, validation_steps=validation_steps,
        validation_batch_size=validation_batch_size, validation_freq=validation_freq))
    epochs, batch_size = kw["epochs"], kw["batch_size"]
    verbose = resolve_verbose(A.scalar(verbose))
    cbs = kw["callbacks"]
    if verbose:
        cbs.append(ProgressLogger(verbose, epochs))
    n = D.nrows(x)
    split = kw["validation_split"] or 0.0
    if n is not None and split and val is None:
        n = P.split_at(n, split)
    params = {"batch_size": batch_size or 32, "samples": n, "epochs": epochs,
              "verbose": verbose}
    previous = getattr(object, "history", None)
    try:
        with P.dataset_errors(x, val):
            h = _runner(object).fit(
                x=x, y=y, batch_size=batch_size, epochs=epochs, verbose=0, callbacks=cbs,
                validation_split=split, validation_data=val,
                shuffle=A.as_bool(shuffle), class_weight=kw["class_weight"],
                sample_weight=sample_weight, initial_epoch=kw["initial_epoch"],
                steps_per_epoch=kw["steps_per_epoch"], validation_steps=kw["validation_steps"],
                validation_batch_size=kw["validation_batch_size"],
                validation_freq=kw["validation_freq"], **kwargs)
    except BaseException as e:
        if is_interrupt(e):
            raise interrupted_fit(object, epochs, params, previous) from None
        raise
    return History.from_keras(h, params)


def evaluate(object: keras.Model, x: Any = None, y: Any = None, batch_size: Any = None,
             verbose: Any = 0, sample_weight: Any = None, steps: Any = None,
             callbacks: Any = None, allow_na: bool = False, **kwargs: Any) -> dict[str, float]:
    """Loss and metrics on the given data, as a named list (`$loss`, `$accuracy`, ...)."""
    _check_compiled(object, "evaluate")
    kwargs = _keras_takes(object, kwargs, "evaluate")
    steps = A.as_integer(steps, "steps")
    allow_na = bool(A.as_bool(allow_na))
    source = P.stream(object, x, steps, "x", "evaluate", allow_na=allow_na)
    if source is not None:
        _no_targets(y, sample_weight, "evaluate")
        x = source
    else:
        x, y, sample_weight = P.prepare(object, x, y, sample_weight, allow_na=allow_na,
                                        fn="evaluate",
                                        tensors=not distributed.is_multi_worker(object))
    v = A.scalar(verbose)
    kw = A.normalize(dict(batch_size=batch_size, steps=steps, callbacks=callbacks))
    batch_size, steps, callbacks = kw["batch_size"], kw["steps"], kw["callbacks"]
    with P.dataset_errors(x):
        out = _runner(object).evaluate(
            x=x, y=y, batch_size=batch_size, verbose=0 if v == "auto" else int(v),
            sample_weight=sample_weight, steps=steps, callbacks=callbacks, **kwargs)
    return {k: float(out[k]) for k in _result_order(object, out)}


class _KerasLoop:
    """Keras's own fit(), evaluate() and predict(), fed ready-made batches of arrays
    (batches.py) and predicting one batch through predict_on_batch() (fast_predict.py)."""

    def __init__(self, model: keras.Model):
        self.model = model

    def fit(self, **kw: Any) -> Any:
        return self.model.fit(**kw)

    def evaluate(self, x: Any, y: Any, batch_size: Any, sample_weight: Any, steps: Any,
                 **kw: Any) -> dict[str, Any]:
        batches = B.as_batches(x, y, batch_size) \
            if steps is None and sample_weight is None and y is not None else None
        if batches is not None:
            x, y, batch_size = batches, None, None
        return self.model.evaluate(x=x, y=y, batch_size=batch_size,
                                   sample_weight=sample_weight, steps=steps,
                                   return_dict=True, **kw)

    def predict(self, x: Any, batch_size: Any, steps: Any, callbacks: Any, verbose: int,
                **kw: Any) -> Any:
        fast = fast_predict.try_predict(self.model, x, batch_size, steps=steps,
                                        callbacks=callbacks or None, **kw)
        if fast is not None:
            return fast
        batches = B.as_batches(x, batch_size=batch_size) if steps is None else None
        if batches is not None:
            x, batch_size = batches, None
        return self.model.predict(x, batch_size=batch_size, verbose=verbose, steps=steps,
                                  callbacks=callbacks, **kw)


def _runner(model: keras.Model) -> Any:
    """Where fit(), evaluate() and predict() run: Keras's loop, or distributed.py's for a
    model made under a MultiWorkerMirroredStrategy (Keras 3's fit() cannot train there)."""
    return distributed.Runner(model) if distributed.is_multi_worker(model) \
        else _KerasLoop(model)


def _keras_takes(model: Any, kwargs: dict[str, Any], fn: str) -> dict[str, Any]:
    """The arguments Keras's method `fn` names; the others (e.g. `epochs` given to
    evaluate(), which the R interface to Keras 2 ignored without a word) are dropped with a
    warning. A model class with its own `fn` gets them all."""
    method = getattr(keras.Model, fn)
    if not kwargs or getattr(type(model), fn, None) is not method:
        return kwargs
    known = {k for k, p in inspect.signature(method).parameters.items()
             if p.kind is not p.VAR_KEYWORD}
    unknown = [k for k in kwargs if k not in known]
    if unknown:
        warnings.warn(f"{fn}() ignores {', '.join(f'`{k}`' for k in unknown)}: Keras's "
                      f"{fn}() has no such argument.", stacklevel=2)
    return {k: v for k, v in kwargs.items() if k in known}


def _result_order(model: keras.Model, logs: dict[str, Any]) -> list[str]:
    """The keys of evaluate()'s logs in the order both R interfaces give: `loss`, the
    per-output losses in output order, then the metrics in compile order (Keras's dict comes
    back sorted by name, and scripts read `score[[1]]` as the loss). Keys only a custom
    `test_step()` knows keep Keras's order after those."""
    losses: list[str] = []
    metrics: list[str] = []
    for m in getattr(model, "metrics", []):
        try:
            result = m.result()
        except Exception:  # noqa: BLE001 - a metric that cannot report only loses its place
            continue
        if isinstance(result, dict):  # Keras's compiled metrics, in compile order
            metrics.extend(result)
        else:
            losses.append(m.name)
    known = [k for k in ["loss"] + losses + metrics if k in logs]
    known = list(dict.fromkeys(known))
    return known + [k for k in logs if k not in known]


def predict(object: keras.Model, x: Any, batch_size: Any = None, verbose: Any = 0,
            steps: Any = None, callbacks: Any = None, allow_na: Any = False,
            **kwargs: Any) -> Any:
    """Predictions as arrays with samples first (a list of them for several outputs).
    `allow_na`: predict on inputs holding NA/NaN/Inf (their rows come out NaN)."""
    _check_model(object, "predict")
    kwargs = _keras_takes(object, kwargs, "predict")
    steps = A.as_integer(steps, "steps")
    allow_na = bool(A.as_bool(allow_na))
    source = P.stream(object, x, steps, "x", "predict", targets=False, allow_na=allow_na)
    if source is None:
        x = fast_predict.as_adapter_would(P.prepare(
            object, x, allow_na=allow_na, fn="predict",
            tensors=not distributed.is_multi_worker(object))[0])
        if D.nrows(x) == 0:  # Keras's predict() fails on no batches: no rows in, no rows out
            return keras.tree.map_structure(np.asarray, object(x, training=False))
    kw = A.normalize(dict(batch_size=batch_size, steps=steps, callbacks=callbacks))
    v = A.scalar(verbose)
    run = _runner(object).predict
    options = dict(batch_size=kw["batch_size"], steps=kw["steps"], callbacks=kw["callbacks"],
                   verbose=0 if v == "auto" else int(v), **kwargs)
    if source is None:  # arrays: no pipeline whose errors to word
        return run(x, **options)
    with P.dataset_errors(source):
        return run(source, **options)


def predict_proba(object: keras.Model, x: Any, batch_size: Any = None, verbose: Any = 0,
                  **kwargs: Any) -> Any:
    return predict(object, x, batch_size=batch_size, verbose=verbose, **kwargs)


def predict_classes(object: keras.Model, x: Any, batch_size: Any = None, verbose: Any = 0,
                    **kwargs: Any) -> np.ndarray:
    """Class codes 0..k-1 (the codes `to_categorical()` takes): the arg max of a multi-class
    output, or `p > 0.5` for a single sigmoid output."""
    p = np.asarray(predict(object, x, batch_size=batch_size, verbose=verbose, **kwargs))
    if p.ndim >= 2 and p.shape[-1] > 1:
        return p.argmax(axis=-1).astype(np.int32)
    return (p.reshape(p.shape[0]) > 0.5).astype(np.int32)


# -- inspection and surgery ----------------------------------------------------------------

def _layers(object: Any) -> list[Any]:
    return list(object.layers)


def _layer_index(object: Any, index: Any, arg: str) -> int:
    """A 1-based index (negative from the end) or a layer name -> 0-based position."""
    layers = _layers(object)
    n = len(layers)
    if isinstance(index, str):
        names = [l.name for l in layers]
        if index not in names:
            raise RkValueError(f"No layer named \"{index}\" (`{arg}`).{suggest(index, names)} "
                               f"Layers: {', '.join(repr(x) for x in names)}.")
        return names.index(index)
    if hasattr(index, "name") and not isinstance(index, (int, float)):
        return _layer_index(object, index.name, arg)

    if isinstance(index, (np.ndarray, list, tuple)):
        raise RkValueError(f"`{arg}` must be one layer's position or name, not {np.size(index)} "
                           f"values: get one layer per call (or `model$layers[c(...)]`).")

    def out_of_range(i: Any) -> RkIndexError:
        return RkIndexError(f"`{arg} = {i}` is out of range: the model has {n} layer"
                            f"{'s' if n != 1 else ''} (use 1 to {n}, or -1 to -{n} from "
                            f"the end).")
    i = A.as_integer(index, arg)
    if i is None:
        raise out_of_range(i)
    return A.zero_based(i, A.POSITION, arg, size=n, error=out_of_range)


def get_layer(object: Any, name: str | None = None, index: Any = None) -> Any:
    """A layer by name or by 1-based index (negative counts from the end)."""
    if name is not None:
        return _layers(object)[_layer_index(object, str(A.scalar(name)), "name")]
    if index is None:
        raise RkValueError("get_layer() needs `name` or `index`.")
    return _layers(object)[_layer_index(object, A.scalar(index), "index")]


def pop_layer(object: keras.Sequential) -> keras.Sequential:
    """Remove the last layer of a Sequential model (in place)."""
    if not isinstance(object, keras.Sequential):
        raise RkTypeError("pop_layer() needs a Sequential model.")
    if not _layers(object):
        raise RkValueError("pop_layer(): the model has no layers to remove.")
    object.pop()
    forget_compiled_functions(object)
    return object


def _which_layers(object: Any, which: Any) -> list[int]:
    """keras3's `which`: layer names, 1-based positions (negative from the end), layers, a
    logical vector with one value per layer, or a function of a layer giving TRUE/FALSE."""
    layers = _layers(object)
    if callable(which) and not isinstance(which, keras.layers.Layer):
        which = [bool(A.scalar(which(layer))) for layer in layers]
    if isinstance(which, np.ndarray):
        which = which.reshape(-1).tolist()
    if not isinstance(which, (list, tuple)):
        which = [which]
    if which and all(isinstance(w, (bool, np.bool_)) for w in which):
        if len(which) != len(layers):
            raise RkValueError(f"`which` has {len(which)} logical values for a model with "
                               f"{len(layers)} layers.")
        return [i for i, w in enumerate(which) if w]
    return [_layer_index(object, w, "which") for w in which]


def _set_trainable(object: Any, value: bool, from_: Any, to: Any, which: Any = None) -> Any:
    if which is None and from_ is None and to is None:
        # the whole object: a model or any layer (Keras sets its sublayers too)
        object.trainable = value
        for layer in getattr(object, "layers", ()):
            layer.trainable = value
        return object
    layers = _layers(object)
    if which is not None:
        if from_ is not None or to is not None:
            raise RkValueError("Give `which` or `from`/`to`, not both.")
        chosen = set(_which_layers(object, which))
        object.trainable = True
        for i, layer in enumerate(layers):  # the others get the opposite, as in keras3
            layer.trainable = value if i in chosen else not value
        return object
    object.trainable = True
    start = 0 if from_ is None else _layer_index(object, A.scalar(from_), "from")
    stop = len(layers) - 1 if to is None else _layer_index(object, A.scalar(to), "to")
    if start > stop:
        raise RkValueError(f"`from` ({start + 1}) comes after `to` ({stop + 1}).")
    for i, layer in enumerate(layers):  # the others get the opposite, as in keras 2.x
        layer.trainable = value if start <= i <= stop else not value
    return object


def freeze_weights(object: Any, from_: Any = None, to: Any = None, which: Any = None,
                   **kwargs: Any) -> Any:
    """Freeze layers `from` .. `to` (1-based, inclusive, negative from the end, or names),
    or the layers `which` selects (keras3: names, positions, layers, a logical vector or a
    function of a layer; the other layers are unfrozen); with none, the whole model."""
    return _set_trainable(object, False, kwargs.pop("from", from_), to, which)


def unfreeze_weights(object: Any, from_: Any = None, to: Any = None, which: Any = None,
                     **kwargs: Any) -> Any:
    """Unfreeze layers `from` .. `to` (1-based, inclusive), or the layers `which` selects
    (the others are frozen), or the whole model."""
    return _set_trainable(object, True, kwargs.pop("from", from_), to, which)


def get_weights(object: Any) -> list[np.ndarray]:
    return [np.asarray(w) for w in object.get_weights()]


def set_weights(object: Any, weights: Sequence[Any]) -> Any:
    current = object.get_weights()
    weights = list(weights)
    if len(weights) != len(current):
        raise RkValueError(f"set_weights(): the model has {len(current)} weight arrays but "
                           f"{len(weights)} were given.")
    fixed = []
    for i, (w, c) in enumerate(zip(weights, current)):
        w = np.asarray(w)
        if w.shape != c.shape:
            if w.size == c.size and w.ndim <= 1 and c.ndim <= 1:
                w = w.reshape(c.shape)
            else:
                from ..errors import RkShapeError, r_dims
                raise RkShapeError(f"set_weights(): weight [[{i + 1}]] has dim() "
                                   f"{r_dims(w.shape)} but the model needs {r_dims(c.shape)}.")
        fixed.append(w.astype(c.dtype))
    object.set_weights(fixed)
    return object


def clone_model(object: Any, input_tensors: Any = None, clone_function: Any = None,
                **kwargs: Any) -> Any:
    """A new model with the same architecture and freshly initialised weights (layers are
    not shared with the original)."""
    _check_model(object, "clone_model")
    # Keras compiles the clone like the original: let it find the custom metrics/losses.
    with keras.saving.custom_object_scope(_compile_objects(object)):
        return keras.models.clone_model(object, input_tensors=input_tensors,
                                        clone_function=clone_function, **kwargs)


def _compile_objects(model: Any) -> dict[str, Any]:
    """The named functions (custom metrics and losses) a model was compiled with."""
    found: dict[str, Any] = {}

    def walk(v: Any) -> None:
        if isinstance(v, dict):
            for i in v.values():
                walk(i)
        elif isinstance(v, (list, tuple)):
            for i in v:
                walk(i)
        elif callable(v) and isinstance(getattr(v, "__name__", None), str):
            found[v.__name__] = v
    walk(KI.compile_config(model))
    return found


def count_params(object: Any) -> int:
    return int(object.count_params())


def summary_text(object: Any, line_length: Any = None, positions: Any = None,
                 expand_nested: bool = False, show_trainable: bool = False) -> str:
    """Keras's summary table as text; an unbuilt model says so."""
    if isinstance(object, keras.Model) and not object.built:
        return (f"Model: \"{object.name}\" (unbuilt)\n<no summary available, model was not "
                f"built: it knows its input shape once built or called on data>")
    lines: list[str] = []

    def collect(text: str, *args: Any, **kwargs: Any) -> None:
        lines.append(text)

    object.summary(line_length=A.as_integer(line_length, "line_length"), positions=positions,
                   print_fn=collect, expand_nested=A.as_bool(expand_nested),
                   show_trainable=A.as_bool(show_trainable))
    return "\n".join(l.rstrip("\n") for l in lines)


# keras 2.x's layer node accessors: what the layer received or produced the n-th time it was
# called on symbolic inputs (1-based). The node attribute behind each, by R name.
NODE_ACCESSORS: dict[str, tuple[str, str]] = {
    "get_input_at": ("input_tensors", "tensors"),
    "get_output_at": ("output_tensors", "tensors"),
    "get_input_shape_at": ("input_tensors", "shape"),
    "get_output_shape_at": ("output_tensors", "shape"),
    "get_input_mask_at": ("input_tensors", "mask"),
    "get_output_mask_at": ("output_tensors", "mask"),
}


def _node_accessor(r_name: str, attr: str, part: str) -> Any:
    def fn(object: Any, node_index: Any) -> Any:
        if not isinstance(object, keras.layers.Layer):
            raise RkTypeError(f"{r_name}() needs a layer, not {type(object).__name__}.")
        i = A.as_integer(node_index, "node_index")
        nodes = KI.inbound_nodes(object)

        def out_of_range(i: Any) -> RkIndexError:
            return RkIndexError(f"`node_index` {i} is out of range: layer "
                                f"\"{object.name}\" was called {len(nodes)} time(s).")
        if not isinstance(i, int):
            raise out_of_range(i)
        tensors = KI.node_tensors(nodes[A.zero_based(i, A.POSITION, "node_index", len(nodes),
                                                     out_of_range)], attr)
        if part == "shape":
            values = [list(t.shape) for t in tensors]
        elif part == "mask":
            values = [KI.keras_mask(t) for t in tensors]
        else:
            values = tensors
        return values[0] if len(values) == 1 else values
    fn.__name__ = fn.__qualname__ = r_name
    fn.__doc__ = f"keras 2.x's `{r_name}()`: the layer's node `{attr}` ({part}), 1-based."
    return fn


NODE_FUNCTIONS: dict[str, Any] = {name: _node_accessor(name, attr, part)
                                  for name, (attr, part) in NODE_ACCESSORS.items()}


def layer_io_shape(object: Any, name: str) -> Any:
    """`layer$input_shape` / `layer$output_shape` of a layer, as keras 2.x gave them (Keras 3
    keeps them on functional models only): the shape its calls in graphs shared, a list of
    shapes for several tensors; an error when the calls differ or there was none."""
    name = str(name)
    attr = "input_tensors" if name == "input_shape" else "output_tensors"
    shapes = []
    for node in KI.inbound_nodes(object):
        found = [list(t.shape) for t in KI.node_tensors(node, attr)]
        shapes.append(found[0] if len(found) == 1 else found)
    if not shapes:
        raise RkValueError(
            f"The layer \"{object.name}\" has no {name} yet: it is known once the layer is "
            f"called on an input (a layer_input() or a model's input).")
    if any(s != shapes[0] for s in shapes[1:]):
        fn = "get_input_shape_at" if name == "input_shape" else "get_output_shape_at"
        raise RkValueError(
            f"The layer \"{object.name}\" was called {len(shapes)} times on inputs of "
            f"different shapes, so it has no single {name}: use {fn}(layer, node_index).")
    return shapes[0]
