# reticulate's internals and the differences between its versions, in one place: Debian's
# reticulate 1.28 and reticulate >= 1.39 (tested: 1.46). Dropping 1.28 is deleting its
# branches here (reticulate_before_1_39() and what tests it); nothing else in R/ asks.

reticulate_version <- function() utils::packageVersion("reticulate")

# Before 1.39, reticulate released Python objects without taking the GIL and did not keep
# the GIL while R runs in a Python it did not start.
reticulate_before_1_39 <- function() reticulate_version() < "1.39"

# Can the engine's Python be started before reticulate loads (options(rkbridge.early_start),
# R/python.R)? A Python started outside reticulate puts reticulate >= 1.39 in a mode that
# keeps the GIL while R runs, which stops Python's background threads.
reticulate_attaches_to_started_python <- function()
  nzchar(system.file(package = "reticulate")) && reticulate_before_1_39()

# Inside rpy2, R may release Python objects without the GIL (reticulate < 1.39), and
# reticulate's polling thread may schedule calls into a finalized Python at exit (every
# version so far): src/embedded.c patches reticulate's library for both.
# options(rkbridge.guard_reticulate = FALSE) opts out.
guard_reticulate_in_rpy2 <- function(b) {
  dll <- getLoadedDLLs()[["reticulate"]]
  if (is.null(dll) || !isTRUE(getOption("rkbridge.guard_reticulate", TRUE)))
    return(invisible(FALSE))
  decref <- reticulate_before_1_39()
  # reticulate >= 1.39 takes the GIL for good in an exit finalizer (rkbridge/boundary/embedding.py)
  if (!decref)
    b$embedding$run_r_exit_finalizers_first(.Call(rk_exit_finalizers_address))
  invisible(.Call(rk_guard_reticulate, dll[["path"]], decref, TRUE))
}

# reticulate::iterate() converts each item with reticulate's own conversion, which before
# 1.39 cannot convert NumPy 2 arrays: there the items come through the array transport
# (rkbridge/boundary/transport.py, boxed_items()), as later versions give them.
reticulate_iterate <- function(it, f, simplify) {
  if (!reticulate_before_1_39() || !inherits(it, "python.builtin.object") ||
      !utils::getFromNamespace("py_has_convert", "reticulate")(it))  # exported from 1.39
    return(reticulate::iterate(it, f, simplify))
  items <- bridge()$boxed_items(reticulate::as_iterator(it))
  reticulate::iterate(items, function(x) f(arrays_to_r(x)), simplify)
}

# A Python method reached with `$` (`self$add_weight(shape = s, )`): reticulate 1.28's
# wrapper fails on a trailing comma, later ones drop it (dots_list(), R/callables.R).
py_method_compat <- function(f) {
  if (!is.function(f) || !inherits(f, "python.builtin.object")) return(f)
  if (is.null(.rk$reticulate_drops_empty))  # asked once: `$` is on hot paths
    .rk$reticulate_drops_empty <- reticulate_version() >= "1.29"
  if (.rk$reticulate_drops_empty) return(f)
  g <- function(...) do.call(f, dots_list(...))
  attributes(g) <- attributes(f)
  g
}

# The Python id() of the object behind reticulate handle `ref`, as reticulate::py_id()
# gives it, or NULL for a handle whose object is gone (another session's: rk_to_engine()
# revives it). src/handles.c reads it from the handle's external pointer, without the round
# trip py_id() makes (a few microseconds of every call naming a model): only where that
# reading agrees with py_id() on a live object (checked once per session), and not under
# options(rkbridge.native_ids = FALSE).
handle_id <- function(ref) {
  if (native_ids()) {
    id <- .Call(rk_py_id, ref)
    if (is.null(id) || !is.na(id)) return(id)
  }
  if (reticulate::py_is_null_xptr(ref)) return(NULL)
  reticulate::py_id(ref)
}

native_ids <- function() {
  ok <- .rk$native_ids
  if (is.null(ok)) {
    probe <- bridge(convert = FALSE)
    ok <- .rk$native_ids <- identical(.Call(rk_py_id, probe), reticulate::py_id(probe))
  }
  ok && !isFALSE(getOption("rkbridge.native_ids"))
}
