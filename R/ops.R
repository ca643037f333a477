# R's group generics on tensors (`x * 2`, `exp(x)`, `x > 0`, `max(x)`, `Re(z)`) and R-style
# `[` subsetting, computed by Keras ops in the engine (rkbridge/wrappers/tensor_methods.py): what an R
# function given to layer_lambda() or used as a custom metric works with. Variables and
# symbolic (functional API) tensors included.

#' R operators and functions on tensors
#'
#' Tensors, variables and symbolic tensors (from [layer_input()]) work with R's operators
#' and group generics, computed by Keras: `Ops` (`+`, `-`, `*`, `/`, `^`, `%%`, `%/%`,
#' comparisons, `&`, `|`, `!`), `Math` (`abs()`, `sqrt()`, `exp()`, `log(x, base)`,
#' `round(x, digits)`, `signif()`, trigonometric and hyperbolic functions, `cospi()`,
#' `lgamma()`, `gamma()`, `digamma()`, `trigamma()`, `cumsum()`, `cumprod()`, `cummax()`,
#' `cummin()`, ...), `Summary` (`max()`, `min()`, `sum()`, `prod()`, `range()`, `all()`,
#' `any()`, over all elements, giving a tensor) and `Complex` (`Re()`, `Im()`, `Mod()`,
#' `Arg()`, `Conj()`). Values are R's: `%%` takes the sign of the divisor, `round()` rounds
#' half to even, and the cumulative functions go through the elements in R's column-major
#' order, returning a 1-D tensor (as R returns a vector).
#' @param e1,e2,x,z Tensors, or R numbers and arrays.
#' @param ... `digits` (`round()`, `signif()`), `base` (`log()`); further tensors
#'   (`Summary` functions).
#' @param na.rm Unused (tensors have no `NA`).
#' @return A tensor.
#' @name tensor-generics
#' @examples
#' if (rkbridge_available()) {
#'   x <- k_constant(matrix(c(1, -2, 3, -4, 5, -6), 2))
#'   as.array(abs(x) %% 4)
#'   as.array(cumsum(x))
#'   as.array(max(x))
#' }
NULL

tensor_ops <- function(e1, e2) {
  args <- list(op = .Generic, e1 = e1)
  if (!missing(e2)) args$e2 <- e2
  rk_call("tensor_op", args)
}

# log(x, base), round(x, digits), signif(x, digits): the extra argument, named.
tensor_math <- function(x, ...) {
  extra <- list(...)
  if (length(extra)) {
    nms <- names(extra) %||% rep("", length(extra))
    nms[!nzchar(nms)] <- if (.Generic == "log") "base" else "digits"
    names(extra) <- nms
  }
  rk_call("tensor_op", c(list(op = .Generic, e1 = x), extra))
}

tensor_summary <- function(..., na.rm = FALSE) {
  rk_call("tensor_summary", c(list(op = .Generic), unname(list(...))))
}

tensor_complex <- function(z) rk_call("tensor_op", list(op = .Generic, e1 = z))

#' @rdname tensor-generics
#' @export
Ops.tensorflow.python.types.core.Tensor <- tensor_ops

#' @rdname tensor-generics
#' @export
Ops.keras.src.backend.common.keras_tensor.KerasTensor <- tensor_ops

#' @rdname tensor-generics
#' @export
Math.tensorflow.python.types.core.Tensor <- tensor_math

#' @rdname tensor-generics
#' @export
Math.keras.src.backend.common.keras_tensor.KerasTensor <- tensor_math

#' @rdname tensor-generics
#' @export
Summary.tensorflow.python.types.core.Tensor <- tensor_summary

#' @rdname tensor-generics
#' @export
Summary.keras.src.backend.common.keras_tensor.KerasTensor <- tensor_summary

#' @rdname tensor-generics
#' @export
Complex.tensorflow.python.types.core.Tensor <- tensor_complex

#' @rdname tensor-generics
#' @export
Complex.keras.src.backend.common.keras_tensor.KerasTensor <- tensor_complex

# The indices of a `[` call, or of op_subset(x, ...), as the engine takes them
# (rkbridge/wrappers/tensor_methods.py): an empty index is "all", `..` is "..", `a:b` with an `NA`
# end or ends on both sides of 0 (`2:-1`) is an inclusive slice; the rest is evaluated.
subset_indices <- function(exprs, env) {
  out <- vector("list", length(exprs))
  for (i in seq_along(exprs)) {
    if (is.name(exprs[[i]]) && !nzchar(as.character(exprs[[i]]))) {  # x[1, ]
      out[i] <- list("all")
      next
    }
    e <- exprs[[i]]
    out[i] <- list(
      if (identical(e, as.name(".."))) ".."
      else subset_slice(e, env) %||% eval(e, env))
  }
  out
}

