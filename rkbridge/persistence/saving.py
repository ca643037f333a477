"""Saving and loading models: files, configs, JSON/YAML text and raw bytes.

Every writer goes through `atomic_write()`: Keras writes to a temporary name in the target's
own directory, which is renamed over the target only once the write has succeeded, so a
failed save leaves an existing file (or SavedModel directory) intact (CONVENTIONS.md 6).
`model_to_bytes()`/`model_from_bytes()` are also what `saveRDS()` of an R model uses.
"""
from __future__ import annotations

import contextlib
import json
import io
import os
import re
import shutil
import tempfile
import warnings
import zipfile
from typing import Any, Callable, Iterator

import numpy as np

from ..wrappers import args as A
from .._keras import keras, tf
from ..callables import is_r_function
from ..errors import RkIOError, RkTypeError, RkValueError
from ..keras_internals import (asset_staging, compile_config, flatten_layers, legacy_h5_format,
                               load_model_from_memory, scoped_custom_objects,
                               set_compile_config)
from ..values import RPartlyNamed


# -- atomic writes ---------------------------------------------------------------------------

def _target(filepath: Any, arg: str = "filepath") -> str:
    path = A.scalar(filepath)
    if not isinstance(path, (str, os.PathLike)) or not os.fspath(path):
        raise RkTypeError(f"`{arg}` must be a file name (a non-empty character string).")
    path = os.path.abspath(os.path.expanduser(os.fspath(path)))
    folder = os.path.dirname(path)
    if not os.path.isdir(folder):
        raise RkIOError(f"Cannot save to \"{path}\": the directory \"{folder}\" does not exist.")
    return path


def _resolved(path: str) -> str:
    """The file a save to `path` writes: through a symbolic link to its target, so the link
    stays a link (and the target's directory is where the temporary file goes)."""
    return os.path.realpath(path) if os.path.islink(path) else path


class _MemoryFile(io.BytesIO):
    """An HDF5 file written in memory and then to disk as plain bytes. h5py cannot recover
    from a write that fails while it closes a file (a full disk, `ulimit -f`): the file stays
    open half-closed and the process crashes when Python exits. Keras's weights writer takes
    a BytesIO; its name check reads `str()`, which gives `name`."""

    def __init__(self, name: str, data: bytes = b"") -> None:
        super().__init__(data)
        self._name = name

    def __str__(self) -> str:
        return self._name


def _write_bytes(data: bytes, path: str) -> None:
    with open(path, "wb") as f:
        f.write(data)


def _tmp_prefix(base: str, kind: str = "tmp") -> str:
    """The name of a save's temporary file or folder next to `base`: it carries the writing
    process's id, so that a later save can tell one left by a killed process."""
    return f".{base}.{kind}-{os.getpid()}-"


_LEFTOVER = re.compile(r"\.(.+)\.(?:tmp|old)-(\d+)-")


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # alive, another user's
        return True
    return True


def _remove_leftovers(folder: str, base: str) -> None:
    """Remove the temporary files of saves to `base` whose process has died (a killed
    training run's checkpoint): those of live processes are saves in progress."""
    try:
        names = os.listdir(folder)
    except OSError:
        return
    for name in names:
        m = _LEFTOVER.match(name)
        if m is None or m.group(1) != base or _process_alive(int(m.group(2))):
            continue
        leftover = os.path.join(folder, name)
        previous = os.path.join(leftover, "previous")  # a directory export killed mid-swap
        if os.path.lexists(previous) and not os.path.lexists(os.path.join(folder, base)):
            with contextlib.suppress(OSError):
                os.replace(previous, os.path.join(folder, base))
        if os.path.isdir(leftover) and not os.path.islink(leftover):
            shutil.rmtree(leftover, ignore_errors=True)
        else:
            with contextlib.suppress(OSError):
                os.remove(leftover)


