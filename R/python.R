# Finding the engine's Python and loading the engine on first use.

.rk <- new.env(parent = emptyenv())

#' The Python interpreter that runs the rkbridge engine
#'
#' Looked up in this order: `options(rkbridge.python =)`, the `RKBRIDGE_PYTHON` environment
#' variable, the environment made by [install_keras()], the interpreter recorded when the
#' package was installed (the project's `.venv`), and `.venv/bin/python` in the working
#' directory or one of its parents. When R itself is
#' embedded in Python (rpy2), the running interpreter is used. A Python named by the option
#' or the environment variable that does not exist or is not a Python interpreter is an
#' `rkbridge_engine_error` naming the setting (never quietly replaced by another one).
#'
#' With `options(rkbridge.early_start = TRUE)` (and reticulate < 1.39), the first engine call
#' of a session starts that Python itself and imports the engine (TensorFlow) on a Python
#' thread while reticulate loads, which makes the first call about a second quicker;
#' reticulate then uses the running interpreter.
#'
#' @return The path of the Python executable, or `NULL` if none was found.
#' @examples
#' rkbridge_python()
#' @export
rkbridge_python <- function() find_python(probe = TRUE)

find_python <- function(probe) {
  explicit <- explicit_python(probe)
  if (!is.null(explicit)) return(explicit)
  candidates <- c(installed_python(), recorded_python(), venv_upwards(getwd()))
  candidates <- candidates[nzchar(candidates)]
  # The directory is made absolute but the link is kept: a venv is known by its own path.
  for (p in candidates) if (file.exists(p)) return(absolute_python(p))
  NULL
}

absolute_python <- function(p) file.path(normalizePath(dirname(p)), basename(p))

# A Python named by options(rkbridge.python) or RKBRIDGE_PYTHON is used or is an error
# naming the setting: never quietly replaced by another interpreter.
explicit_python <- function(probe = TRUE) {
  settings <- list(`options(rkbridge.python)` = getOption("rkbridge.python"),
                   RKBRIDGE_PYTHON = Sys.getenv("RKBRIDGE_PYTHON"))
  for (setting in names(settings)) {
    p <- settings[[setting]]
    if (is.null(p) || identical(p, "")) next
    if (!is.character(p) || length(p) != 1L || is.na(p))
      stop(no_engine_error(sprintf("%s must be the path of a Python executable.", setting)))
    p <- path.expand(p)
    if (!file.exists(p) || dir.exists(p))
      stop(no_engine_error(sprintf("%s is \"%s\", which does not exist.", setting, p)))
    if (probe && !identical(.rk$checked_python, p) && !is_python(p))
      stop(no_engine_error(sprintf("%s is \"%s\", which is not a Python interpreter.",
                                   setting, p)))
    if (probe) .rk$checked_python <- p
    return(absolute_python(p))
  }
  NULL
}

# Asked once per path (about 20 ms): does it run as Python and say so?
is_python <- function(p) {
  if (file.access(p, 1L) != 0L) return(FALSE)
  out <- tryCatch(suppressWarnings(system2(p, c("-c", shQuote("import sys; print('rkbridge-python', sys.version_info[0])")),
                                           stdout = TRUE, stderr = FALSE)),
                  error = function(e) character())
  any(grepl("^rkbridge-python 3$", out))
}

# inst/python-path (written by configure): the engine's Python, then its libpython.
recorded <- function(line) {
  f <- system.file("python-path", package = "rkbridge")
  if (!nzchar(f)) return("")
  lines <- trimws(readLines(f, warn = FALSE))
  if (length(lines) >= line) lines[[line]] else ""
}
recorded_python <- function() recorded(1L)

venv_upwards <- function(dir) {
  repeat {
    p <- file.path(dir, ".venv", "bin", "python")
    if (file.exists(p)) return(p)
    parent <- dirname(dir)
    if (identical(parent, dir)) return("")
    dir <- parent
  }
}

configure_python <- function(probe = TRUE) {
  # reticulate is asked only when it is already loaded: loading it (~0.8 s, for its Matrix
  # import) just to ask would slow library(rkbridge) down.
  if (isNamespaceLoaded("reticulate") && reticulate::py_available(initialize = FALSE))
    return(invisible())
  python <- find_python(probe)
  if (!is.null(python) && !nzchar(Sys.getenv("RETICULATE_PYTHON")))
    Sys.setenv(RETICULATE_PYTHON = python)
  invisible()
}

no_engine_error <- function(reason) {
  structure(class = c("rkbridge_engine_error", "rkbridge_error", "error", "condition"),
            list(message = paste0(
              "The rkbridge engine (Python package 'rkbridge') could not be loaded: ", reason,
              "\nRun install_keras() (or the project's setup, see README), or point rkbridge ",
              "at a Python that has ",
              "it: options(rkbridge.python = \"/path/to/.venv/bin/python\") or the ",
              "RKBRIDGE_PYTHON environment variable, before the first model is built."),
              call = NULL))
}

