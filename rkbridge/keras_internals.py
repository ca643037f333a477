"""Every use of Keras's and TensorFlow's private API, behind one named function each.

Keras and TensorFlow change their private modules and attributes between releases without
notice; keeping each such use here, with the versions it is known for (`KERAS_KNOWN`,
`TF_KNOWN`), makes an upgrade one file to check (tests/test_compat.py covers each function).
Outside the known versions a function takes the public route where one exists; where none
does it still tries, and a missing piece is an `RkInternalsError` naming it and the versions.
"""
from __future__ import annotations

import contextlib
import functools
import importlib
import inspect
from types import ModuleType
from typing import Any, Callable, Iterator, Sequence, TypeVar

from ._keras import keras, tf
from .errors import RkError

T = TypeVar("T")

# The releases in which the private pieces below are known to exist as used here.
KERAS_KNOWN = ("3.0", "3.15")
TF_KNOWN = ("2.13", "2.21")


class RkInternalsError(RkError):
    r_class = "rkbridge_version_error"


def _version(text: str) -> tuple[int, ...]:
    parts = []
    for p in str(text).split(".")[:2]:
        digits = "".join(c for c in p if c.isdigit())
        parts.append(int(digits) if digits else 0)
    return tuple(parts)


@functools.lru_cache(maxsize=None)
def known(library: str) -> bool:
    """Whether the installed Keras ("keras") or TensorFlow ("tf") is in its known range."""
    installed, (lo, hi) = (keras.__version__, KERAS_KNOWN) if library == "keras" else \
        (tf.__version__, TF_KNOWN)
    return _version(lo) <= _version(installed) <= _version(hi)


def _private(what: str, library: str, get: Callable[[], T],
             public: Callable[[], T] | None = None) -> T:
    """`get()` where `library` is known to have `what`, else the `public` route; without one,
    `get()` anyway, and a clear error when it is missing."""
    if public is not None and not known(library):
        return public()
    try:
        return get()
    except (ImportError, AttributeError) as e:
        if public is not None:
            return public()
        name, version, (lo, hi) = ("Keras", keras.__version__, KERAS_KNOWN) \
            if library == "keras" else ("TensorFlow", tf.__version__, TF_KNOWN)
        raise RkInternalsError(
            f"rkbridge needs {name}'s internal {what}, which {name} {version} does not have "
            f"(rkbridge knows {name} {lo} to {hi}): install a {name} in that range.") from e


def _keras_module(path: str) -> ModuleType:
    return _private(f"module `keras.src.{path}`", "keras",
                    lambda: importlib.import_module(f"keras.src.{path}"))


# -- modules -------------------------------------------------------------------------------

def registry_table(module: str) -> dict[str, Any]:
    """A Keras family's table of names, aliases included ("mae"): `ALL_OBJECTS_DICT` of
    `keras.src.<module>` ("losses", "metrics", ...)."""
    return dict(_private(f"`keras.src.{module}.ALL_OBJECTS_DICT`", "keras",
                         lambda: importlib.import_module(f"keras.src.{module}").ALL_OBJECTS_DICT))


def file_utils() -> ModuleType:
    """The module whose `get_file` Keras's dataset loaders and applications call (the engine
    routes downloads by swapping it there)."""
    return _keras_module("utils.file_utils")


def dataset_module(name: str) -> ModuleType:
    """`keras.src.datasets.<name>`: the loader module, whose own `get_file` is routed."""
    return _keras_module(f"datasets.{name}")


def keras_home() -> str:
    """Keras's own cache directory (`~/.keras` unless KERAS_HOME was set at import)."""
    return _private("`keras.src.backend.config.keras_home`", "keras",
                    lambda: _keras_module("backend.config").keras_home())


def legacy_h5_format() -> ModuleType:
    """Keras's reader and writer of Keras 2's HDF5 model and weights files."""
    return _keras_module("legacy.saving.legacy_h5_format")


