# Calling the engine: argument capture, conversion, and engine errors as R conditions.

# `call`: the user's call that failed (user_call()), as R's own errors name it.
rk_condition <- function(message, class = "rkbridge_error", call = user_call(), ...) {
  structure(class = unique(c(class, "rkbridge_error", "error", "condition")),
            list(message = message, call = call, ...))
}

# The call by which the user entered the package, for a condition signalled below it: the
# outermost rkbridge function on the chain of callers (sys.parents()), through base R
# functions (tryCatch(), lapply()) between them, up to the user's code, a pipe or the top
# level. An S3 method is named by its generic (`predict(model, x)`, `x + 1`). Only asked
# when a condition is made, so a call that succeeds pays nothing for it.
user_call <- function() {
  ns <- environment(user_call)
  parents <- sys.parents()
  n <- sys.parent()
  entry <- 0L
  while (n > 0L) {
    env <- topenv(environment(sys.function(n)))
    if (identical(env, ns)) entry <- n
    else if (!identical(env, .BaseNamespaceEnv)) break
    # a function evaluated in an environment that is no function's (magrittr's pipe) has
    # no caller frame: sys.parents() then gives its own number
    if (parents[n] >= n) break
    n <- parents[n]
  }
  if (entry == 0L) return(NULL)
  call <- sys.call(entry)
  generic <- get0(".Generic", envir = sys.frame(entry), inherits = FALSE)
  if (is.character(generic) && length(generic) == 1L && is.call(call))
    call[[1L]] <- as.name(generic)
  call
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
  # an empty argument (a trailing comma: `compile(m, loss = "mse", )`), or one naming a
  # missing argument of the caller, is no argument; only a symbol can be either
  for (s in supplied)
    if (is.symbol(mc[[s]]) && eval(call("missing", as.name(s)), env))
      supplied <- supplied[supplied != s]
  out <- mget(supplied, envir = env, inherits = FALSE)
  if ("..." %in% names(mc)) {
    dots <- supplied_dots(env)
    if (length(dots) && is.null(names(dots))) names(dots) <- rep("", length(dots))
    if (!unnamed && length(dots) && any(!nzchar(names(dots))))
      stop(rk_condition("Arguments passed through `...` must be named.",
                        "rkbridge_value_error"))
    out <- c(out, dots)
  }
  out
}

# The `...` of the function whose frame is `env`, evaluated, less the empty ones (a trailing
# comma: `compile(m, loss = "mse", )`, as Python and reticulate >= 1.29 allow) and those
# naming a missing argument of a caller; only a symbol can be either.
supplied_dots <- function(env) {
  exprs <- as.list(eval(quote(substitute(list(...))), env))[-1L]
  if (!any(vapply(exprs, is.symbol, TRUE))) return(eval(quote(list(...)), env))
  given <- vapply(seq_along(exprs), function(i)
    !eval(call("missing", as.name(paste0("..", i))), env), TRUE)
  dots <- lapply(which(given), function(i) eval(call("...elt", i), env))
  names(dots) <- names(exprs)[given]
  dots
}

# The engine's outcome of a call as R sees it: its value, or its failure as an R condition
# (the user's call, the engine's class and message), its messages and warnings signalled.
signal_outcome <- function(res) {
  if (inherits(res, "rkbridge.boundary.bridge.Failure")) {
    # An R callback left by a non-local exit: continue it now (R/callables.R)
    if (identical(res$r_class, "rkbridge_jump") && !isFALSE(.Call(rk_resume_jump)))
      return(invisible())
    if (identical(res$r_class, "rkbridge_interrupt"))  # Ctrl-C: an interrupt, not an error
      stop(structure(class = c("rkbridge_interrupt", "interrupt", "condition"),
                     list(message = res$message, call = user_call(), value = res$value)))
    stop(rk_condition(res$message, class = res$r_class, python_class = res$python_class,
                      value = res$value))
  }
  if (inherits(res, "rkbridge.boundary.bridge.Outcome")) {
    for (m in res$messages) message(m)
    for (w in res$warnings) warning(w, call. = FALSE)
    return(arrays_to_r(res$value))
  }
  arrays_to_r(res)
}