def _commit(tmp: str, path: str, directory: bool = False) -> None:
    """Move the finished `tmp` over `path` in one rename; an existing file's permission bits
    carry over (a private 0600 file stays private)."""
    if os.path.isfile(path) and os.path.isfile(tmp):
        shutil.copymode(path, tmp)
    if directory and os.path.isdir(path):
        folder, base = os.path.split(path)
        old = tempfile.mkdtemp(prefix=_tmp_prefix(base, "old"), dir=folder)
        kept = os.path.join(old, "previous")
        os.replace(path, kept)
        try:
            os.replace(tmp, path)
        except BaseException:
            os.replace(kept, path)  # put the previous export back
            raise
        finally:
            if not os.path.exists(kept):
                shutil.rmtree(old, ignore_errors=True)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.replace(tmp, path)


def resolve_save_target(filepath: Any, overwrite: Any = True) -> str:
    """The file a save to `filepath` replaces (a symbolic link resolved), after the checks
    every save makes (the name, an existing file without `overwrite`, the directory): the
    temporary file is written next to it."""
    path = _target(filepath)
    if os.path.lexists(path) and not A.as_bool(overwrite):
        raise RkIOError(f"\"{path}\" already exists: use `overwrite = TRUE` to replace it.")
    path = _resolved(path)
    folder = os.path.dirname(path)
    if not os.path.isdir(folder):
        raise RkIOError(f"Cannot save to \"{path}\": the directory \"{folder}\" does not exist.")
    return path


@contextlib.contextmanager
def atomic_write(filepath: Any, suffix: str = "", overwrite: Any = True,
                 directory: bool = False) -> Iterator[str]:
    """Yield a temporary path (ending in `suffix`, next to the target) to write; on success
    it replaces the target, on failure it is removed and the target is untouched."""
    path = resolve_save_target(filepath, overwrite)
    if os.path.isdir(path) and not directory:
        raise RkIOError(f"\"{path}\" is a directory: give a file name in it, e.g. "
                        f"file.path(\"{path}\", \"model{suffix or '.keras'}\").")
    folder, base = os.path.split(path)
    _remove_leftovers(folder, base)
    tmp_dir = tempfile.mkdtemp(prefix=_tmp_prefix(base), dir=folder)
    tmp = os.path.join(tmp_dir, "part" + suffix)
    try:
        yield tmp
        if not os.path.exists(tmp):
            raise RkIOError(f"Saving to \"{path}\" wrote nothing.")
        _commit(tmp, path, directory)
    finally:
        shutil.rmtree(tmp_dir, ignore_errors=True)


def replace_file(source: Any, filepath: Any) -> str:
    """Move the finished file `source` over `filepath` as every save here does (one rename,
    through a symbolic link, permissions kept): what `save_rds()` uses after R wrote
    `source` in the target's directory."""
    src = _existing(source, "source")
    path = resolve_save_target(filepath)
    if os.path.dirname(src) != os.path.dirname(path):
        raise RkValueError("`source` must be in the directory of `filepath` (one rename).")
    _commit(src, path)
    _remove_leftovers(*os.path.split(path))
    return path


def _existing(filepath: Any, arg: str = "filepath") -> str:
    path = A.scalar(filepath)
    if not isinstance(path, (str, os.PathLike)) or not os.fspath(path):
        raise RkTypeError(f"`{arg}` must be a file name (a non-empty character string).")
    path = os.path.abspath(os.path.expanduser(os.fspath(path)))
    if not os.path.exists(path):
        raise RkIOError(f"\"{path}\" does not exist (`{arg}`).")
    return path


@contextlib.contextmanager
def _named(path: str, suffixes: tuple[str, ...]) -> Iterator[str]:
    """`path`, or a link to it whose name ends as Keras insists (`.keras`, `.h5`), so that
    files of any name load."""
    if path.endswith(suffixes):
        yield path
        return
    with tempfile.TemporaryDirectory() as d:
        link = os.path.join(d, "model" + suffixes[0])
        os.symlink(path, link)
        yield link


