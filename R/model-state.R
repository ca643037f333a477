# Models that survive saveRDS()/readRDS(), save.image(), knitr's cache and parallel workers.
#
# A reticulate handle is an external pointer, which R's serialization writes as NULL. Each
# model handed to R therefore carries, in its Python object's environment, a small ALTREP raw
# vector (src/model_state.c) whose serialized form is produced when R serializes it: the
# model's `.keras` bytes (weights, optimizer state, compile settings). An object read back
# has a dead pointer and those bytes; rk_revive() rebuilds the Python model from them the
# first time the object is used (rk_to_engine(), `$`, `[[`) and points every environment of the R
# object at it, so the object keeps working in place.

# Called from py_to_r_wrapper() for every model that reaches R.
rk_track_model <- function(x) {
  env <- rk_object_envs(x)[1L][[1L]]
  if (is.environment(env) && !exists(".rk_state", envir = env, inherits = FALSE)) {
    assign(".rk_state", .Call(rk_state_new, env), envir = env)
    # counted by a token of its own: a finalizer on `env` would keep the model's Python
    # object (and its memory) for one more collection of R's
    token <- new.env(parent = emptyenv())
    reg.finalizer(token, rk_model_released)
    assign(".rk_token", token, envir = env)
    rk_model_made()
  }
  invisible(x)
}

# Models that R dropped are freed late twice over: R lets go of their Python objects at its
# own garbage collection, and then, a Keras model being a web of reference cycles, only
# Python's full collection frees it, which Python runs rarely (once new long-lived objects
# reach a quarter of the old ones). Making and dropping 300 models in a loop grew the
# process by 380 KB a model, 110 KB more than the same loop in Python. So after
# `rkbridge.collect_after_models` (default 50) model handles made (models reaching R), the
# next engine call runs both
# collections, R's and then Python's (0.3 to 0.7 s with TensorFlow loaded), but never
# sooner after the last one than 10 times what it took: at most 10% of the time goes to
# them. When a collection finds few released models (a script that keeps its models),
# the interval doubles, up to 16 times. 0 turns it off; benchmarks/bench_model_memory.R
# measures it. Finalizers only count: Python must not run inside R's garbage collector.
rk_model_made <- function() {
  base <- getOption("rkbridge.collect_after_models", 50L)
  if (!is.numeric(base) || length(base) != 1L || is.na(base) || base <= 0) return()
  .rk$made <- .rk$made + 1L
  if (.rk$made >= base * .rk$collect_scale &&
      elapsed() >= .rk$collected_at + 10 * .rk$collect_took)
    .rk$collect_due <- TRUE
}

elapsed <- function() proc.time()[["elapsed"]]

# The counters behind it, set when the package loads (a model made in Python, under rpy2,
# can reach R before R's first engine call).
reset_collection_state <- function() {
  .rk$collect_due <- FALSE
  .rk$made <- 0L
  .rk$released <- 0L
  .rk$collect_scale <- 1L
  .rk$collected_at <- 0
  .rk$collect_took <- 0
}

rk_model_released <- function(token) .rk$released <- .rk$released + 1L

collect_released_models <- function(b) {
  started <- elapsed()
  made <- .rk$made
  .rk$collect_due <- FALSE
  .rk$made <- 0L
  gc(verbose = FALSE)  # R's first: it lets go of the models' Python objects
  scale <- .rk$collect_scale
  .rk$collect_scale <- if (.rk$released * 2L < made) min(scale * 2L, 16L) else 1L
  .rk$released <- 0L
  b$collect_released()
  .rk$collected_at <- elapsed()
  .rk$collect_took <- .rk$collected_at - started
  invisible()
}