# The tensor and the indices go by position (an index may be NULL); `value` by name.
subset_call <- function(name, x, indices, value) {
  args <- c(list(x), indices)
  names(args) <- rep("", length(args))
  if (!missing(value)) args$value <- value
  rk_call(name, args)
}

subset_slice <- function(e, env) {
  if (!is.call(e) || !identical(e[[1L]], as.name(":"))) return(NULL)
  step <- NULL
  lhs <- e[[2L]]
  if (is.call(lhs) && identical(lhs[[1L]], as.name(":"))) {  # start:end:step
    step <- eval(e[[3L]], env)
    end <- eval(lhs[[3L]], env)
    start <- eval(lhs[[2L]], env)
  } else {
    start <- eval(lhs, env)
    end <- eval(e[[3L]], env)
  }
  if (length(start) != 1L || length(end) != 1L) return(NULL)
  if (is.null(step) && !is.na(start) && !is.na(end) && (start > 0) == (end > 0))
    return(NULL)  # an ordinary R sequence
  list(slice = TRUE, start = if (is.na(start)) NULL else start,
       end = if (is.na(end)) NULL else end, step = step)
}

#' Subset a tensor with R's indexing
#'
#' `x[i, j, ...]`, `op_subset(x, i, j, ...)` and their replacement forms (`x[i] <- value`,
#' `op_subset(x, i) <- value`, `op_subset_set(x, i, value = )`) index tensors as keras3
#' does: positive indices are 1-based, slices (`2:3`) include their end, vectors of indices
#' on several axes select their intersection, an empty index takes the whole axis, and
#' indices left out at the end take whole axes too. Unlike R's `[`: negative indices count
#' from the end (`x[-1]` is the last row, not all rows but the first), `x[1]` of a matrix is
#' its first row, `NULL` adds an axis, `..` stands for all axes not indexed, and `NA` in a
#' slice leaves that end open (`x[2:NA]`). A single logical array of the shape of `x`, or a
#' matrix of coordinates with one column per axis, selects elements (in R's order).
#' A variable is changed in place by the replacement forms; a tensor gives a new tensor.
#' @param x A tensor or variable.
#' @param ... The indices, one per axis.
#' @param drop Unused: a scalar index drops its axis, a vector or slice keeps it.
#' @param value The new values (broadcast to the selected shape).
#' @return A tensor (the replacement forms: `x` with the values replaced).
#' @examples
#' if (rkbridge_available()) {
#'   x <- k_constant(matrix(1:12, 3))
#'   as.array(x[1, ])
#'   as.array(x[, 2:3])
#'   as.array(x[-1, ])
#'   as.array(op_subset(x, 2:NA, 1))
#'   v <- k_variable(matrix(0, 2, 2))
#'   v[1, 2] <- 5
#'   as.array(v)
#' }
#' @export
op_subset <- function(x, ...) {
  exprs <- match.call(expand.dots = FALSE)$...
  subset_call("op_subset", x, subset_indices(exprs, parent.frame()))
}

#' @rdname op_subset
#' @export
`op_subset<-` <- function(x, ..., value) {
  exprs <- match.call(expand.dots = FALSE)$...
  subset_call("op_subset_set", x, subset_indices(exprs, parent.frame()), value)
}

#' @rdname op_subset
#' @export
op_subset_set <- `op_subset<-`

tensor_subset <- function(x, ..., drop = TRUE) {
  exprs <- match.call(expand.dots = FALSE)$...
  subset_call("op_subset", x, subset_indices(exprs, parent.frame()))
}

tensor_subset_set <- function(x, ..., value) {
  exprs <- match.call(expand.dots = FALSE)$...
  subset_call("op_subset_set", x, subset_indices(exprs, parent.frame()), value)
}

#' @rdname op_subset
#' @export
`[.tensorflow.python.types.core.Tensor` <- tensor_subset

#' @rdname op_subset
#' @export
`[.keras.src.backend.common.keras_tensor.KerasTensor` <- tensor_subset

#' @rdname op_subset
#' @export
`[<-.tensorflow.python.types.core.Tensor` <- tensor_subset_set

