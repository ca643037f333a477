#' @useDynLib rkbridge, .registration = TRUE
NULL

.onLoad <- function(libname, pkgname) {
  # Nothing here loads reticulate: its namespace (with the S4 methods of its Matrix import)
  # takes ~0.7 s, so library(rkbridge) stays quick and reticulate, Python and TensorFlow
  # load when the first model is built. The py_to_r_wrapper() method is registered lazily
  # by NAMESPACE (S3method(reticulate::py_to_r_wrapper, ...)).
  configure_python()
  ns <- asNamespace(pkgname)
  if (exists("tf", envir = ns, inherits = FALSE)) rm("tf", envir = ns)
  makeActiveBinding("tf", function() tf_module(), ns)
}

# `tf`, the TensorFlow module, imported (with the engine) on first use.
tf_module <- function() {
  if (is.null(.rk$tf)) {
    bridge()
    .rk$tf <- reticulate::import("tensorflow")
  }
  .rk$tf
}
