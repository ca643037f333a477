# Saving and loading models: each function forwards to the engine function of the same name
# (rkbridge/saving.py), where the formats and the atomic-write rule live.

#' Save and load whole models
#'
#' `save_model()` writes the architecture, weights, compile settings and optimizer state to
#' a `.keras` file (the native Keras format; a name ending in `.h5` writes HDF5).
#' `load_model()` reads a `.keras` file, an HDF5 file or a SavedModel directory.
#' `save_model_hdf5()`/`load_model_hdf5()` use the legacy HDF5 format of Keras 2.
#' Saving writes a temporary file next to the target and renames it into place, so a failed
#' save leaves an existing file intact.
#'
#' Models also survive `saveRDS()`/`readRDS()`, `save.image()` and knitr's cache: the R
#' object carries the model's `.keras` bytes, and is rebuilt when first used.
#' @param object A model.
#' @param filepath File name.
#' @param overwrite Whether to replace an existing file.
#' @param include_optimizer Whether to save the optimizer state.
#' @param custom_objects Named list of custom layers, losses and metrics (e.g. those
#'   made with [custom_metric()]) the model uses, by the name they were saved under.
#' @param compile Whether to compile the loaded model with its saved settings.
#' @param ... Further arguments for Keras (`safe_mode` for `load_model()`).
#' @return `save_*()`: the model, invisibly; `load_*()`: the model.
#' @examples
#' if (rkbridge_available()) {
#'   model <- keras_model_sequential(input_shape = c(3)) %>% layer_dense(1)
#'   model %>% compile(optimizer = "adam", loss = "mse")
#'   f <- tempfile(fileext = ".keras")
#'   save_model(model, f)
#'   again <- load_model(f)
#'   h5 <- tempfile(fileext = ".h5")
#'   save_model_hdf5(model, h5)
#'   again <- load_model_hdf5(h5)
#' }
#' @export
save_model <- function(object, filepath, overwrite = TRUE, include_optimizer = TRUE, ...) {
  rk_call("save_model", rk_capture())
}

#' @rdname save_model
#' @export
load_model <- function(filepath, custom_objects = NULL, compile = TRUE, ...) {
  rk_call("load_model", rk_capture())
}

#' @rdname save_model
#' @export
save_model_hdf5 <- function(object, filepath, overwrite = TRUE, include_optimizer = TRUE) {
  rk_call("save_model_hdf5", rk_capture())
}

#' @rdname save_model
#' @export
load_model_hdf5 <- function(filepath, custom_objects = NULL, compile = TRUE) {
  rk_call("load_model_hdf5", rk_capture())
}

#' Save and load model weights
#'
#' Weights go to an HDF5 file of any name. Loading also reads HDF5 weight files written by
#' Keras 2 (the R keras package), matching layers in order or, with `by_name = TRUE`, by
#' name.
#' @inheritParams save_model
#' @param skip_mismatch Skip layers whose weights do not fit instead of failing.
#' @param by_name For Keras 2 files: match layers by name.
#' @return The model, invisibly (weights changed in place when loading).
#' @examples
#' if (rkbridge_available()) {
#'   model <- keras_model_sequential(input_shape = c(3)) %>% layer_dense(1)
#'   f <- tempfile(fileext = ".h5")
#'   save_model_weights_hdf5(model, f)
#'   load_model_weights_hdf5(model, f)
#' }
#' @export
save_model_weights_hdf5 <- function(object, filepath, overwrite = TRUE) {
  rk_call("save_model_weights_hdf5", rk_capture())
}

#' @rdname save_model_weights_hdf5
#' @export
load_model_weights_hdf5 <- function(object, filepath, skip_mismatch = FALSE, by_name = FALSE) {
  rk_call("load_model_weights_hdf5", rk_capture())
}