# The one way R calls the engine. `what`: the name of an engine function, or a Python object
# (a layer, a model, a Keras function) to call. `args`: R values, named ones passed by
# keyword, unnamed ones by position. The result comes back as R values (arrays_to_r()); with
# `keep = TRUE` as the Python object itself (a NumPy array, a tuple, a module), which
# reticulate converts only with `convert = TRUE`. An engine function that returns the object
# it was given (it changed it in place) gives back the R object, invisibly, so that `%>%`
# pipes keep working.
rk_call <- function(what, args = list(), keep = FALSE, convert = FALSE) {
  bridge()
  by_name <- is.character(what)
  if (by_name) sync_axis_rule()
  nms <- names(args)
  pos <- NULL
  if (length(args) && (is.null(nms) || any(!nzchar(nms)))) {
    unnamed <- if (is.null(nms)) rep(TRUE, length(args)) else !nzchar(nms)
    pos <- unname(lapply(args[unnamed], rk_to_engine))
    args <- args[!unnamed]
  }
  if (!by_name) return(signal_outcome(.rk$call_object(what, pos, lapply(args, rk_to_engine))))
  if (keep) {
    kept <- signal_outcome(.rk$call(what, pos, lapply(args, rk_to_engine), TRUE))
    return(if (isTRUE(convert)) reticulate::py_get_attr(kept, "value")
           else bridge(convert = FALSE)$kept_value(kept))
  }
  res <- call_by_name(what, pos, args)
  if (is.null(res)) return(invisible(res))  # Python's None: a setter's, as reticulate gives it
  first <- if (length(args)) args[[1L]] else NULL
  if (inherits(first, "python.builtin.object") && inherits(res, "python.builtin.object") &&
      identical(reticulate::py_id(first), reticulate::py_id(res)))
    return(invisible(first))
  res
}

# Engine function `name` with positional arguments `pos` (converted) and keyword arguments
# `args` (R values). Plain numeric and logical arrays go along with the call as loans, flat
# (see rkbridge/boundary/bridge.py, call()): one crossing in all, and nothing classed for
# reticulate to convert through R.
call_by_name <- function(name, pos, args) {
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
      if (is.null(id)) kw[i] <- list(rk_to_engine(a))
      else if (isTRUE(.rk$held[[id]])) {
        held <- c(held, i)
        held_ids <- c(held_ids, id)
        kw[i] <- list(NULL)
      } else {
        fresh <- c(fresh, id)
        kw[i] <- list(rk_to_engine(a))
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
  res <- .rk$call(name, pos, kw, FALSE, names(args)[lent], loans, names(args)[held],
                  if (length(held)) as.numeric(held_ids))
  if (length(held) && inherits(res, "rkbridge.boundary.bridge.Failure") &&
      identical(res$r_class, "rkbridge_stale_handle")) {
    # an id whose object died and was taken again: send the objects themselves
    rm(list = held_ids, envir = .rk$held)
    return(call_by_name(name, pos, args))
  }
  for (id in fresh) .rk$held[[id]] <- TRUE
  signal_outcome(res)
}
# For a Keras layer or model, the id the engine may know it by (rkbridge/boundary/bridge.py,
# `_held`): reticulate converts an R handle on a Python object by calling back into R, which
# costs as much as predicting one row; a number costs nothing. NULL for anything else.
held_id <- function(x) {
  if (!inherits(x, "keras.src.layers.layer.Layer")) return(NULL)
  handle_id(py_reference(x))  # reticulate would resolve a function to it through R
}

# The code of a vector's kind in a loan (rkbridge/boundary/transport.py, KIND_CODES).
kind_code <- function(x) if (is.double(x)) 1 else if (is.integer(x)) 2 else 3

# options(rkbridge.dialect) (older name: rkbridge.axis) reaches the engine, which holds the
# dialect (rkbridge/wrappers/dialect.py): sent only when it differs from what was last sent, so a
# call costs one getOption(). Unset, the engine's default applies (keras3, or the
# environment variable RKBRIDGE_DIALECT).
sync_axis_rule <- function() {
  rule <- getOption("rkbridge.dialect", getOption("rkbridge.axis"))
  if (identical(rule, .rk$axis_rule)) return(invisible())
  signal_outcome(.rk$call("set_dialect", NULL, list(dialect = rule)))
  .rk$axis_rule <- rule
  invisible()
}
