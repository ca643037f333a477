"""Keras applications (pre-built image models), from one table discovered in
`keras.applications`.

`APPLICATIONS` maps R names (`application_xception`) to the Keras constructor;
`PREPROCESSORS` maps `<module>_preprocess_input` / `<module>_decode_predictions` to the
module functions. ImageNet weights and class indices come through Keras's `get_file()` and
its cache (`~/.keras/models`, or `$KERAS_HOME/models`), downloaded by `downloads.fetch()`:
offline with nothing cached, that fails within seconds naming the URL and the cache path.
"""
from __future__ import annotations

import inspect
import os
import re
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

from . import args as A
from .._keras import keras
from ..persistence.downloads import via_rkbridge
from ..errors import RkNetworkError
from ..values import owned
from .naming import with_keras3_names

from ..keras_internals import file_utils as _file_utils

file_utils = _file_utils()  # what the applications call


def app_r_name(cls_name: str) -> str:
    """`MobileNetV3Large` -> `mobilenet_v3_large`, `EfficientNetB0` -> `efficientnet_b0`."""
    s = cls_name.lower().replace("inceptionresnetv2", "inception_resnet_v2")
    s = re.sub(r"^(efficientnet)(b\d)$", r"\1_\2", s)
    s = re.sub(r"^(efficientnet|mobilenet|resnet\d+|inception)(v\d)", r"\1_\2", s)
    # NASNet keeps the R interface's names (application_nasnetlarge, application_nasnetmobile).
    s = re.sub(r"(convnext|_v3)(xlarge|large|small|mobile|base|tiny)$", r"\1_\2", s)
    return s


@dataclass(frozen=True)
class AppSpec:
    r_name: str
    fn: Callable[..., Any]
    module: str  # the keras.applications module holding its preprocess_input()


def _discover() -> tuple[dict[str, AppSpec], dict[str, Callable[..., Any]]]:
    apps: dict[str, AppSpec] = {}
    helpers: dict[str, Callable[..., Any]] = {}
    for mod_name in sorted(dir(keras.applications)):
        mod = getattr(keras.applications, mod_name)
        if not inspect.ismodule(mod) or mod_name.startswith("_"):
            continue
        for name in dir(mod):
            fn = getattr(mod, name)
            if name[:1].isupper() and callable(fn):
                r = "application_" + app_r_name(name)
                if r not in apps:
                    apps[r] = AppSpec(r, fn, mod_name)
        prefix = "imagenet" if mod_name == "imagenet_utils" else mod_name  # R's names
        for helper in ("preprocess_input", "decode_predictions"):
            if hasattr(mod, helper):
                helpers[f"{prefix}_{helper}"] = getattr(mod, helper)
    # Some builders are public only at the top level (MobileNetV3Large: keras.applications.
    # mobilenet_v3 exports just its helpers); their module is where they are defined.
    for name in dir(keras.applications):
        fn = getattr(keras.applications, name)
        if name[:1].isupper() and inspect.isfunction(fn):
            r = "application_" + app_r_name(name)
            if r not in apps:
                apps[r] = AppSpec(r, fn, fn.__module__.rsplit(".", 1)[-1])
    return apps, helpers


APPLICATIONS, PREPROCESSORS = _discover()
APPLICATIONS = with_keras3_names(APPLICATIONS)


# -- the wrappers --------------------------------------------------------------------------

def _app_function(spec: AppSpec) -> Callable[..., Any]:
    names = A.signature_names(spec.fn)[0] or ()

    def fn(*args: Any, **kwargs: Any) -> Any:
        kwargs = A.normalize(A.bind(spec.r_name, names, args, kwargs))
        if "classes" in kwargs:
            kwargs["classes"] = A.as_integer(kwargs["classes"], "classes")
        weights = kwargs.get("weights", "imagenet")
        if isinstance(weights, str) and weights != "imagenet":
            path = os.path.expanduser(weights)
            if not os.path.exists(path):
                raise RkNetworkError(f"`weights`: the file \"{weights}\" does not exist.")
            kwargs["weights"] = path
        with via_rkbridge(file_utils, trust_cache=True):
            model = spec.fn(**kwargs)
        # which module's preprocess_input()/decode_predictions() fit it (persistence/registry.py)
        model._rk_application_module = spec.module
        return model

    fn.__name__ = fn.__qualname__ = spec.r_name
    fn.__doc__ = (f"`keras.applications.{spec.fn.__name__}` (ImageNet weights through the "
                  f"Keras cache).\n\n" + (inspect.getdoc(spec.fn) or ""))
    try:
        fn.__signature__ = inspect.signature(spec.fn)  # type: ignore[attr-defined]
    except (TypeError, ValueError):
        pass
    return fn


def _helper_function(name: str, helper: Callable[..., Any]) -> Callable[..., Any]:
    names = A.signature_names(helper)[0] or ()
    first = names[0]  # `x` or `preds`

    def fn(*args: Any, **kwargs: Any) -> Any:
        kwargs = A.normalize(A.bind(name, names, args, kwargs))
        data = kwargs.get(first)
        # Keras may scale in place: work on a float copy, never on R's memory.
        if isinstance(data, np.ndarray) and name.endswith("preprocess_input"):
            kwargs[first] = np.array(owned(data), dtype=keras.config.floatx())
        if "top" in kwargs:
            kwargs["top"] = A.as_integer(kwargs["top"], "top")
        with via_rkbridge(file_utils, trust_cache=True):
            out = helper(**kwargs)
        if name.endswith("decode_predictions"):  # per sample: columns of a data frame
            return [{"class_name": [r[0] for r in rows],
                     "class_description": [r[1] for r in rows],
                     "score": [float(r[2]) for r in rows]} for rows in out]
        return np.asarray(out) if hasattr(out, "numpy") else out

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = inspect.getdoc(helper)
    try:
        fn.__signature__ = inspect.signature(helper)  # type: ignore[attr-defined]
    except (TypeError, ValueError):
        pass
    return fn


def exported() -> dict[str, Callable[..., Any]]:
    out = {name: _app_function(spec) for name, spec in APPLICATIONS.items()}
    out.update({name: _helper_function(name, h) for name, h in PREPROCESSORS.items()})
    return out
