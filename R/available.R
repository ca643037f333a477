#' Is the rkbridge engine available?
#'
#' Tries to load the Python engine (and with it TensorFlow) once; examples and vignettes use
#' it to run only where the engine is installed.
#' @return `TRUE` if models can be built, `FALSE` otherwise.
#' @examples
#' rkbridge_available()
#' @export
rkbridge_available <- function() {
  if (!is.null(.rk$available)) return(.rk$available)
  .rk$available <- tryCatch({ bridge(); TRUE }, error = function(e) FALSE)
  .rk$available
}