#' Number of elements of a tensor
#'
#' @param x A tensor or variable.
#' @return The number of elements (`prod(dim(x))`), `NA` when a size is not known yet.
#' @examples
#' if (rkbridge_available()) length(k_ones(c(2, 3)))
#' @export
length.tensorflow.python.types.core.Tensor <- function(x) {
  d <- dim(x)
  if (anyNA(d)) NA_integer_ else as.integer(prod(d))
}

#' @rdname length.tensorflow.python.types.core.Tensor
#' @export
length.keras.src.backend.common.keras_tensor.KerasTensor <-
  length.tensorflow.python.types.core.Tensor

#' Dimensions of a tensor
#'
#' @param x A tensor or variable.
#' @return An integer vector, `NA` for sizes not known yet (the batch size of a symbolic
#'   tensor).
#' @examples
#' if (rkbridge_available()) dim(k_ones(c(2, 3)))
#' @export
dim.tensorflow.python.types.core.Tensor <- function(x) {
  vapply(rk_call("k_int_shape", list(x = x)),
         function(d) if (is.null(d)) NA_integer_ else as.integer(d), 1L)
}

#' @rdname dim.tensorflow.python.types.core.Tensor
#' @export
dim.keras.src.backend.common.keras_tensor.KerasTensor <- dim.tensorflow.python.types.core.Tensor

#' Tensor values as R vectors
#'
#' `as.numeric()`, `as.double()`, `as.integer()` and `as.logical()` of a tensor or
#' variable give its values as an R vector (in R's column-major order of the array, as
#' `as.vector(as.array(x))`). Symbolic tensors (while a model is built or a training step is
#' traced) have no values yet.
#' @param x A tensor or variable.
#' @param ... Unused.
#' @return An R vector.
#' @examples
#' if (rkbridge_available()) as.numeric(k_constant(c(1.5, 2)))
#' @export
as.double.tensorflow.python.types.core.Tensor <- function(x, ...) as.double(as.array(x))

#' @rdname as.double.tensorflow.python.types.core.Tensor
#' @export
as.integer.tensorflow.python.types.core.Tensor <- function(x, ...) as.integer(as.array(x))

#' @rdname as.double.tensorflow.python.types.core.Tensor
#' @export
as.logical.tensorflow.python.types.core.Tensor <- function(x, ...) as.logical(as.array(x))

#' New axes and all axes in a subset
#'
#' `newaxis` (`NULL`) adds an axis of size 1 where it stands in `x[...]` or
#' [op_subset()]; `all_dims()` stands for all the axes not otherwise indexed, as `..` does.
#' @format `newaxis`: `NULL`.
#' @return `all_dims()`: the marker `[` and [op_subset()] read as `..`.
#' @examples
#' if (rkbridge_available()) {
#'   x <- k_constant(array(1:24, c(2, 3, 4)))
#'   dim(x[newaxis])
#'   as.array(x[all_dims(), 1])
#' }
#' @export
newaxis <- NULL

#' @rdname newaxis
#' @export
all_dims <- function() ".."

#' Mean, median and transpose of a tensor
#'
#' `mean()` and `median()` of a tensor or variable are over all its elements, a scalar
#' float tensor (as [op_mean()] and [op_median()] without `axis`); `t()` transposes a 2-D
#' tensor and makes a 1-D one a one-row matrix, as R's `t()` does. Symbolic tensors
#' (from [layer_input()]) included.
#' @return A tensor.
#' @examples
#' if (rkbridge_available()) {
#'   x <- k_constant(matrix(c(1, 2, 3, 10), 2))
#'   as.array(mean(x))
#'   as.array(median(x))
#'   as.array(t(x))
#' }
#' @name tensor-statistics
#' @importFrom stats median
#' @rawNamespace S3method(mean, tensorflow.python.types.core.Tensor, tensor_mean)
#' @rawNamespace S3method(mean, keras.src.backend.common.keras_tensor.KerasTensor, tensor_mean)
#' @rawNamespace S3method(median, tensorflow.python.types.core.Tensor, tensor_median)
#' @rawNamespace S3method(median, keras.src.backend.common.keras_tensor.KerasTensor, tensor_median)
#' @rawNamespace S3method(t, tensorflow.python.types.core.Tensor, tensor_t)
#' @rawNamespace S3method(t, keras.src.backend.common.keras_tensor.KerasTensor, tensor_t)
NULL

tensor_mean <- function(x, ...) rk_call("tensor_statistic", list(x = x, op = "mean"))

tensor_median <- function(x, na.rm = FALSE, ...)
  rk_call("tensor_statistic", list(x = x, op = "median"))

tensor_t <- function(x) rk_call("tensor_t", list(x = x))
