# Keras objects that are called like functions (regularizers, initializers, constraints,
# losses, metrics, learning rate schedules) become R functions whose arguments go through
# rkbridge's conversion (reticulate alone cannot pass R arrays to NumPy 2), as layers do in
# methods.R. The methods are registered when reticulate loads (see R/zzz.R).

callable_wrapper <- function(x) {
  force(x)
  function(...) rk_call(x, dots_list(...))
}

# The arguments of a call to a Python callable as a list, without the empty ones (`f(a, )`
# is `f(a)`), as for rkbridge's own functions (supplied_dots(), R/call.R).
dots_list <- function(...) supplied_dots(environment())

#' @rawNamespace S3method(reticulate::py_to_r_wrapper, keras.src.regularizers.regularizers.Regularizer)
py_to_r_wrapper.keras.src.regularizers.regularizers.Regularizer <- function(x)
  callable_wrapper(x)

#' @rawNamespace S3method(reticulate::py_to_r_wrapper, keras.src.initializers.initializer.Initializer)
py_to_r_wrapper.keras.src.initializers.initializer.Initializer <- function(x)
  callable_wrapper(x)

#' @rawNamespace S3method(reticulate::py_to_r_wrapper, keras.src.constraints.constraints.Constraint)
py_to_r_wrapper.keras.src.constraints.constraints.Constraint <- function(x)
  callable_wrapper(x)

#' @rawNamespace S3method(reticulate::py_to_r_wrapper, keras.src.losses.loss.Loss)
py_to_r_wrapper.keras.src.losses.loss.Loss <- function(x) callable_wrapper(x)

#' @rawNamespace S3method(reticulate::py_to_r_wrapper, keras.src.metrics.metric.Metric)
py_to_r_wrapper.keras.src.metrics.metric.Metric <- function(x) callable_wrapper(x)

#' @rawNamespace S3method(reticulate::py_to_r_wrapper, keras.src.optimizers.schedules.learning_rate_schedule.LearningRateSchedule)
py_to_r_wrapper.keras.src.optimizers.schedules.learning_rate_schedule.LearningRateSchedule <-
  function(x) callable_wrapper(x)

# R functions given to compile() by name (`loss = my_loss`, `metrics = list(my_metric)`) are
# known to Keras by that name, as in the R interfaces: saved files record it, and
# `custom_objects = list(my_loss = my_loss)` loads them.
name_functions <- function(value, expr) {
  name_one <- function(f, e) {
    if (is.function(f) && is.name(e) && is.null(attr(f, "rk_name", exact = TRUE)) &&
        is.null(attr(f, "py_function_name", exact = TRUE)) &&
        !inherits(f, "rkbridge_class_generator"))
      attr(f, "rk_function_name") <- as.character(e)
    f
  }
  if (is.function(value)) return(name_one(value, expr))
  if (is.list(value) && is.call(expr) && as.character(expr[[1L]]) %in% c("list", "c") &&
      length(expr) - 1L == length(value))
    for (i in seq_along(value))  # `[<-`: a NULL (no loss for that output) stays in place
      value[i] <- list(name_one(value[[i]], expr[[i + 1L]]))
  value
}

# An R function the engine will call back, as the function reticulate hands to Python.
# - A non-local exit from it (a restart invoked, a condition caught by a handler around
#   fit(), callCC()) would be lost inside reticulate: src/jumps.c holds it, the engine
#   unwinds (rkbridge/boundary/rfunctions.py), and rk_call() resumes it (signal_outcome()).
# - Errors and interrupts are caught inside the hold and raised again outside it, where
#   reticulate reports them as before.
# - Its value: R arrays through the array transport (reticulate cannot make NumPy 2
#   arrays); a value reticulate cannot convert is an error only where it is used.
guard_r_function <- function(fn) {
  fn <- pipe_unmasked(fn)
  function(...) {
    thunk <- function()
      tryCatch(fn(...),
               error = function(e) structure(list(e), class = "rkbridge_held_error"),
               interrupt = function(e) structure(list(e), class = "rkbridge_held_interrupt"))
    out <- .Call(rk_hold_jumps, thunk)
    if (is.null(out)) return(bridge()$jumped)
    value <- out[[1L]]
    if (inherits(value, "rkbridge_held_error")) stop(value[[1L]])
    if (inherits(value, "rkbridge_held_interrupt")) {
      signalCondition(value[[1L]])
      invokeRestart("abort")  # what an unhandled interrupt does
    }
    r_value_to_py(value)
  }
}

# A function written in a magrittr step (`model %>% layer_lambda(function(x) x * 2)`) is
# enclosed by the step's mask, an environment whose one binding `.` is the piped value. The
# engine keeping the function would keep that value through R: a model would hold itself
# in a cycle between R and Python that neither collector sees, alive after rm(model). A
# function that never names `.` (nor reads its environment by other means) finds every
# other name in the mask's parent, so it is enclosed there instead.
pipe_unmasked <- function(fn) {
  env <- if (is.primitive(fn)) NULL else environment(fn)
  if (!is.environment(env) || !identical(ls(env, all.names = TRUE), ".") ||
      isNamespace(env) || identical(env, globalenv()))
    return(fn)
  reads_env <- c(".", "environment", "parent.frame", "parent.env", "sys.function",
                 "sys.frame", "sys.frames", "get", "get0", "mget", "exists", "eval",
                 "evalq", "local", "with", "within", "ls", "objects")
  names_used <- c(all.names(body(fn)), unlist(lapply(formals(fn), all.names)))
  if (any(names_used %in% reads_env)) return(fn)
  environment(fn) <- parent.env(env)
  fn
}

r_value_to_py <- function(value) {
  if (is.atomic(value) && !is.character(value) && (!is.null(dim(value)) || length(value) > 1L))
    return(rk_to_engine(value))  # a view that holds `value` (a loan: see R/convert.R)
  if (is.atomic(value) && length(value) == 1L && is.na(value) &&
      !(is.double(value) && is.nan(value)))
    return(bridge()$na)  # reticulate would make a lone NA TRUE
  if (!(is.null(value) || is.atomic(value) || is.list(value) ||
        inherits(value, "python.builtin.object")) || isS4(value))
    return(bridge()$unconvertible(sprintf("an R object of class '%s'", class(value)[1L])))
  tryCatch(reticulate::r_to_py(value),
           error = function(e) bridge()$unconvertible(conditionMessage(e)))
}
