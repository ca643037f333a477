# Installing the engine for people who have R and Python but not the project's setup.sh.

#' Install the rkbridge engine (TensorFlow and Keras) into a virtual environment
#'
#' Makes a Python virtual environment and pip-installs into it the engine that this R
#' package carries, with the TensorFlow (CPU build) and Keras versions it was made for.
#' The environment's Python is remembered (in `tools::R_user_dir("rkbridge", "config")`),
#' so that `library(rkbridge)` uses it in every later session with nothing else to set;
#' see [rkbridge_python()] for the order in which a Python is looked for.
#' Nothing is asked: it runs the same in scripts and on CI.
#'
#' The arguments that the keras 2.x and keras3 R interfaces take to choose TensorFlow and
#' Keras versions, a backend, conda, or a GPU build (`method`, `conda`, `version`,
#' `tensorflow`, `backend`, `gpu`, `python_version`, `restart_session`,
#' `pip_ignore_installed`, ...) are accepted and have no effect: the engine's versions are
#' fixed. `install_rkbridge()` is the same function.
#'
#' @param envname The environment: a name, made under reticulate's virtualenv root
#'   (`RETICULATE_VIRTUALENV_ROOT`, or `~/.virtualenvs`), or a path (a string with a `/`).
#' @param python The Python executable (3.10 or later, with its shared library, which
#'   reticulate needs) that the environment is made from. `NULL` (the default) takes the
#'   first of `python3.13`, ..., `python3.10`, `python3` on the `PATH` that is recent enough.
#' @param extra_packages A character vector of further Python packages to pip-install into
#'   the environment (pip requirement strings such as `"scipy"` or `"pillow>=10"`).
#' @param new_env `TRUE` removes an existing environment at that place first; `FALSE`
#'   installs into it. Defaults to `TRUE` for the default environment only.
#' @param ... The arguments of the other R interfaces' `install_keras()`; ignored.
#' @return The path of the environment's Python executable, invisibly.
#' @examples
#' \dontrun{
#' install_keras()                            # ~/.virtualenvs/r-rkbridge
#' install_keras(envname = "~/venvs/keras")   # a path
#' library(rkbridge)                          # in a new R session: finds it
#' }
#' @export
install_keras <- function(envname = "r-rkbridge", python = NULL, extra_packages = NULL,
                          new_env = identical(envname, "r-rkbridge"), ...) {
  ignored <- setdiff(names(list(...)), "")
  if (length(ignored))
    message("install_keras(): ", paste(ignored, collapse = ", "), " ignored: rkbridge ",
            "installs the TensorFlow and Keras versions its engine was made for.")
  engine <- system.file("python", package = "rkbridge")
  if (!nzchar(engine) || !file.exists(file.path(engine, "pyproject.toml")))
    stop(install_error("this installation of the R package carries no copy of the engine ",
                       "(inst/python); install the package from its source tarball ",
                       "(R CMD build), or run the project's setup.sh."))
  env <- env_path(envname)
  if (isTRUE(new_env) && dir.exists(env)) {
    # Only what is plainly a virtual environment is removed.
    if (!file.exists(file.path(env, "pyvenv.cfg")))
      stop(install_error(sprintf("\"%s\" exists and is not a virtual environment; ", env),
                         "choose another envname."))
    message("Removing the virtual environment ", env)
    unlink(env, recursive = TRUE)
  }
  env_python <- venv_python(env)
  if (!file.exists(env_python)) {
    base <- starter_python(python)
    message(sprintf("Creating a virtual environment at %s with %s", env, base))
    run_checked(base, c("-m", "venv", shQuote(env)), "making the virtual environment")
  }
  # pip builds in the source directory, which may be read-only in the R library.
  src <- tempfile("rkbridge-engine-")
  dir.create(src)
  on.exit(unlink(src, recursive = TRUE), add = TRUE)
  file.copy(list.files(engine, full.names = TRUE), src, recursive = TRUE)
  message("Installing the rkbridge engine with its pinned TensorFlow and Keras into ", env)
  run_checked(env_python, c("-m", "pip", "install", "--disable-pip-version-check",
                            shQuote(src), shQuote(as.character(extra_packages))),
              "pip install")
  record_installed_python(env_python)
  message(sprintf("Installation complete: library(rkbridge) uses %s from now on.", env_python))
  if (engine_started())
    message("Restart R to use it: this session's Python is already started.")
  invisible(env_python)
}