def merge_layer_base() -> type:
    """The base class of Keras's merge layers (`layer_add()`, `layer_concatenate()`, ...)."""
    return _private("class `Merge`", "keras",
                    lambda: _keras_module("layers.merging.base_merge").Merge)


def data_adapter_base() -> type:
    """The base class of Keras's trainers' data adapters."""
    return _private("class `DataAdapter`", "keras",
                    lambda: _keras_module("trainers.data_adapters.data_adapter").DataAdapter)


def compute_output_spec(fn: Callable[..., Any], *args: Any) -> Any:
    """Keras's tracer: the output spec of `fn` on symbolic `args`."""
    return _private("`compute_output_spec`", "keras",
                    lambda: _keras_module("backend").compute_output_spec)(fn, *args)


def predict_output_converter() -> Callable[[Any], Any]:
    """What `predict_on_batch()` does to each output: NumPy, ragged tensors as they are."""
    return _private("`convert_to_np_if_not_ragged`", "keras",
                    lambda: _keras_module("backend.tensorflow.trainer")
                    .convert_to_np_if_not_ragged)


# -- the registry of custom objects --------------------------------------------------------

def _registry() -> ModuleType:
    return _keras_module("saving.object_registration")


def register_custom_object(name: str, obj: Any) -> None:
    """Register `obj` under `name` exactly (no "package>" prefix), in both of Keras's tables
    as `register_keras_serializable()` fills them, so that the name maps back too."""
    reg = _registry()
    reg.GLOBAL_CUSTOM_OBJECTS[name] = obj
    reg.GLOBAL_CUSTOM_NAMES[obj] = name


def unregister_custom_object(name: str) -> None:
    reg = _registry()
    obj = reg.GLOBAL_CUSTOM_OBJECTS.pop(name, None)
    if obj is not None:
        reg.GLOBAL_CUSTOM_NAMES.pop(obj, None)


def scoped_custom_objects() -> dict[str, Any]:
    """The objects of the custom_object_scope() in force. Entering a scope replaces this
    table rather than adding to it, so a scope entered inside another must carry it over."""
    return _private("custom object scope table", "keras", lambda: dict(
        _keras_module("backend.common.global_state").get_global_attribute(
            "custom_objects_scope_dict", {}) or {}))


# -- models and layers ---------------------------------------------------------------------

def sequential_layers(model: Any) -> list[Any]:
    """A Sequential model's own list of layers, its InputLayer included."""
    return list(_private("`Sequential._layers`", "keras", lambda: model._layers))


def sequential_functional(model: Any) -> Any:
    """The functional model a Sequential builds once its input shape is known (or None)."""
    return _private("`Sequential._functional`", "keras", lambda: model._functional)


def inputs_struct(model: Any) -> Any:
    """The structure (list, dict) of inputs a functional model was built from, or None."""
    return getattr(model, "_inputs_struct", None)


def outputs_struct(model: Any) -> Any:
    """The structure (list, dict) of outputs a functional model was built from, or None."""
    return getattr(model, "_outputs_struct", None)


def inbound_nodes(layer: Any) -> list[Any]:
    """The nodes of a layer's calls in graphs, in order (one per call)."""
    return list(_private("`Layer._inbound_nodes`", "keras", lambda: layer._inbound_nodes))


def node_tensors(node: Any, which: str) -> list[Any]:
    """A layer call's (a node's) "output_tensors", or its "input_tensors": the tensors of the
    call's first argument. Keras's own `input_tensors` holds every tensor of the call,
    so also a mask it passes to `call(inputs, mask)`, which is not an input."""
    args = getattr(getattr(node, "arguments", None), "args", None)
    if which == "output_tensors" or not args:
        return list(getattr(node, which))
    return [t for t in keras.tree.flatten(args[0]) if isinstance(t, keras.KerasTensor)]