#' Export a TensorFlow SavedModel (for serving)
#'
#' `save_model_tf()` exports the model's inference function as a SavedModel directory (for
#' TensorFlow Serving, TFLite converters and the like); `load_model_tf()` reads one back as
#' a model that predicts (it cannot be trained further).
#' @inheritParams save_model
#' @param filepath Directory name.
#' @return `save_model_tf()`: the model, invisibly; `load_model_tf()`: a model.
#' @examples
#' if (rkbridge_available()) {
#'   model <- keras_model_sequential(input_shape = c(3)) %>% layer_dense(1)
#'   d <- file.path(tempdir(), "exported")
#'   save_model_tf(model, d)
#'   served <- load_model_tf(d)
#'   predict(served, matrix(1, 2, 3))
#' }
#' @export
save_model_tf <- function(object, filepath, overwrite = TRUE, ...) {
  rk_call("save_model_tf", rk_capture())
}

#' @rdname save_model_tf
#' @export
load_model_tf <- function(filepath, ...) rk_call("load_model_tf", rk_capture())

#' Model and layer configuration
#'
#' `get_config()` gives the configuration (architecture, no weights) as a named list that
#' can be kept with `saveRDS()`; `from_config()` builds a new, freshly initialised model or
#' layer from it.
#' @param object A model or layer.
#' @param config What `get_config()` returned.
#' @param custom_objects Named list of custom classes the configuration uses.
#' @return `get_config()`: a `keras_config` list; `from_config()`: a model or layer.
#' @examples
#' if (rkbridge_available()) {
#'   model <- keras_model_sequential(input_shape = c(3)) %>% layer_dense(2)
#'   config <- get_config(model)
#'   twin <- from_config(config)
#' }
#' @export
get_config <- function(object) {
  config <- rk_call("get_config", rk_capture())
  # The complete serialized form rides along, so that from_config() does not depend on
  # how R represents the list (and the result survives saveRDS()).
  structure(config, class = c("keras_config", "list"),
            rk_json = rk_call("config_json", list(object = object)))
}

#' @rdname get_config
#' @export
from_config <- function(config, custom_objects = NULL) {
  args <- rk_capture()
  json <- attr(config, "rk_json", exact = TRUE)
  if (!is.null(json)) args$config <- json
  rk_call("from_config", args)
}

#' @export
print.keras_config <- function(x, ...) {
  cat("<Keras configuration>\n")
  utils::str(unclass(`attr<-`(x, "rk_json", NULL)), max.level = 1L, give.attr = FALSE)
  invisible(x)
}

#' Models as JSON or YAML text
#'
#' The architecture (no weights) as text, and a new model from it. YAML holds the same
#' content as the JSON.
#' @param object A model.
#' @param json_string,yaml_string Text from `model_to_json()` / `model_to_yaml()`.
#' @param custom_objects Named list of custom classes the model uses.
#' @return `model_to_*()`: a string; `model_from_*()`: a new model (fresh weights).
#' @examples
#' if (rkbridge_available()) {
#'   model <- keras_model_sequential(input_shape = c(3)) %>% layer_dense(2)
#'   twin <- model_from_json(model_to_json(model))
#'   cat(model_to_yaml(model))
#' }
#' @export
model_to_json <- function(object) rk_call("model_to_json", rk_capture())

#' @rdname model_to_json
#' @export
model_from_json <- function(json_string, custom_objects = NULL) {
  rk_call("model_from_json", rk_capture())
}

#' @rdname model_to_json
#' @export
model_to_yaml <- function(object) rk_call("model_to_yaml", rk_capture())

#' @rdname model_to_json
#' @export
model_from_yaml <- function(yaml_string, custom_objects = NULL) {
  rk_call("model_from_yaml", rk_capture())
}

#' A model as a raw vector
#'
#' `serialize_model()` gives the bytes of the model's `.keras` file (weights, optimizer
#' state and compile settings included); `unserialize_model()` rebuilds the model.
#' @inheritParams save_model
#' @param object A model (`serialize_model()`) or a raw vector (`unserialize_model()`).
#' @return A raw vector, or a model.
#' @examples
#' if (rkbridge_available()) {
#'   model <- keras_model_sequential(input_shape = c(3)) %>% layer_dense(2)
#'   bytes <- serialize_model(model)
#'   twin <- unserialize_model(bytes)
#' }
#' @export
serialize_model <- function(object, include_optimizer = TRUE) {
  rk_call("serialize_model", rk_capture())
}

#' @rdname serialize_model
#' @export
unserialize_model <- function(object, custom_objects = NULL, compile = TRUE) {
  rk_call("unserialize_model", rk_capture())
}