#' @rdname install_keras
#' @export
install_rkbridge <- install_keras

install_error <- function(...) {
  structure(class = c("rkbridge_install_error", "rkbridge_error", "error", "condition"),
            list(message = paste0("install_keras(): ", ...), call = NULL))
}

env_path <- function(envname) {
  if (!is.character(envname) || length(envname) != 1L || is.na(envname) || !nzchar(envname))
    stop(install_error("envname must be one string: a name or a path."))
  if (grepl("/", envname, fixed = TRUE) || grepl("\\", envname, fixed = TRUE))
    return(file.path(normalizePath(dirname(path.expand(envname)), mustWork = FALSE),
                     basename(envname)))
  root <- Sys.getenv("RETICULATE_VIRTUALENV_ROOT", unset = "~/.virtualenvs")
  file.path(normalizePath(path.expand(root), mustWork = FALSE), envname)
}

venv_python <- function(env) {
  if (.Platform$OS.type == "windows") file.path(env, "Scripts", "python.exe")
  else file.path(env, "bin", "python")
}

starter_python <- function(python) {
  candidates <- if (is.null(python)) Sys.which(c(sprintf("python3.%d", 13:10), "python3"))
                else path.expand(python)
  candidates <- unique(candidates[nzchar(candidates)])
  for (p in candidates) if (python_at_least(p, "3.10")) return(unname(p))
  stop(install_error(if (is.null(python))
    "no Python 3.10 or later on the PATH; install one, or name it: install_keras(python = ...)."
    else sprintf("python = \"%s\" is not a Python 3.10 or later.", python)))
}

python_at_least <- function(p, version) {
  out <- tryCatch(suppressWarnings(system2(p, c("-c", shQuote(
    "import sys; print('%d.%d' % sys.version_info[:2])")), stdout = TRUE, stderr = FALSE,
    env = python_child_env())),
    error = function(e) character())
  length(out) > 0L && !is.na(v <- numeric_version(out[[length(out)]], strict = FALSE)) &&
    v >= version
}

run_checked <- function(command, args, what) {
  status <- system2(command, args, env = python_child_env())
  if (!identical(status, 0L))
    stop(install_error(sprintf("%s failed (exit status %s); its output is above.", what,
                               status)))
}

# R's start-up puts its library folders, with the system's, first on LD_LIBRARY_PATH, where
# the system's libpython shadows the one another Python was built with (its ssl module then
# fails to load). Python children start with the value R itself was started with.
python_child_env <- function() {
  current <- Sys.getenv("LD_LIBRARY_PATH")
  ldpaths <- file.path(R.home("etc"), "ldpaths")
  if (!nzchar(current) || !file.exists(ldpaths)) return(character())
  script <- sprintf(paste('unset R_LD_LIBRARY_PATH LD_LIBRARY_PATH; R_HOME=%s;',
                          '. %s >/dev/null 2>&1; echo "$R_LD_LIBRARY_PATH"'),
                    shQuote(R.home()), shQuote(ldpaths))
  r_part <- tryCatch(system2("sh", c("-c", shQuote(script)), stdout = TRUE, stderr = FALSE),
                     error = function(e) "")
  r_part <- if (length(r_part)) r_part[[length(r_part)]] else ""
  if (!nzchar(r_part)) return(character())
  outside <- if (identical(current, r_part)) ""
             else if (startsWith(current, paste0(r_part, ":")))
               substring(current, nchar(r_part) + 2L)
             else return(character())
  paste0("LD_LIBRARY_PATH=", shQuote(outside))
}

# Where install_keras() leaves the environment's Python for later sessions.
installed_python_record <- function() file.path(tools::R_user_dir("rkbridge", "config"), "python")

record_installed_python <- function(python) {
  f <- installed_python_record()
  dir.create(dirname(f), recursive = TRUE, showWarnings = FALSE)
  writeLines(python, f)
}

installed_python <- function() {
  f <- installed_python_record()
  if (!file.exists(f)) return("")
  lines <- trimws(readLines(f, warn = FALSE))
  if (length(lines)) lines[[1L]] else ""
}

engine_started <- function() {
  !is.null(.rk$bridge) ||
    (isNamespaceLoaded("reticulate") && reticulate::py_available(initialize = FALSE))
}
