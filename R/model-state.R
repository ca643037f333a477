# Models that survive saveRDS()/readRDS(), save.image(), knitr's cache and parallel workers.
#
# A reticulate handle is an external pointer, which R's serialization writes as NULL. Each
# model handed to R therefore carries, in its Python object's environment, a small ALTREP raw
# vector (src/model_state.c) whose serialized form is produced when R serializes it: the
# model's `.keras` bytes (weights, optimizer state, compile settings). An object read back
# has a dead pointer and those bytes; rk_revive() rebuilds the Python model from them the
# first time the object is used (to_py(), `$`, `[[`) and points every environment of the R
# object at it, so the object keeps working in place.

# Called from py_to_r_wrapper() for every model that reaches R.
rk_track_model <- function(x) {
  env <- rk_object_envs(x)[1L][[1L]]
  if (is.environment(env) && !exists(".rk_state", envir = env, inherits = FALSE))
    assign(".rk_state", .Call(rk_state_new, env), envir = env)
  invisible(x)
}

# Called by the ALTREP class while R serializes a live model: its .keras bytes, or NULL
# (with a warning) when the engine cannot save it.
rk_model_state_bytes <- function(env) {
  tryCatch(rk_call("serialize_model", list(object = env)), error = function(e) {
    warning(sprintf(paste("The Keras model could not be serialized with the R object (%s);",
                          "it will not be restorable."), conditionMessage(e)), call. = FALSE)
    NULL
  })
}

# The R environments that hold the Python pointer of a reticulate object: its own, its
# `py_object` attribute's, and those of the objects its function wrappers enclose.
rk_object_envs <- function(x, depth = 0L) {
  envs <- list(if (is.environment(x)) x, attr(x, "py_object", exact = TRUE))
  if (is.function(x) && depth < 3L)
    for (v in c("x", "callable")) {
      inner <- get0(v, envir = environment(x), inherits = FALSE)
      if (inherits(inner, "python.builtin.object"))
        envs <- c(envs, rk_object_envs(inner, depth + 1L))
    }
  envs <- Filter(function(e) is.environment(e) && exists("pyobj", envir = e, inherits = FALSE),
                 envs)
  out <- list()
  for (e in envs) if (!any(vapply(out, identical, TRUE, e))) out <- c(out, list(e))
  out
}

# A reticulate object whose Python side died with its R session: rebuilt from the state it
# carries (in place), or an error saying why it cannot be.
rk_revive <- function(x) {
  if (!reticulate::py_is_null_xptr(x)) return(x)
  envs <- rk_object_envs(x)
  holder <- Find(function(e) exists(".rk_state", envir = e, inherits = FALSE), envs)
  state <- if (!is.null(holder)) get(".rk_state", envir = holder, inherits = FALSE)
  saved <- if (!is.null(state)) .Call(rk_state_saved, state)
  if (!length(saved))
    stop(rk_condition(paste0(
      "This Keras object comes from another R session (saveRDS(), save.image(), a knitr ",
      "cache) and cannot be restored: only models carry their state (and only when it could ",
      "be saved with them). Save models with saveRDS() or save_model(), and get layers back ",
      "from the restored model."),
      "rkbridge_dead_object_error"))
  live <- tryCatch(rk_call("unserialize_model", list(object = saved)),
                   rkbridge_value_error = function(e) {
    # A custom metric or loss of the old session is unknown here: keep the model, uncompiled.
    warning(conditionMessage(e), " The model was restored without its compile settings: ",
            "call compile() again.", call. = FALSE)
    rk_call("unserialize_model", list(object = saved, compile = FALSE))
  })
  source <- rk_object_envs(live)[[1L]]
  for (e in envs) assign("pyobj", get("pyobj", envir = source, inherits = FALSE), envir = e)
  .Call(rk_state_set_live, state, holder)
  x
}

# Layers and models read back from a serialized R object: revive (models) or say why not.
#' @export
`$.keras.src.layers.layer.Layer` <- function(x, name) {
  rk_revive(x)
  NextMethod()
}

#' @export
`[[.keras.src.layers.layer.Layer` <- function(x, name) {
  rk_revive(x)
  NextMethod()
}

#' @export
`$<-.keras.src.layers.layer.Layer` <- function(x, name, value) {
  rk_revive(x)
  NextMethod()
}