# The engine's bridge module, imported (with TensorFlow) the first time it is needed.
# Two handles on it: the default converts results as reticulate does (the engine boxes every
# array, NumPy scalar and bytes value in them, so they reach R only through the transport),
# `convert = FALSE` converts nothing, for the constructors whose result must stay a NumPy
# array (reticulate >= 1.38 would otherwise turn it into an R array: two copies, not none).
# Engine functions are called through rk_call() (R/call.R), not through these handles.
bridge <- function(convert = TRUE) {
  b <- .rk$bridge
  if (!is.null(b)) {
    if (.rk$pid != Sys.getpid()) stop(fork_error())
    if (.rk$collect_due) collect_released_models(b)
    return(if (convert) b else .rk$raw)
  }
  start_engine_early()
  configure_python()
  b <- tryCatch(reticulate::import("rkbridge.boundary.bridge", convert = TRUE),
                error = function(e) stop(no_engine_error(conditionMessage(e))))
  raw <- reticulate::import("rkbridge.boundary.bridge", convert = FALSE)
  .rk$raw <- raw
  .rk$array <- raw$array
  .rk$call <- b$call
  .rk$call_object <- b$call_object
  .rk$info <- b$info
  .rk$fill <- b$fill
  b$set_release(.Call(rk_release_address))
  b$set_writer(function(text) { cat(text); utils::flush.console(); NULL }, interactive(),
               function() getOption("width", 80L))
  b$set_name_resolver(rk_resolve_name)  # R/model-state.R
  # asked now, not when the module was imported (Python may have imported it before rpy2)
  if (isTRUE(b$embedding$embedded_by_rpy2())) guard_reticulate_in_rpy2(b)
  .rk$pid <- Sys.getpid()
  .rk$held <- new.env(hash = TRUE, parent = emptyenv())  # R/call.R, held_id()
  .rk$bridge <- b
  register_tensor_class()
  rk_make_pending_classes()  # classes defined in R before the engine started (R/classes.R)
  if (convert) b else raw
}

# A forked child (parallel::mclapply(), mcparallel(), future's multicore) inherits the engine
# but not TensorFlow's threads: its first TensorFlow operation would wait for them forever.
# The engine refuses to run there instead (the pid it started in is kept by bridge()).
fork_error <- function() {
  rk_condition(paste0(
    "The rkbridge engine cannot run in a forked child process (parallel::mclapply(), ",
    "mcparallel(), future's multicore plan): TensorFlow's threads do not survive fork() and ",
    "the call would hang. Use a PSOCK cluster instead, e.g. cl <- parallel::makePSOCKcluster(2) ",
    "with parallel::parLapply(cl, ...): models travel to its workers like any R object ",
    "(saveRDS()), and each worker starts its own engine."),
    "rkbridge_fork_error")
}

#' The Python traceback of the last engine error
#'
#' Errors from the engine are reported in R terms; the Python traceback behind the last one
#' is kept for bug reports.
#' @return The traceback as a character string (invisibly), printed.
#' @examples
#' \dontrun{
#' try(get_layer(keras_model_sequential(), index = 1))
#' last_error()
#' }
#' @export
last_error <- function() {
  tb <- bridge()$last_traceback()
  cat(tb)
  invisible(tb)
}

# Opt-in (options(rkbridge.early_start = TRUE)): the engine's import (TensorFlow, ~2.5 s)
# runs on a Python thread while reticulate loads (~0.8 s): see src/early_python.c. Only for
# a reticulate that works with a Python started before it (R/reticulate-compat.R), a fresh session, and the Python recorded at install time
# (whose libpython is the one reticulate will load); anything else leaves Python's start to
# reticulate. An import that fails on the thread is imported again, and reported, by the
# main thread.
start_engine_early <- function() {
  if (!isTRUE(getOption("rkbridge.early_start", FALSE)) || .Platform$OS.type != "unix" ||
      isNamespaceLoaded("reticulate") || !reticulate_attaches_to_started_python())
    return(invisible(FALSE))
  python <- rkbridge_python()
  libpython <- recorded(2L)
  wanted <- Sys.getenv("RETICULATE_PYTHON")
  if (is.null(python) || !identical(python, recorded_python()) || !nzchar(libpython) ||
      !file.exists(libpython) || (nzchar(wanted) && !identical(wanted, python)))
    return(invisible(FALSE))
  started <- .Call(rk_python_early, libpython, python, early_import_code)
  if (!isTRUE(started)) return(invisible(FALSE))
  on.exit(.Call(rk_python_resume))  # the main thread must hold the GIL before reticulate runs
  loadNamespace("reticulate")
  invisible(TRUE)
}

# A failure is dropped here on purpose: Python removes the failed module from sys.modules,
# so the main thread's import tries again and reticulate reports the error in full.
early_import_code <- paste(
  "import threading",
  "def _rkbridge_early_import():",
  "    try:",
  "        __import__('rkbridge.boundary.bridge')",
  "    except BaseException:",
  "        pass",
  "threading.Thread(target=_rkbridge_early_import, name='rkbridge-import', daemon=True).start()",
  "del threading, _rkbridge_early_import",
  sep = "\n")

# TensorFlow tensors also carry the class "tensorflow.tensor" that the tensorflow R package
# gives them, so that code testing for it (inherits(x, "tensorflow.tensor")) recognises
# them. It is added just before "python.builtin.object": rkbridge's methods for the Python
# classes are found first.
register_tensor_class <- function() {
  tensor_classes <- c("tensorflow.python.types.core.Tensor",
                      "tensorflow.python.ops.variables.Variable")
  reticulate::register_class_filter(function(classes) {
    if (!any(tensor_classes %in% classes) || "tensorflow.tensor" %in% classes) return(classes)
    at <- match("python.builtin.object", classes, nomatch = length(classes) + 1L)
    append(classes, "tensorflow.tensor", after = at - 1L)
  })
}
