# Calling the engine: argument capture, conversion, and engine errors as R conditions.

rk_condition <- function(message, class = "rkbridge_error", call = NULL, ...) {
  structure(class = unique(c(class, "rkbridge_error", "error", "condition")),
            list(message = message, call = call, ...))
}

# The arguments the caller of the calling function actually supplied, evaluated, by name.
# Defaults shown in a wrapper's signature document Keras's defaults; only what the user
# wrote is forwarded, so the engine's defaults and legacy-name rules apply in one place.
# `unnamed = TRUE`: unnamed arguments in `...` are kept, unnamed (rk_call() passes them to
# the engine by position: the further inputs of `layer_add(a, b)`).
rk_capture <- function(unnamed = FALSE) {
  env <- parent.frame()
  fn <- sys.function(sys.parent())
  mc <- match.call(fn, sys.call(sys.parent()), expand.dots = FALSE,
                   envir = parent.frame(2L))
  supplied <- as.character(names(mc)[-1L])
  supplied <- supplied[supplied != "..."]
  out <- mget(supplied, envir = env, inherits = FALSE)
  if ("..." %in% names(mc)) {
    dots <- eval(quote(list(...)), env)
    if (length(dots) && is.null(names(dots))) names(dots) <- rep("", length(dots))
    if (!unnamed && length(dots) && any(!nzchar(names(dots))))
      stop(rk_condition("Arguments passed through `...` must be named.",
                        "rkbridge_value_error"))
    out <- c(out, dots)
  }
  out
}

signal_outcome <- function(res, call) {
  if (inherits(res, "rkbridge.boundary.bridge.Failure")) {
    # An R callback left by a non-local exit: continue it now (R/callables.R)
    if (identical(res$r_class, "rkbridge_jump") && !isFALSE(.Call(rk_resume_jump)))
      return(invisible())
    if (identical(res$r_class, "rkbridge_interrupt"))  # Ctrl-C: an interrupt, not an error
      stop(structure(class = c("rkbridge_interrupt", "interrupt", "condition"),
                     list(message = res$message, call = call, value = res$value)))
    stop(rk_condition(res$message, class = res$r_class, call = call,
                      python_class = res$python_class, value = res$value))
  }
  if (inherits(res, "rkbridge.boundary.bridge.Outcome")) {
    for (m in res$messages) message(m)
    for (w in res$warnings) warning(w, call. = FALSE)
    return(arrays_to_r(res$value))
  }
  arrays_to_r(res)
}

# Call engine function `name` with R arguments `args` (a named list). A function that
# returns the object it was given (it changed it in place) gives back the R object,
# invisibly, so that `%>%` pipes keep working.
rk_call <- function(name, args = list(), call = sys.call(-1L)) {
  bridge()
  sync_axis_rule(call)
  given <- args
  pos <- NULL
  if (length(args) && !is.null(names(args)) && any(!nzchar(names(args)))) {
    pos <- unname(lapply(args[!nzchar(names(args))], to_py))
    args <- args[nzchar(names(args))]
  }
  # Plain numeric and logical arrays go along with the call as loans, flat (see
  # rkbridge/boundary/bridge.py, call()): one crossing in all, and nothing classed for
  # reticulate to convert through R
  kw <- args
  lent <- NULL
  held <- NULL    # layers and models the engine knows by id (see held_id())
  held_ids <- NULL
  fresh <- NULL   # ... and those it will know after this call
  for (i in seq_along(args)) {
    a <- args[[i]]
    if (lendable(a)) lent <- c(lent, i)
    else if (!is.null(a)) {
      id <- held_id(a)
      if (is.null(id)) kw[i] <- list(to_py(a))
      else if (isTRUE(.rk$held[[id]])) {
        held <- c(held, i)
        held_ids <- c(held_ids, id)
        kw[i] <- list(NULL)
      } else {
        fresh <- c(fresh, id)
        kw[i] <- list(to_py(a))
      }
    }
  }
  loans <- NULL
  for (i in lent) {  # after every conversion that could fail: a loan must reach the engine
    a <- args[[i]]
    d <- dim(a) %||% length(a)
    loans <- c(loans, .Call(rk_lend, a), kind_code(a), length(d), d)
    kw[i] <- list(NULL)
  }
  loan_names <- names(args)[lent]
  res <- .rk$call(name, pos, kw, FALSE, loan_names, loans, names(args)[held],
                  if (length(held)) as.numeric(held_ids))
  if (length(held) && inherits(res, "rkbridge.boundary.bridge.Failure") &&
      identical(res$r_class, "rkbridge_stale_handle")) {
    # an id whose object died and was taken again: send the objects themselves
    rm(list = held_ids, envir = .rk$held)
    return(rk_call(name, given, call))
  }
  for (id in fresh) .rk$held[[id]] <- TRUE
  res <- signal_outcome(res, call)
  first <- if (length(args)) args[[1L]] else NULL
  if (inherits(first, "python.builtin.object") && inherits(res, "python.builtin.object") &&
      identical(reticulate::py_id(first), reticulate::py_id(res)))
    return(invisible(first))
  res
}

