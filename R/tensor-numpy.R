# `tensor$numpy()`: keras 2.x scripts (through the tensorflow R package, whose tensors convert
# their results) get an R array from it, not a NumPy object. Every other member is Python's.

#' R values from a tensor's `numpy()` method
#'
#' `x$numpy()` of a TensorFlow tensor gives an R array (an R number for a scalar) with the
#' tensor's dimensions and index meaning, as [as.array()] does and as keras 2.x scripts
#' expect; every other member (`x$shape`, `x$dtype`, ...) is the Python object's.
#' @param x A tensor.
#' @param name The member's name.
#' @return For `numpy`, a function of no arguments that returns the R array.
#' @examples
#' if (rkbridge_available()) {
#'   x <- tf$constant(matrix(1:6, 2))
#'   x$numpy()                # the 2 x 3 integer matrix
#'   k_sum(x)$numpy() / 2     # an R number
#' }
#' @name tensor-numpy
#' @rawNamespace S3method("$", tensorflow.python.framework.tensor.Tensor)
`$.tensorflow.python.framework.tensor.Tensor` <- function(x, name) {
  if (identical(name, "numpy")) {
    force(x)
    # not as.array(): the tensorflow R package's as.array() method calls `x$numpy()`
    return(function() rk_call("as_numpy", list(x = x)))
  }
  NextMethod()
}

# `x$shape` of a symbolic tensor (layer_input(), a layer's output): Keras 3 gives a tuple, an R
# list as in keras3; the keras 2.x R interface (tf.keras) gave TensorFlow's TensorShape, whose
# `as_list()` keras 2.x code calls (docs/dialects.md).
#' @rawNamespace S3method("$", keras.src.backend.common.keras_tensor.KerasTensor)
`$.keras.src.backend.common.keras_tensor.KerasTensor` <- function(x, name) {
  value <- NextMethod()
  if (identical(name, "shape") && identical(rk_call("current_dialect"), "keras2"))
    return(tf_module()$TensorShape(value))
  value
}
