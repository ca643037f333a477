# Saving and loading models: each function forwards to the engine function of the same name
# (rkbridge/persistence/saving.py), where the formats and the atomic-write rule live.

#' Save and load whole models
#'
#' `save_model()` writes the architecture, weights, compile settings and optimizer state to
#' a `.keras` file (the native Keras format; a name ending in `.h5` writes HDF5).
#' `load_model()` reads a `.keras` file, an HDF5 file or, with `safe_mode = FALSE` only, a
#' SavedModel directory (whose TensorFlow graph could read and write files).
#' `save_model_hdf5()`/`load_model_hdf5()` use the legacy HDF5 format of Keras 2.
#' Saving writes a temporary file next to the target and renames it into place, so a failed
#' save leaves an existing file intact; an existing file keeps its permissions, and a
#' symbolic link is written through (the link stays, its target is replaced).
#'
#' Models also survive `saveRDS()`/`readRDS()`, `save.image()` and knitr's cache: the R
#' object carries the model's `.keras` bytes (made in memory: no temporary file), and is
#' rebuilt when first used. When the model cannot be serialized, `saveRDS()` fails with an
#' `rkbridge_serialize_error`; base `saveRDS()` has emptied its file by then (as it does when
#' the target's disk is full), so save R objects that hold models with [save_rds()], which
#' replaces the file only once everything was written.
#' @param object A model.
#' @param filepath File name.
#' @param overwrite Whether to replace an existing file.
#' @param include_optimizer Whether to save the optimizer state.
#' @param custom_objects Named list of custom layers, losses and metrics (e.g. those
#'   made with [custom_metric()]) the model uses, by the name they were saved under.
#' @param compile Whether to compile the loaded model with its saved settings.
#' @param ... Further arguments for Keras: `safe_mode` for `load_model()` (`TRUE`, the
#'   default, refuses Lambda layers' code and SavedModel directories).
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
#' @param by_name For Keras 2 files: match layers by name (third, as in keras 2.x).
#' @param skip_mismatch Skip layers whose weights do not fit instead of failing.
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
load_model_weights_hdf5 <- function(object, filepath, by_name = FALSE, skip_mismatch = FALSE) {
  rk_call("load_model_weights_hdf5", rk_capture())
}

#' Export a TensorFlow SavedModel (for serving)
#'
#' `save_model_tf()` exports the model's inference function as a SavedModel directory (for
#' TensorFlow Serving, TFLite converters and the like); `load_model_tf()` reads one back as
#' a model that predicts (it cannot be trained further). Given a file (`.keras`, `.h5`),
#' `load_model_tf()` loads it as [load_model()] does.
#' @inheritParams save_model
#' @inheritParams load_model
#' @param filepath Directory name (`load_model_tf()`: or a model file).
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
load_model_tf <- function(filepath, custom_objects = NULL, compile = TRUE, ...) {
  rk_call("load_model_tf", rk_capture())
}

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

#' Save an R object atomically (models included)
#'
#' `saveRDS()` with a safe failure: the object is written to a temporary file in `file`'s
#' directory, which replaces `file` in one rename only once everything was written. A
#' failure (a full disk, a model whose state cannot be saved) is an error and leaves an
#' existing `file` as it was, where base `saveRDS()` would have emptied it. An existing
#' file keeps its permissions and a symbolic link is written through, as with
#' [save_model()]. Read the file back with `readRDS()`.
#' @param object Any R object, e.g. a model or a list holding models.
#' @param file File name.
#' @param ... Passed to `saveRDS()` (`compress`, `version`, ...).
#' @return `file`, invisibly.
#' @examples
#' if (rkbridge_available()) {
#'   model <- keras_model_sequential(input_shape = c(3)) %>% layer_dense(1)
#'   f <- tempfile(fileext = ".rds")
#'   save_rds(list(model = model, note = "first try"), f)
#'   again <- readRDS(f)
#'   again$model$name == model$name
#' }
#' @export
save_rds <- function(object, file, ...) {
  if (!is.character(file) || length(file) != 1L || is.na(file) || !nzchar(file))
    stop(rk_condition("`file` must be a file name (a non-empty character string).",
                      "rkbridge_type_error"))
  target <- rk_call("resolve_save_target", list(filepath = file))
  # named as the engine's saves name theirs (with the process id), so that a later save
  # removes one a killed session left
  tmp <- tempfile(paste0(".", basename(target), ".tmp-", Sys.getpid(), "-"),
                  tmpdir = dirname(target))
  on.exit(unlink(tmp), add = TRUE)
  saveRDS(object, tmp, ...)
  rk_call("replace_file", list(source = tmp, filepath = file))
  invisible(file)
}