def keras_mask(tensor: Any) -> Any:
    """The mask Keras attached to a tensor (None when none)."""
    get = _private("`get_keras_mask`", "keras",
                   lambda: _keras_module("backend.common.masking").get_keras_mask,
                   lambda: lambda t: getattr(t, "_keras_mask", None))
    return get(tensor)


def flatten_layers(model: Any) -> list[Any]:
    """Every layer inside `model`, nested ones included, `model` itself not."""
    def walk(layer: Any) -> list[Any]:
        out = []
        for sub in getattr(layer, "layers", []):
            out += [sub] + walk(sub)
        return out
    return _private("`Layer._flatten_layers`", "keras",
                    lambda: list(model._flatten_layers(include_self=False)),
                    lambda: walk(model))


def compile_config(model: Any) -> dict[str, Any] | None:
    """The model's compile() arguments as Keras keeps them (the live dict, for code that must
    restore it after Keras's HDF5 writer changed it), None when not compiled."""
    holder = getattr(model, "_compile_config", None)
    return None if holder is None else holder.config


def set_compile_config(model: Any, config: dict[str, Any]) -> None:
    model._compile_config.config = config


def compile_state(model: Any) -> Any:
    """An object that is the same between two compile() calls and new after each."""
    return getattr(model, "_compile_config", None)


def state_tree(model: Any, variables: Sequence[Any], value_format: str) -> dict[str, Any]:
    """`variables` nested by their paths, as `Model.get_state_tree()` gives each group."""
    return _private("`Model._create_nested_dict`", "keras",
                    lambda: model._create_nested_dict(variables, value_format))


def adaptable_preprocessors(space: Any) -> Callable[[], list[str]]:
    """The method a FeatureSpace's adapt() asks which preprocessors to adapt."""
    return _private("`FeatureSpace._list_adaptable_preprocessors`", "keras",
                    lambda: space._list_adaptable_preprocessors)


def set_adaptable_preprocessors(space: Any, fn: Callable[[], list[str]]) -> None:
    space._list_adaptable_preprocessors = fn


# -- training under a tf.distribute strategy -----------------------------------------------

def model_strategy(model: Any) -> Any:
    """The strategy the model was made under, None when none was in scope."""
    return getattr(model, "_distribute_strategy", None)


def symbolic_build(model: Any, first_batch: Callable[[], Any]) -> None:
    """Create the optimizer's and the metrics' variables from a batch's shapes, once
    (`first_batch()` is asked only then)."""
    if getattr(model, "_symbolic_build_done", False):
        return
    _private("`Trainer._symbolic_build`", "keras",
             lambda: model._symbolic_build)(data_batch=first_batch())
    model._symbolic_build_done = True


def load_model_from_memory(fileobj: Any, **kwargs: Any) -> Any:
    """A `.keras` archive read from a file object (`keras.saving.load_model()` takes paths
    only; its archive loader takes both)."""
    return _keras_module("saving.saving_lib").load_model(fileobj, **kwargs)


@contextlib.contextmanager
def asset_staging(make_dir: Callable[[], str]) -> Iterator[None]:
    """Keras's `.keras` writer stages a model's asset files (vocabularies) in a folder from
    `saving_lib.get_temp_dir()`, always the temporary directory: `make_dir()` instead."""
    lib = _keras_module("saving.saving_lib")
    original = lib.get_temp_dir
    lib.get_temp_dir = make_dir
    try:
        yield
    finally:
        lib.get_temp_dir = original


@contextlib.contextmanager
def checkpoint_model(callback: Any, stand_in: Any) -> Iterator[None]:
    """`ModelCheckpoint`'s model seen as `stand_in` while it saves (its `_save_model()`
    calls `self.model.save()`/`save_weights()`, which have no hook of their own)."""
    model = callback._model
    callback._model = stand_in
    try:
        yield
    finally:
        callback._model = model


