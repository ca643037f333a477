# tfruns's flags() and the tensorflow R package's tensorboard(), which keras 2.x scripts
# call through the keras package: each forwards to the engine (rkbridge/tracking/runs.py).

#' Flags: hyperparameters with defaults, set from the command line
#'
#' `flags()` gives the value of each flag: its default, or the value given on the command
#' line as `--name=value` (or `--name value`), converted to the flag's type, as tfruns's
#' `flags()` does for scripts run with `Rscript script.R --name=value`. A command-line flag
#' that is not declared is an error, and so is an argument that names a declared flag
#' without the two dashes (`-units=5`, `units=5`), which would otherwise leave the default
#' in place. An integer flag must fit an R integer (use `flag_numeric()` for larger
#' values). No `flags.yml` file or run directory is read or written.
#' @param ... Flags made by `flag_numeric()`, `flag_integer()`, `flag_boolean()`,
#'   `flag_string()`.
#' @param arguments The command-line arguments to read.
#' @param name The flag's name.
#' @param default The flag's default value.
#' @param description A description of the flag.
#' @return `flags()`: a named list, one value a flag; `flag_*()`: a flag definition.
#' @examples
#' if (rkbridge_available()) {
#'   FLAGS <- flags(flag_integer("units", 64), flag_numeric("dropout", 0.5),
#'                  arguments = c("--units=128"))
#'   FLAGS$units    # 128L, from the command line
#'   FLAGS$dropout  # 0.5, the default
#' }
#' @export
flags <- function(..., arguments = commandArgs(TRUE)) {
  defs <- list(...)
  rk_call("flags", c(unname(defs), list(arguments = as.character(arguments))))
}

#' @rdname flags
#' @export
flag_numeric <- function(name, default, description = NULL) {
  rk_call("flag_numeric", rk_capture())
}

#' @rdname flags
#' @export
flag_integer <- function(name, default, description = NULL) {
  rk_call("flag_integer", rk_capture())
}

#' @rdname flags
#' @export
flag_boolean <- function(name, default, description = NULL) {
  rk_call("flag_boolean", rk_capture())
}

#' @rdname flags
#' @export
flag_string <- function(name, default, description = NULL) {
  rk_call("flag_string", rk_capture())
}

#' Start or stop TensorBoard
#'
#' Starts TensorBoard (from the engine's Python) on a directory of logs written by
#' [callback_tensorboard()], waits until it answers and prints its address. It runs in a
#' child process that ends with this R session, or with `tensorboard(action = "stop")`.
#' @param log_dir The directory (or directories) of logs.
#' @param action `"start"` or `"stop"` (stops every TensorBoard this session started).
#' @param host The address to listen on.
#' @param port A port number, or `"auto"`: the first free port from 6006. A port another
#'   program holds on `host` is an error.
#' @param launch_browser Whether to open the page in a web browser.
#' @param reload_interval Seconds between reloads of the logs.
#' @param purge_orphaned_data Whether to discard data of runs that were restarted.
#' @return The address TensorBoard serves, invisibly (`NULL` for `"stop"`).
#' @examples
#' if (rkbridge_available() && reticulate::py_module_available("tensorboard")) {
#'   logs <- file.path(tempdir(), "logs")
#'   url <- tensorboard(logs)
#'   tensorboard(action = "stop")
#' }
#' @export
tensorboard <- function(log_dir = NULL, action = c("start", "stop"), host = "127.0.0.1",
                        port = "auto", launch_browser = interactive(), reload_interval = 5,
                        purge_orphaned_data = TRUE) {
  args <- rk_capture()
  args$action <- match.arg(action)
  args$launch_browser <- launch_browser
  invisible(rk_call("tensorboard", args))
}