def _custom(custom_objects: Any) -> dict[str, Any] | None:
    """`custom_objects = list(name = object)`; an unnamed list uses each object's name."""
    if custom_objects is None:
        return None
    if isinstance(custom_objects, dict):
        for name, obj in custom_objects.items():
            # an R function given as list(my_loss = my_loss) is known by that name again
            if is_r_function(obj) and obj.__name__ == "r_function" and name.isidentifier():
                obj.__name__ = obj.__qualname__ = name
        return dict(custom_objects)
    if isinstance(custom_objects, RPartlyNamed):  # list(my_metric, my_loss = f)
        given = custom_objects.items_named()
    else:
        items = custom_objects if isinstance(custom_objects, (list, tuple)) \
            else [custom_objects]
        given = [("", obj) for obj in items]
    named = {k: v for k, v in given if k}
    out = _custom(named) if named else {}
    for key, obj in given:
        if key:
            continue
        name = getattr(obj, "__name__", None) or getattr(obj, "name", None)
        if not isinstance(name, str):
            raise RkValueError("`custom_objects` must be a named list: list(name = object).")
        out[name] = obj
    return out


class _UnknownObject(RkValueError):
    """A saved model names a custom object that this session does not know."""

    def __init__(self, what: str, name: str) -> None:
        super().__init__(
            f"{what} uses a custom object `{name}` that is not known here: pass it with "
            f"`custom_objects = list({name} = <the object>)` (e.g. the custom_metric() or "
            f"custom layer class it was built with).")
        self.name = name


# How the caller's language finds a custom object by the name a saved model gives it (R: a
# class or function of that name defined in the session), or None.
_resolver: Callable[[str], Any] | None = None


def set_name_resolver(resolver: Callable[[str], Any] | None) -> None:
    global _resolver
    _resolver = resolver


def resolve_name(name: str) -> Any:
    """The custom object the caller's session defines under `name` now (not registered:
    a function defined again later is found again), or None."""
    if _resolver is None or not name.isidentifier():
        return None
    found = _resolver(name)
    if callable(found) and getattr(found, "__name__", None) == "r_function":
        found.__name__ = found.__qualname__ = name
    return found


@contextlib.contextmanager
def _loading(what: str) -> Iterator[None]:
    """Keras's "could not locate" errors, said in terms of `custom_objects`; its warning
    about the optimizer of a model saved before training (nothing to restore) dropped."""
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            yield
        for w in caught:
            text = str(w.message)
            m = re.search(r"saved optimizer has (\d+) variables", text)
            if m is None or int(m.group(1)) > 2:
                warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    except (TypeError, ValueError) as e:
        if isinstance(e, _UnknownObject):
            raise
        m = re.search(r"(?:Could not locate|Unknown)[^'\n]*'([\w.]+)'", str(e))
        if m is None:
            raise
        raise _UnknownObject(what, m.group(1)) from None


def _load(what: str, load: Callable[[], Any]) -> Any:
    """`load()`, and again after each custom object it lacked was found by name in the
    caller's session (an R6 class or R function defined again, as Layer() classes register
    themselves when defined); an error naming the first one that is not there."""
    found: dict[str, Any] = {}
    while True:
        try:
            # within the caller's with_custom_object_scope(), whose objects stay in force
            scope = keras.saving.custom_object_scope({**scoped_custom_objects(), **found}) \
                if found else contextlib.nullcontext()
            with scope, _loading(what):
                return load()
        except _UnknownObject as e:
            obj = None if e.name in found else resolve_name(e.name)
            if obj is None:
                raise RkValueError(str(e)) from None
            found[e.name] = obj


def _check_model(object: Any, fn: str) -> None:
    if not isinstance(object, keras.Model):
        raise RkTypeError(f"{fn}() needs a Keras model as `object`, not "
                          f"{type(object).__name__}.")
    _warn_unloadable(object)


def _warn_unloadable(model: Any) -> None:
    """A layer_lambda() of an R function saves (Keras writes its name) but no session can
    load it back: say so when saving, not only when loading."""
    lambdas = [layer.name for layer in flatten_layers(model)
               if isinstance(layer, keras.layers.Lambda) and is_r_function(layer.function)]
    if lambdas:
        warnings.warn(
            f"The model's layer_lambda() layer{'s' if len(lambdas) > 1 else ''} "
            f"{', '.join(repr(n) for n in lambdas)} compute{'' if len(lambdas) > 1 else 's'} "
            f"with an R function, which a saved model cannot hold: the file will not load "
            f"again. Save the weights (save_model_weights()), or write the layer as a "
            f"Layer() class, which saves.", stacklevel=3)


# -- the native .keras format --------------------------------------------------------------

