#' @useDynLib rkbridge, .registration = TRUE
NULL

.onLoad <- function(libname, pkgname) {
  # Nothing here loads reticulate: its namespace (with the S4 methods of its Matrix import)
  # takes ~0.7 s, so library(rkbridge) stays quick and reticulate, Python and TensorFlow
  # load when the first model is built. The py_to_r_wrapper() method is registered lazily
  # by NAMESPACE (S3method(reticulate::py_to_r_wrapper, ...)).
  # A bad rkbridge.python / RKBRIDGE_PYTHON is reported when the engine is first needed.
  tryCatch(configure_python(probe = FALSE), rkbridge_engine_error = function(e) NULL)
  reset_collection_state()  # R/model-state.R: counted from the first model on
}

# `tf` (R/methods.R) stands in for the TensorFlow module until it is used: `tf$name` imports
# it (with the engine) and looks `name` up. Nothing but `$` touches Python, so R CMD check
# and tools that list the namespace's objects do not import TensorFlow.
# Functions and classes come back as R functions that pass their arguments through the
# package's transport (R/convert.R), as every rkbridge function does: `tf$constant(m)` of an R
# matrix gives a tensor of the same shape and index meaning, also where reticulate cannot
# convert NumPy arrays itself (reticulate 1.28 with NumPy 2). Submodules (`tf$random`)
# behave the same way.
#' @export
`$.rkbridge_lazy_module` <- function(x, name) {
  module <- unclass(x)$module
  if (is.null(module))
    module <- if (identical(unclass(x)$name, "keras")) keras_module() else tf_module()
  lazy_member(eval(call("$", module, name)), paste(unclass(x)$name %||% "tf", name, sep = "$"))
}

lazy_member <- function(obj, label) {
  if (inherits(obj, "python.builtin.module"))
    return(structure(list(name = label, module = obj), class = "rkbridge_lazy_module"))
  if (inherits(obj, "python.builtin.object") && reticulate::py_has_attr(obj, "__call__") &&
      !inherits(obj, "keras.src.layers.layer.Layer"))
    return(py_callable_function(obj))
  obj
}

# A Python function or class as an R function whose arguments go through rk_to_engine(); the
# Python object stays reachable (as.py_object()) and is what rk_to_engine() passes on.
py_callable_function <- function(obj) {
  force(obj)
  f <- function(...) rk_call(obj, dots_list(...))  # R/callables.R
  structure(f, class = c("rkbridge_py_callable", "function"), py_object = obj)
}

#' @rawNamespace S3method(reticulate::r_to_py, rkbridge_py_callable)
r_to_py.rkbridge_py_callable <- function(x, convert = FALSE) attr(x, "py_object", exact = TRUE)

#' @export
print.rkbridge_py_callable <- function(x, ...) {
  print(attr(x, "py_object", exact = TRUE))
  invisible(x)
}

#' @export
`$.rkbridge_py_callable` <- function(x, name) {
  lazy_member(eval(call("$", attr(x, "py_object", exact = TRUE), name)), name)
}

#' @export
`[[.rkbridge_lazy_module` <- function(x, i, ...) `$.rkbridge_lazy_module`(x, i)

#' @export
print.rkbridge_lazy_module <- function(x, ...) {
  name <- unclass(x)$name %||% "tensorflow"
  module <- unclass(x)$module %||% (if (identical(name, "keras")) .rk$keras else .rk$tf)
  if (is.null(module)) cat(sprintf("Module(%s), imported at its first use\n", name))
  else print(module)
  invisible(x)
}

tf_module <- function() {
  if (is.null(.rk$tf)) {
    bridge()
    .rk$tf <- reticulate::import("tensorflow")
  }
  .rk$tf
}

keras_module <- function() {
  if (is.null(.rk$keras)) {
    bridge()
    .rk$keras <- reticulate::import("keras")
  }
  .rk$keras
}
