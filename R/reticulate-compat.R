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