def save_model(object: Any, filepath: Any, overwrite: Any = True,
               include_optimizer: Any = True, **kwargs: Any) -> Any:
    """Save architecture, weights, compile settings and optimizer state to a `.keras` file
    (an `.h5`/`.hdf5` name writes the legacy HDF5 format)."""
    _check_model(object, "save_model")
    path = _target(filepath)
    if path.endswith((".h5", ".hdf5")):
        return save_model_hdf5(object, path, overwrite=overwrite,
                               include_optimizer=include_optimizer)
    with atomic_write(path, ".keras", overwrite) as tmp:
        keras.saving.save_model(object, tmp, include_optimizer=A.as_bool(include_optimizer),
                                **kwargs)
    return object


def load_model(filepath: Any, custom_objects: Any = None, compile: Any = True,
               safe_mode: Any = True) -> Any:
    """A model from a `.keras` file, a legacy `.h5` file or a SavedModel directory."""
    path = _existing(filepath)
    if os.path.isdir(path):
        # A SavedModel runs its own TensorFlow graph, whose ops can read and write files:
        # Keras's load_model() refuses directories, and safe mode here does too.
        if A.as_bool(safe_mode):
            raise RkValueError(
                f"\"{path}\" is a directory (a TensorFlow SavedModel). Loading one runs the "
                f"TensorFlow graph it holds, which can read and write files, so it is refused "
                f"with `safe_mode = TRUE`. If you trust its source, load it with "
                f"`load_model(\"{path}\", safe_mode = FALSE)` or `load_model_tf()`.")
        return load_model_tf(path)
    if path.endswith((".h5", ".hdf5")) or not zipfile.is_zipfile(path):
        return load_model_hdf5(path, custom_objects=custom_objects, compile=compile)
    with _named(path, (".keras",)) as named:
        return _load(f"The model in \"{path}\"", lambda: keras.saving.load_model(
            named, custom_objects=_custom(custom_objects), compile=A.as_bool(compile),
            safe_mode=A.as_bool(safe_mode)))


# -- HDF5 (legacy Keras 2 format) ----------------------------------------------------------

def save_model_hdf5(object: Any, filepath: Any, overwrite: Any = True,
                    include_optimizer: Any = True) -> Any:
    _check_model(object, "save_model_hdf5")
    # Keras's HDF5 writer pops the optimizer out of the model's own compile config (so a
    # later .keras save would forget it): give it a copy to spoil.
    compiled = compile_config(object)
    kept = dict(compiled) if compiled is not None else None
    import h5py
    try:
        memory = io.BytesIO()
        with h5py.File(memory, "w") as f:  # in memory first: see _MemoryFile
            legacy_h5_format().save_model_to_hdf5(
                object, f, overwrite=True, include_optimizer=A.as_bool(include_optimizer))
        with atomic_write(filepath, ".h5", overwrite) as tmp:
            _write_bytes(memory.getvalue(), tmp)
    finally:
        if compiled is not None:
            set_compile_config(object, kept)
    return object


def _compile_from_training_config(model: Any, f: Any, custom: dict | None) -> None:
    """Keras cannot read back loss/metric names ("mse") from its own HDF5 files: compile
    with the names as given, deserializing only what is a full config. `f`: the open
    h5py file."""
    raw = f.attrs.get("training_config")
    if raw is None:
        return
    cfg = json.loads(raw.decode() if isinstance(raw, bytes) else raw)

    def obj(x: Any, deser: Any) -> Any:
        if isinstance(x, str):  # a custom loss/metric saved by name: the object itself now,
            # as Keras resolves names only at the first fit(), outside custom_object_scope
            found = keras.saving.get_registered_object(x, custom_objects=custom)
            if found is None:
                found = resolve_name(x)
            return x if found is None else found
        if isinstance(x, dict) and "class_name" in x:
            return deser(x, custom_objects=custom)
        if isinstance(x, list):
            return [obj(i, deser) for i in x]
        if isinstance(x, dict):
            return {k: obj(v, deser) for k, v in x.items()}
        return x
    model.compile(optimizer=keras.optimizers.deserialize(cfg["optimizer_config"],
                                                         custom_objects=custom),
                  loss=obj(cfg.get("loss"), keras.losses.deserialize),
                  metrics=obj(cfg.get("metrics"), keras.metrics.deserialize),
                  loss_weights=cfg.get("loss_weights"),
                  weighted_metrics=obj(cfg.get("weighted_metrics"), keras.metrics.deserialize))


