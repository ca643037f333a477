#' @useDynLib rkbridge, .registration = TRUE
NULL

.onLoad <- function(libname, pkgname) {
  # Only note where Python is; TensorFlow is imported when the first model is built.
  configure_python()
  tf <<- reticulate::import("tensorflow", delay_load = list(
    before_load = function() bridge()))
}