def take_restored_epoch(model: Any) -> int | None:
    """The epoch `BackupAndRestore` restored at the start of training (None when none),
    cleared so that a later fit() starts where it is told."""
    epoch = getattr(model, "_initial_epoch", None)
    model._initial_epoch = None
    return epoch


def backup_into(callback: Any, directory: str) -> None:
    """Point a `BackupAndRestore` callback's files at `directory`."""
    import os
    callback.backup_dir = directory
    callback._weights_path = os.path.join(directory, "latest.weights.h5")
    callback._training_metadata_path = os.path.join(directory, "training_metadata.json")
    callback._prev_weights_path = callback._weights_path + ".bkp"
    callback._prev_training_metadata_path = callback._training_metadata_path + ".bkp"


def strategy_workers(strategy: Any) -> int:
    return int(getattr(strategy.extended, "_num_workers", 1))


def strategy_worker_index(strategy: Any) -> int:
    """This worker's 0-based index in its cluster (0 outside one)."""
    return int(getattr(strategy.extended, "_id_in_cluster", 0))


def eager_context() -> Any:
    """TensorFlow's eager context (cluster and collective settings live there)."""
    return _private("`tensorflow.python.eager.context`", "tf",
                    lambda: importlib.import_module("tensorflow.python.eager.context")
                    .context())


def cluster_modules() -> tuple[ModuleType, ModuleType] | None:
    """TensorFlow's coordination-service config and multi-worker helpers, None in a
    TensorFlow laid out otherwise."""
    try:
        return (importlib.import_module("tensorflow.compiler.xla.tsl.protobuf."
                                        "coordination_config_pb2"),
                importlib.import_module("tensorflow.python.distribute.multi_worker_util"))
    except ImportError:
        return None


# -- datasets ------------------------------------------------------------------------------

def dataset_sources(dataset: Any) -> list[Any]:
    """The datasets `dataset` was made from (a map's or a batch's input, a zip's parts)."""
    return list(_private("`DatasetV2._inputs()`", "tf", lambda: dataset._inputs(),
                         lambda: []))


def iterator_dataset(iterator: Any) -> Any:
    """The dataset an iterator made by `iter(dataset)` reads (None for other iterators)."""
    return getattr(iterator, "_dataset", None)


# -- calling a traced function -------------------------------------------------------------

# ConcreteFunction._call_flat(tensors, captured_inputs): TensorFlow's own inner call, the
# same from 2.13 through 2.21; outside those versions the public call is used.
_FLAT_CALL = known("tf")


def has_flat_call(concrete: Any) -> bool:
    return _FLAT_CALL and hasattr(concrete, "_call_flat")


def flat_call(concrete: Any, tensors: list[Any]) -> Any:
    """Call a concrete function with its flat input tensors, skipping the binding of
    arguments to its signature (only where `has_flat_call()`)."""
    return concrete._call_flat(tensors, concrete.captured_inputs)


def one_step_function(step_function: Any) -> Any:
    """The traced one-batch step a model's `train_function`/`test_function` runs: Keras's
    TensorFlow trainer closes over it as `one_step_on_data`, a `tf.function` wrapped by
    `functools.wraps`. None where the step is not traced (`run_eagerly`) or this Keras does
    not build it that way."""
    if not known("keras"):
        return None
    try:
        inner = inspect.getclosurevars(step_function).nonlocals.get("one_step_on_data")
    except (TypeError, ValueError):
        return None
    fn = getattr(inner, "__wrapped__", None)
    return fn if hasattr(fn, "get_concrete_function") else None


def python_logs(logs: dict[str, Any]) -> dict[str, Any]:
    """What `train_on_batch()`/`test_on_batch()` make of a step's logs: sorted by name,
    nested dicts flattened, scalars as Python floats."""
    return _private("`pythonify_logs`", "keras",
                    lambda: _keras_module("utils.python_utils").pythonify_logs)(logs)