def load_model_hdf5(filepath: Any, custom_objects: Any = None, compile: Any = True) -> Any:
    path = _existing(filepath)
    custom = _custom(custom_objects)
    import h5py
    with open(path, "rb") as f:  # read once, as load_model_weights_hdf5() does
        data = f.read()
    if not _is_hdf5(data):
        if data[:4] == b"PK\x03\x04":  # a .keras archive cut short (an interrupted copy)
            raise RkValueError(f"\"{path}\" is not a complete saved model: a truncated or "
                               f"corrupt .keras file.")
        raise RkValueError(f"\"{path}\" is not a saved model (neither a .keras nor an HDF5 "
                           f"file).")
    with h5py.File(io.BytesIO(data), "r") as f:
        model = _load(f"The model in \"{path}\"",
                      lambda: legacy_h5_format().load_model_from_hdf5(
                          f, custom_objects=custom, compile=False))
        if A.as_bool(compile):
            _load(f"The model in \"{path}\"",
                  lambda: _compile_from_training_config(model, f, custom))
    return model


def _is_hdf5(data: bytes) -> bool:
    """HDF5's signature, at 0 or a power of two from 512 (a user block before it)."""
    signature, offset = b"\x89HDF\r\n\x1a\n", 0
    while offset + 8 <= len(data):
        if data[offset:offset + 8] == signature:
            return True
        offset = 512 if offset == 0 else offset * 2
    return False


# -- weights only --------------------------------------------------------------------------

def save_model_weights_hdf5(object: Any, filepath: Any, overwrite: Any = True) -> Any:
    """Weights to an HDF5 file of any name (Keras itself insists on `*.weights.h5`)."""
    path = resolve_save_target(filepath, overwrite)  # refused before the work, not after
    memory = _MemoryFile("memory.weights.h5")
    object.save_weights(memory)
    with atomic_write(path, ".weights.h5", overwrite) as tmp:
        _write_bytes(memory.getvalue(), tmp)
    return object


def load_model_weights_hdf5(object: Any, filepath: Any, by_name: Any = False,
                            skip_mismatch: Any = False) -> Any:
    """Weights from `save_model_weights_hdf5()` or a Keras 2 era HDF5 weights file; the
    arguments in keras 2.x's order."""
    import h5py
    path = _existing(filepath)
    # read once: HDF5 opening a path that a save replaces meanwhile (a checkpoint being
    # written) fails ("st_ino or st_dev fields changed"); the bytes read are one version
    with open(path, "rb") as f:
        data = f.read()
    with h5py.File(io.BytesIO(data), "r") as f:
        legacy = "layer_names" in f.attrs or "model_weights" in f
    if legacy:
        with h5py.File(io.BytesIO(data), "r") as f:
            group = f["model_weights"] if "model_weights" in f else f
            if A.as_bool(by_name):
                legacy_h5_format().load_weights_from_hdf5_group_by_name(
                    group, object, skip_mismatch=A.as_bool(skip_mismatch))
            else:
                legacy_h5_format().load_weights_from_hdf5_group(group, object)
        return object
    object.load_weights(_MemoryFile("memory.weights.h5", data),
                        skip_mismatch=A.as_bool(skip_mismatch))
    return object


def save_model_weights(object: Any, filepath: Any, overwrite: Any = False) -> Any:
    """keras3's save_model_weights(): as save_model_weights_hdf5(), but an existing file is
    kept unless `overwrite = TRUE`."""
    return save_model_weights_hdf5(object, filepath, overwrite=overwrite)


def load_model_weights(object: Any, filepath: Any, skip_mismatch: Any = False) -> Any:
    """keras3's load_model_weights(): load_model_weights_hdf5() without `by_name`."""
    return load_model_weights_hdf5(object, filepath, skip_mismatch=skip_mismatch)


# -- checkpoints ---------------------------------------------------------------------------

