# How Keras objects behave in R: layers and models are callable functions (composing like
# layer_*() with an object), print/summary show Keras's table, tensors convert with
# as.array().

#' @rawNamespace S3method(reticulate::py_to_r_wrapper, keras.src.layers.layer.Layer)
py_to_r_wrapper.keras.src.layers.layer.Layer <- function(x) {
  force(x)
  if (inherits(x, "keras.src.models.model.Model")) rk_track_model(x)  # R/model-state.R
  function(object, ...) {
    # a layer called with named inputs only (`mha(query = x, value = x)`)
    if (missing(object)) return(rk_call(rk_revive(x), list(...)))
    if (length(list(...)))
      return(rk_call(rk_revive(x), c(list(object), list(...))))
    rk_call("compose_layer", list(object = object, layer = x))
  }
}

# A list a layer keeps (`self$hidden <- list(...)` in a method; Keras tracks it as a
# TrackedList, which reticulate would hand over unconverted) reads as an R list, as keras3's.
#' @rawNamespace S3method(reticulate::py_to_r, keras.src.utils.tracking.TrackedList)
py_to_r.keras.src.utils.tracking.TrackedList <- function(x)
  arrays_to_r(bridge()$box_arrays(reticulate::import_builtins(convert = FALSE)$list(x)))

#' Print a summary of a Keras model
#'
#' Shows Keras's summary table (layers, output shapes, parameter counts); a model that has
#' not been built yet says so.
#' @param object,x A Keras model.
#' @param ... Further arguments: `line_length`, `positions`, `expand_nested`,
#'   `show_trainable`.
#' @return The model, invisibly.
#' @examples
#' if (rkbridge_available()) {
#'   model <- keras_model_sequential(input_shape = c(4)) %>% layer_dense(2)
#'   summary(model)
#' }
#' @export
summary.keras.src.models.model.Model <- function(object, ...) {
  cat(rk_call("summary_text", c(list(object = object), list(...))), sep = "\n")
  invisible(object)
}

#' @rdname summary.keras.src.models.model.Model
#' @export
print.keras.src.models.model.Model <- function(x, ...) {
  summary.keras.src.models.model.Model(x, ...)
}

#' @rdname summary.keras.src.models.model.Model
#' @export
format.keras.src.models.model.Model <- function(x, ...) {
  rk_call("summary_text", c(list(object = x), list(...)))
}

#' The value of a tensor as an R array
#'
#' @param x A tensor (or variable).
#' @param ... Unused.
#' @return An R array with the tensor's dimensions and index meaning.
#' @examples
#' if (rkbridge_available()) as.array(tf$ones(shape(2, 3)))
#' @export
as.array.python.builtin.object <- function(x, ...) rk_call("as_numpy", list(x = x))

#' @rdname as.array.python.builtin.object
#' @return `as.matrix()`: the same value as a matrix (a one-dimensional tensor is a
#'   one-column matrix, as `as.matrix()` of an R vector).
#' @examples
#' if (rkbridge_available()) as.matrix(tf$ones(shape(2, 3)))
#' @export
as.matrix.python.builtin.object <- function(x, ...) as.matrix(as.array(x))

#' The sizes of a TensorFlow shape as an R list
#'
#' @param x A `TensorShape` (the `$shape` of a TensorFlow tensor).
#' @param ... Unused.
#' @return A list with one element per dimension: an integer, or `NULL` where unknown;
#'   `as.list(shape(32, 4))` gives the same list.
#' @examples
#' if (rkbridge_available()) as.list(tf$ones(shape(2, 3))$shape)
#' @export
as.list.tensorflow.python.framework.tensor_shape.TensorShape <- function(x, ...) {
  lapply(as.list(x$as_list()), function(d) if (is.null(d) || is.na(d)) NULL else as.integer(d))
}

# R code (keras 2.x's and keras3's, through the tensorflow R package) subsets a TensorShape
# 1-based, as R lists: `x$shape[[2]]` is the second size, `input_shape[2]` a shape.
#' Subsetting a TensorFlow shape
#'
#' `shape[[i]]` is the `i`-th size (1-based; `NULL` where unknown), `shape[i]` the selected
#' sizes as a [shape()], as for the list that [as.list()] gives.
#' @param x A `TensorShape` (the `$shape` of a TensorFlow tensor).
#' @param i Positions, 1-based (negative ones leave sizes out, as for R lists).
#' @return `[[`: an integer or `NULL`; `[`: a `keras_shape`.
#' @examples
#' if (rkbridge_available()) {
#'   s <- tf$ones(shape(2, 3))$shape
#'   s[[2]]
#'   s[-1]
#' }
#' @name TensorShape-subset
#' @export
`[[.tensorflow.python.framework.tensor_shape.TensorShape` <- function(x, i) {
  as.list.tensorflow.python.framework.tensor_shape.TensorShape(x)[[i]]
}

#' @rdname TensorShape-subset
#' @export
`[.tensorflow.python.framework.tensor_shape.TensorShape` <- function(x, i) {
  structure(as.list.tensorflow.python.framework.tensor_shape.TensorShape(x)[i],
            class = "keras_shape")
}

#' @importFrom magrittr %>%
#' @export
magrittr::`%>%`

#' TensorFlow, as a Python module
#'
#' The `tensorflow` module (`tf$ones(shape(3, 3))`), loaded on first use so that
#' `library(rkbridge)` stays quick. The R package 'tensorflow' is not needed.
#' Its functions and classes (submodules' too: `tf$random$normal`) take R arrays through
#' rkbridge's transport, as every rkbridge function does: `tf$constant(matrix(1:6, 2))` is
#' a 2 x 3 tensor with `x[i, j]` at `[i-1, j-1]`, also where reticulate cannot convert NumPy
#' arrays itself (reticulate 1.28 with NumPy 2). Other members (`tf$float32`) are returned
#' as they are.
#' @format A Python module (a stand-in that imports it at the first `tf$...`).
#' @examples
#' if (rkbridge_available()) {
#'   tf$ones(shape(2, 2))
#'   as.array(tf$constant(matrix(1:6, 2)))
#' }
#' @export
tf <- structure(list(), class = "rkbridge_lazy_module")