# For a Keras layer or model, the id the engine may know it by (rkbridge/boundary/bridge.py,
# `_held`): reticulate converts an R handle on a Python object by calling back into R, which
# costs as much as predicting one row; a number costs nothing. NULL for anything else.
held_id <- function(x) {
  if (!inherits(x, "keras.src.layers.layer.Layer")) return(NULL)
  ref <- py_reference(x)  # reticulate would resolve a function to it through R
  if (reticulate::py_is_null_xptr(ref)) return(NULL)  # from another session: to_py() revives
  reticulate::py_id(ref)
}

# The code of a vector's kind in a loan (rkbridge/boundary/transport.py, KIND_CODES).
kind_code <- function(x) if (is.double(x)) 1 else if (is.integer(x)) 2 else 3

# options(rkbridge.axis) reaches the engine, which holds the rule (rkbridge/axes.py): sent
# only when it differs from what was last sent, so a call costs one getOption(). Unset, the
# engine's default applies (keras3, or the environment variable RKBRIDGE_AXIS).
sync_axis_rule <- function(call) {
  rule <- getOption("rkbridge.axis")
  if (identical(rule, .rk$axis_rule)) return(invisible())
  signal_outcome(.rk$call("set_axis_rule", NULL, list(rule = rule)), call)
  .rk$axis_rule <- rule
  invisible()
}

# Call a Python object (layer, model, Keras function) from R with R arguments.
rk_call_object <- function(object, args = list(), call = sys.call(-1L)) {
  bridge()
  pos <- if (is.null(names(args))) args else args[!nzchar(names(args))]
  kw <- if (is.null(names(args))) list() else args[nzchar(names(args))]
  res <- .rk$call_object(object, unname(lapply(pos, to_py)), lapply(kw, to_py))
  signal_outcome(res, call)
}

# Call engine function `name` for a Python object that R keeps as it is, unconverted (a
# NumPy array, a tuple, a module): the engine hands it over in a `Kept` box
# (rkbridge/boundary/bridge.py), taken out here with reticulate conversion flag `convert`.
# `args`: named arguments are passed by keyword, unnamed ones by position.
rk_call_py <- function(name, args = list(), convert = FALSE, call = sys.call(-1L)) {
  bridge()
  sync_axis_rule(call)
  nms <- names(args)
  pos <- if (is.null(nms)) args else args[!nzchar(nms)]
  kw <- if (is.null(nms)) list() else args[nzchar(nms)]
  kept <- signal_outcome(.rk$call(name, unname(lapply(pos, to_py)), lapply(kw, to_py), TRUE),
                         call)
  if (isTRUE(convert)) reticulate::py_get_attr(kept, "value") else .rk$raw$kept_value(kept)
}