def save_checkpoint(model: Any, filepath: str, weights_only: bool) -> None:
    """What callback_model_checkpoint() writes, through the atomic write of every save: a
    run killed mid-save, or a session reading the file meanwhile, sees the previous
    checkpoint or the new one, never part of one."""
    if weights_only:
        save_model_weights_hdf5(model, filepath, overwrite=True)
    else:
        save_model(model, filepath, overwrite=True)


# -- SavedModel export (serving) -----------------------------------------------------------

def save_model_tf(object: Any, filepath: Any, overwrite: Any = True, **kwargs: Any) -> Any:
    """Export a TensorFlow SavedModel directory (for TF Serving / TFLite); inference only."""
    _check_model(object, "save_model_tf")
    with atomic_write(filepath, "", overwrite, directory=True) as tmp:
        object.export(tmp, format="tf_saved_model", verbose=False, **kwargs)
    return object


def load_model_tf(filepath: Any, custom_objects: Any = None, compile: Any = True,
                  call_endpoint: str = "serve") -> Any:
    """A SavedModel directory as a Keras model for predict() (inference only). A file
    (`.keras`, `.h5`) is loaded by load_model(), as keras 2.x's load_model_tf() loaded
    whatever it was given."""
    path = _existing(filepath)
    if not os.path.isdir(path):
        return load_model(path, custom_objects=custom_objects, compile=compile)
    loaded = tf.saved_model.load(path)
    signature = loaded.signatures["serving_default"]
    specs = [s for s in tf.nest.flatten(signature.structured_input_signature)
             if isinstance(s, tf.TensorSpec)]
    inputs = [keras.Input(shape=tuple(s.shape[1:]), dtype=s.dtype.name) for s in specs]
    layer = keras.layers.TFSMLayer(path, call_endpoint=call_endpoint)
    outputs = layer(inputs[0] if len(inputs) == 1 else inputs)
    return keras.Model(inputs[0] if len(inputs) == 1 else inputs, outputs)


# -- configs and text ----------------------------------------------------------------------

def get_config(object: Any) -> dict[str, Any]:
    """The object's Keras config (a dict; in R a named list)."""
    return object.get_config()


def config_json(object: Any) -> str:
    """The full serialized form (class, module and config) as JSON, enough to rebuild."""
    data = keras.saving.serialize_keras_object(object)
    data.pop("compile_config", None)  # the architecture only, as get_config() promises
    return json.dumps(data)


def from_config(config: Any, custom_objects: Any = None) -> Any:
    """Rebuild a model or layer (without weights) from get_config()'s result."""
    custom = _custom(custom_objects)
    if isinstance(config, str):
        config = json.loads(config)
    if not isinstance(config, dict):
        raise RkTypeError("`config` must be the result of get_config().")
    if "class_name" in config and "config" in config:
        return _load("The configuration", lambda: keras.saving.deserialize_keras_object(
            config, custom_objects=custom))
    with keras.saving.custom_object_scope(custom or {}):
        if "input_layers" in config:
            return _load("The configuration", lambda: keras.Model.from_config(config))
        if "layers" in config:
            return _load("The configuration", lambda: keras.Sequential.from_config(config))
    raise RkValueError("`config` is not a model config: use the serialized config that "
                       "get_config() returns in R, or deserialize layers with their class.")


def model_to_json(object: Any, **kwargs: Any) -> str:
    return object.to_json(**kwargs)