# Called by the ALTREP class while R serializes a live model: its .keras bytes. A model that
# cannot be saved (a full disk, an unsaveable custom object) makes serialization an error
# inside saveRDS()/serialize(), never a file that silently cannot be restored;
# options(rkbridge.unsaveable_models = "warn") writes it without its state (the old way),
# with a warning.
rk_model_state_bytes <- function(env) {
  tryCatch(rk_call("serialize_model", list(object = env)), error = function(e) {
    msg <- sprintf(paste("The Keras model in this R object could not be serialized (%s).",
                         "Nothing restorable would be written: free space or fix the cause,",
                         "and save with save_rds(), which keeps an existing file until the",
                         "new one is complete."), conditionMessage(e))
    if (identical(getOption("rkbridge.unsaveable_models"), "warn")) {
      warning(msg, call. = FALSE)
      return(NULL)
    }
    stop(rk_condition(msg, "rkbridge_serialize_error", parent = e))
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
  if (name %in% c("input", "output") && inherits(x, "keras.src.models.sequential.Sequential"))
    return(rk_call("sequential_io", list(object = x, name = name)))
  # keras 2.x layers had these; Keras 3 keeps them on functional models only
  if (name %in% c("input_shape", "output_shape") &&
      !reticulate::py_has_attr(x, name))
    return(rk_call("layer_io_shape", list(object = x, name = name)))
  # Keras's own methods, with the weights through the array transport (reticulate 1.28 can
  # neither make nor read NumPy 2 arrays): each takes what the other gives
  if (identical(name, "get_weights")) return(function() get_weights(x))
  if (identical(name, "set_weights")) return(function(weights) {
    set_weights(x, weights)
    invisible(NULL)  # Keras's value
  })
  py_method_compat(NextMethod())  # R/reticulate-compat.R
}

#' @export
`[[.keras.src.layers.layer.Layer` <- function(x, name) {
  rk_revive(x)
  NextMethod()
}

#' @export
`$<-.keras.src.layers.layer.Layer` <- function(x, name, value) {
  rk_revive(x)
  value <- attr_value_to_py(value)
  NextMethod()
}

#' @export
`$<-.keras.src.callbacks.callback.Callback` <- function(x, name, value) {
  value <- attr_value_to_py(value)
  NextMethod()
}

# R arrays a method keeps on `self` (`self$best_weights <- get_weights(self$model)`), also in
# plain lists, go through the array transport: reticulate 1.28 cannot make NumPy 2 arrays.
# Vectors without dim() stay reticulate's (Python lists), as before.
attr_value_to_py <- function(value) {
  if (is.list(value) && !is.object(value))
    return(lapply(value, attr_value_to_py))
  if (is.atomic(value) && !is.object(value) && !is.character(value) && !is.null(dim(value)))
    return(rk_to_engine(value))
  value
}

# Called by the engine when a model being loaded names a custom object this session has not
# registered (rkbridge/persistence/saving.py, resolve_name()): the R6 class (KerasLayer,
# ...), class generator or R function (a loss, a metric) of that name that this session
# defines, as Layer() classes are known once defined. Looked up from the frames that asked
# for the load outward, then the global environment; NULL when there is none.
rk_resolve_name <- function(name) {
  tryCatch({
    # keras_model_custom(<model function>)'s class, named after the function
    fn_name <- sub("^CustomModel_", "", name)
    for (env in c(rev(sys.frames()), globalenv())) {
      if (fn_name != name) {
        fn <- get0(fn_name, envir = env, inherits = identical(env, globalenv()))
        if (is.function(fn) && !isNamespace(environment(fn)))
          return(rk_class_get(custom_model_class(fn, name)))
        next
      }
      obj <- get0(name, envir = env, inherits = identical(env, globalenv()))
      if (inherits(obj, "R6ClassGenerator") && identical(obj$classname, name))
        return(rk_r6_class(obj))
      if (inherits(obj, "rkbridge_class_generator")) return(rk_class_get(obj))
      if (is.function(obj) && !is.primitive(obj) && !inherits(obj, "python.builtin.object") &&
          !isNamespace(environment(obj))) {
        attr(obj, "rk_function_name") <- name
        return(rk_to_engine.function(obj))
      }
    }
    NULL
  }, error = function(e) NULL)
}