def _json(text: str, what: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        raise RkValueError(f"{what} is not a model description: it is not JSON text (line "
                           f"{e.lineno}, column {e.colno}: {e.msg.lower()}).") from None


def model_from_json(json_string: Any, custom_objects: Any = None,
                    what: str = "`json_string`") -> Any:
    text = str(A.scalar(json_string))
    _json(text, what)
    return _load("The model description", lambda: keras.models.model_from_json(
        text, custom_objects=_custom(custom_objects)))


def save_model_config(object: Any, filepath: Any, overwrite: Any = False) -> Any:
    """keras3's save_model_config(): the architecture (no weights) as a JSON file."""
    _check_model(object, "save_model_config")
    with atomic_write(filepath, ".json", overwrite) as tmp:
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(object.to_json())
    return object


def load_model_config(filepath: Any, custom_objects: Any = None) -> Any:
    """keras3's load_model_config(): a new model (fresh weights) from save_model_config()."""
    path = _existing(filepath)
    with open(path, encoding="utf-8") as f:
        return model_from_json(f.read(), custom_objects=custom_objects,
                               what=f"The file \"{path}\"")


def model_to_yaml(object: Any) -> str:
    """YAML of the model's JSON config (Keras 3 dropped YAML; the content is the same)."""
    import yaml
    return yaml.safe_dump(json.loads(object.to_json()), sort_keys=False)


def model_from_yaml(yaml_string: Any, custom_objects: Any = None) -> Any:
    import yaml
    data = yaml.safe_load(str(A.scalar(yaml_string)))
    if not isinstance(data, dict):
        raise RkValueError("`yaml_string` does not hold a model description.")
    return model_from_json(json.dumps(data), custom_objects=custom_objects)


# -- raw bytes (serialize_model(), saveRDS()) -----------------------------------------------

def _asset_folder() -> str:
    """Where Keras stages a model's asset files (most models have none) while it is
    serialized: the temporary directory, or shared memory when that one fails (full)."""
    try:
        return tempfile.mkdtemp(prefix="rk-assets-")
    except OSError:
        if not os.path.isdir("/dev/shm"):
            raise
        return tempfile.mkdtemp(prefix="rk-assets-", dir="/dev/shm")


def model_to_bytes(object: Any, include_optimizer: Any = True) -> bytes:
    """The `.keras` file of the model as bytes, made in memory: saveRDS() of a model then
    depends on no disk but its target's (a full temporary directory cannot spoil it)."""
    _check_model(object, "serialize_model")
    memory = _MemoryFile("model.keras")
    with asset_staging(_asset_folder):
        keras.saving.save_model(object, memory,
                                include_optimizer=A.as_bool(include_optimizer))
    return memory.getvalue()


def _as_bytes(x: Any) -> bytes:
    if isinstance(x, (bytes, bytearray, memoryview)):
        return bytes(x)
    if isinstance(x, np.ndarray) and x.dtype == np.uint8:
        return x.tobytes()
    raise RkTypeError("`object` must be a raw vector from serialize_model().")


def model_from_bytes(object: Any, custom_objects: Any = None, compile: Any = True,
                     safe_mode: Any = True) -> Any:
    """A model from serialize_model()'s bytes."""
    data = _as_bytes(object)
    if not data.startswith(b"PK"):
        raise RkValueError("`object` is not a serialized model (not the bytes of a .keras "
                           "file).")
    try:  # truncated bytes: said of `object`, not of the temporary file they are loaded from
        zipfile.ZipFile(io.BytesIO(data)).close()
    except zipfile.BadZipFile:
        raise RkValueError("`object` is not a complete serialized model (the bytes are "
                           "truncated or corrupt).") from None
    return _load("The serialized model", lambda: load_model_from_memory(
        _MemoryFile("model.keras", data), custom_objects=_custom(custom_objects),
        compile=A.as_bool(compile), safe_mode=A.as_bool(safe_mode)))


serialize_model = model_to_bytes
unserialize_model = model_from_bytes


# What api.py exports, by R name.
EXPORTS = {
    "save_model": save_model, "load_model": load_model,
    "save_model_hdf5": save_model_hdf5, "load_model_hdf5": load_model_hdf5,
    "save_model_weights_hdf5": save_model_weights_hdf5,
    "load_model_weights_hdf5": load_model_weights_hdf5,
    "save_model_weights": save_model_weights, "load_model_weights": load_model_weights,
    "save_model_config": save_model_config, "load_model_config": load_model_config,
    "save_model_tf": save_model_tf, "load_model_tf": load_model_tf,
    "get_config": get_config, "config_json": config_json, "from_config": from_config,
    "model_to_json": model_to_json, "model_from_json": model_from_json,
    "model_to_yaml": model_to_yaml, "model_from_yaml": model_from_yaml,
    "serialize_model": serialize_model, "unserialize_model": unserialize_model,
    "resolve_save_target": resolve_save_target, "replace_file": replace_file,
}
