# What keras 2.x R scripts used from zeallot, reticulate and the tensorflow R package, and
# keras 2.x's implementation and backend switches. R's own work (unpacking lists, reshaping
# R arrays) is done here; Python values and the engine's facts come from the engine
# (rkbridge/wrappers/tensorflow_r.py).

#' Unpack a list into several variables
#'
#' `c(a, b) %<-% list(1, 2)` assigns `1` to `a` and `2` to `b` in the calling environment,
#' as the zeallot package's operator that keras 2.x scripts use (rkbridge has its own, so
#' zeallot is not needed). Values are matched by position, names are ignored:
#' `c(c(x_train, y_train), c(x_test, y_test)) %<-% dataset_mnist()` unpacks the two
#' lists of the dataset.
#'
#' On the left-hand side:
#' * a name takes one value; `c(...)` of names unpacks a list (nested `c()` unpack nested
#'   lists); an element such as `x$a` or `x[[1]]` may be assigned too;
#' * `.` skips a value;
#' * `...rest` takes all values not taken by the other names (a list from a list, a vector
#'   from a vector); `...` alone skips them;
#' * `name = default` gives a value to use when the right-hand side has too few.
#'
#' On the right-hand side, a list (or data frame: its columns) is unpacked; at the top level
#' an atomic vector is unpacked into its elements, and a Python list or tuple into its
#' items. Any other value (a classed object, or a vector inside a list) is one value.
#' Unless `...` collects them, the number of values must match the number of names:
#' otherwise the error has class `rkbridge_value_error` and nothing is assigned.
#'
#' @param x The names to assign, e.g. `c(a, b)`.
#' @param value The value to unpack.
#' @return `value`, invisibly.
#' @examples
#' c(a, b) %<-% list(1, "two")
#' c(c(x_train, y_train), c(x_test, y_test)) %<-% list(list(1:3, 4:6), list(7:8, 9:10))
#' y_test
#' c(first, ...rest) %<-% 1:5
#' rest
#' c(., second, .) %<-% list("a", "b", "c")
#' second
#' @export
`%<-%` <- function(x, value) {
  lhs <- substitute(x)
  env <- parent.frame()
  todo <- new.env(parent = emptyenv())
  todo$targets <- list()
  todo$values <- list()
  unpack_into(lhs, value, env, todo, top = TRUE)
  # assigned only once every name has its value: a mismatch assigns nothing
  for (i in seq_along(todo$targets)) assign_target(todo$targets[[i]], todo$values[[i]], env)
  invisible(value)
}

unpack_error <- function(text) {
  stop(rk_condition(paste0("`%<-%`: ", text), "rkbridge_value_error"))
}

# Queue the assignments of pattern `lhs` to `value` in `todo`.
unpack_into <- function(lhs, value, env, todo, top = FALSE) {
  if (is_target(lhs)) {
    if (!identical(lhs, quote(.))) {
      todo$targets <- c(todo$targets, list(lhs))
      todo$values <- c(todo$values, list(value))
    }
    return(invisible())
  }
  if (!is.call(lhs) || !identical(lhs[[1L]], quote(c)))
    unpack_error(sprintf(
      "the left-hand side must be a name or c() of names, not `%s`.", deparse1(lhs)))
  items <- as.list(lhs)[-1L]
  if (any(vapply(seq_along(items), function(i) identical(items[[i]], quote(expr = )),
                 logical(1))))
    unpack_error("empty name on the left-hand side: check for an extra comma in c().")
  given <- names(items) %||% character(length(items))
  for (i in seq_along(items)) if (nzchar(given[[i]])) {
    # `name = default`: the name, and a default used when values run out
    items[[i]] <- structure(list(as.name(given[[i]]), items[[i]]), class = "rk_default")
  }
  values <- unpack_values(value, top)
  if (is.null(values))
    unpack_error(sprintf(paste0(
      "the left-hand side `%s` takes %d values, but the right-hand side is one value ",
      "(%s), not a list."), deparse1(lhs), length(items), class(value)[[1L]]))
  is_rest <- vapply(items, function(it) is.name(it) && startsWith(as.character(it), "..."),
                    logical(1))
  if (sum(is_rest) > 1L)
    unpack_error("only one `...name` may collect values on each level.")
  n <- length(values)
  if (any(is_rest)) {
    k <- which(is_rest)
    before <- k - 1L
    after <- length(items) - k
    if (n < before + after)
      unpack_error(sprintf(
        "the left-hand side `%s` takes at least %d values, but the right-hand side has %d.",
        deparse1(lhs), before + after, n))
    rest <- seq_len(n - before - after) + before
    collected <- if (is.atomic(value) && top && !is.object(value)) value[rest] else values[rest]
    pairs <- c(values[seq_len(before)], list(collected), values[seq_len(after) + n - after])
  } else {
    if (n > length(items) || (n < length(items) &&
                              !all(vapply(items[seq_along(items) > n], inherits,
                                          logical(1), "rk_default"))))
      unpack_error(sprintf(
        "the left-hand side `%s` takes %d values, but the right-hand side has %d.",
        deparse1(lhs), length(items), n))
    pairs <- values
  }
  for (i in seq_along(items)) {
    it <- items[[i]]
    if (inherits(it, "rk_default")) {
      val <- if (i <= length(pairs)) pairs[[i]] else eval(it[[2L]], env)
      unpack_into(it[[1L]], val, env, todo)
    } else if (is_rest[[i]]) {
      if (!identical(it, quote(...)))
        unpack_into(as.name(sub("^\\.\\.\\.", "", as.character(it))), pairs[[i]], env, todo)
    } else {
      unpack_into(it, pairs[[i]], env, todo)
    }
  }
  invisible()
}

# A name, or an element of something: `x$a`, `x[[1]]`, `x[1]`, `x@a`.
is_target <- function(lhs) {
  if (is.name(lhs)) return(!identical(lhs, quote(expr = )))
  is.call(lhs) && any(vapply(c("$", "[[", "[", "@"), function(op) identical(lhs[[1L]], as.name(op)),
                             logical(1)))
}

assign_target <- function(target, value, env) {
  if (is.name(target)) return(assign(as.character(target), value, envir = env))
  eval(call("<-", target, value), env)
}

# The values that `value` unpacks into (a list), or NULL when it is a single value.
unpack_values <- function(value, top) {
  if (is.data.frame(value)) return(as.list(value))
  if (is.list(value) && !is.object(value)) return(value)
  if (inherits(value, c("python.builtin.list", "python.builtin.tuple")))
    return(reticulate::iterate(value, simplify = FALSE))
  if (top && is.atomic(value) && !is.object(value)) return(as.list(unname(value)))
  NULL
}

#' Reshape an array, filling in row-major (C) or column-major (F) order
#'
#' As reticulate's `array_reshape()` (which keras 2.x scripts use to flatten images):
#' with `order = "C"` (the default, NumPy's order) the elements of `x` are read with the
#' last index changing fastest and written in the same order, so
#' `array_reshape(x, c(n, 784))` of `n` 28 x 28 images gives each image as one row, in the
#' row-by-row pixel order Keras expects. `order = "F"` reads and writes first index fastest,
#' as R's `dim<-`. Done in R, without Python.
#'
#' @param x An R vector, matrix or array (or a data frame of numbers, as a matrix).
#' @param dim The new dimensions; one of them may be `-1`, computed from the others.
#' @param order `"C"` (row-major) or `"F"` (column-major).
#' @return An array with dimensions `dim` and the elements of `x`.
#' @examples
#' x <- array(1:24, c(2, 3, 4))
#' array_reshape(x, c(4, 6))
#' array_reshape(x, c(-1, 12))
#' identical(array_reshape(x, c(6, 4), order = "F"), array(1:24, c(6, 4)))
#' array_reshape(1:6, c(2, 3))
#' @export
array_reshape <- function(x, dim, order = c("C", "F")) {
  order <- match.arg(order)
  if (inherits(x, "python.builtin.object")) x <- py_to_r(x)
  if (is.data.frame(x)) x <- as.matrix(x)
  if (!is.atomic(x) || is.null(x))
    stop(rk_condition(sprintf("`x` must be an R vector or array, not %s.", class(x)[[1L]]),
                      "rkbridge_type_error"))
  dim <- reshape_dims(dim, length(x))
  old <- base::dim(x)
  values <- if (order == "C" && length(old) > 1L) as.vector(aperm(x)) else as.vector(x)
  if (order == "C" && length(dim) > 1L) aperm(array(values, rev(dim))) else array(values, dim)
}

reshape_dims <- function(dim, size) {
  d <- unlist(dim)
  if (!is.numeric(d) || !length(d) || anyNA(d) || any(d != round(d)) || any(d < -1) ||
      sum(d == -1) > 1L)
    stop(rk_condition(paste0("`dim` must be whole numbers of at least 0, one of which may be ",
                             "-1 (computed from the others)."), "rkbridge_value_error"))
  known <- prod(d[d != -1])
  if (any(d == -1) && known > 0 && size %% known == 0) d[d == -1] <- size / known
  if (any(d == -1) || prod(d) != size)
    stop(rk_condition(sprintf("`x` has %d elements, which cannot be reshaped to dim = c(%s).",
                              size, paste(dim, collapse = ", ")), "rkbridge_value_error"))
  as.integer(d)
}

#' A Python tuple
#'
#' As reticulate's `tuple()`: a Python tuple of the values, e.g. for Keras arguments that
#' want a tuple. R arrays become NumPy arrays through rkbridge's transport (which works on
#' every reticulate version, also where reticulate cannot convert NumPy 2 arrays), with R's
#' index meaning. A single list argument gives a tuple of its elements.
#' @param ... Values; or one list of them.
#' @param convert Whether the tuple converts to R when accessed (reticulate's flag).
#' @return A Python tuple.
#' @examples
#' if (rkbridge_available()) {
#'   t <- tuple(1L, "a", c(2, 3))
#'   py_to_r(t)
#' }
#' @export
tuple <- function(..., convert = FALSE) {
  values <- list(...)
  if (length(values) == 1L) {
    v <- values[[1L]]
    if (inherits(v, "python.builtin.tuple")) return(v)
    if (is.list(v) && !is.object(v)) values <- v
  }
  rk_call("tuple", unname(values), keep = TRUE, convert = convert)
}

#' A NumPy array from R data
#'
#' As reticulate's `np_array()`: the values of `data` as a NumPy array (a copy) with R's
#' index meaning (`data[i, j]` is element `[i-1, j-1]`), made by rkbridge's transport, so
#' it works on every reticulate version. `order` is the array's memory layout, which does
#' not change the values.
#' @param data An R vector, matrix or array (a vector becomes a 1-d array).
#' @param dtype NumPy data type, e.g. `"float32"`; `NULL` keeps R's (double: float64,
#'   integer: int32, logical: bool).
#' @param order `"C"` (row-major layout) or `"F"` (column-major).
#' @return A NumPy array (a Python object; [py_to_r()] or `as.array()` gives it back).
#' @examples
#' if (rkbridge_available()) {
#'   a <- np_array(matrix(1:6, 2), dtype = "float32")
#'   print(a)
#'   print(a$shape)
#'   py_to_r(a)
#' }
#' @export
np_array <- function(data, dtype = NULL, order = "C") {
  if (is.atomic(data) && is.null(dim(data))) data <- as.array(data)
  rk_call("np_array", rk_capture(), keep = TRUE)
}

#' Convert a value to a TensorFlow tensor
#'
#' As the tensorflow R package's `as_tensor()` that keras 2.x re-exported: R doubles become
#' float64 tensors, integers int32 and logicals bool; with `dtype`, numbers are converted
#' with saturation (doubles to an integer type are truncated toward zero; `NA` is an error).
#' `shape` reshapes in row-major (C) order, as [array_reshape()]; a single number is
#' repeated to fill the shape.
#' @param x An R vector, matrix or array, a list of numbers, or a tensor.
#' @param dtype Data type, e.g. `"int32"`, `"float32"` or `tf$float32`.
#' @param shape New shape, e.g. `c(2, 3)`; one size may be `NA` or `-1`.
#' @param name Name of the operation (for graphs).
#' @return A tensor (`as.array()` gives its value).
#' @examples
#' if (rkbridge_available()) {
#'   print(as_tensor(c(1, 2)))                  # float64
#'   print(as_tensor(1:6, shape = c(2, 3)))     # int32, filled row by row
#'   print(as_tensor(c(1.5, -2.5), dtype = "int32"))
#'   as_tensor(0, shape = c(2, 2))
#' }
#' @export
as_tensor <- function(x, dtype = NULL, shape = NULL, name = NULL) {
  res <- rk_call("as_tensor", rk_capture())
  res
}

#' Convert between Python and R objects
#'
#' reticulate's `py_to_r()`, with NumPy arrays (also inside lists and dicts) converted by
#' rkbridge's transport, so they keep their index meaning on every reticulate version
#' (reticulate 1.28 cannot convert NumPy 2 arrays). A value that is already an R object is
#' returned as it is. It is a function of rkbridge rather than reticulate's generic itself,
#' so that `library(rkbridge)` does not load reticulate; `py_to_r()` methods defined for
#' reticulate's generic are still used.
#' @param x A Python object.
#' @return The R value.
#' @examples
#' if (rkbridge_available()) {
#'   print(py_to_r(np_array(matrix(1:6, 2))))
#'   py_to_r(tuple(1, "a"))
#' }
#' @export
py_to_r <- function(x) {
  if (!inherits(x, "python.builtin.object")) return(x)
  bridge()
  if (inherits(x, c("numpy.ndarray", "numpy.generic"))) return(array_to_r(x))
  # reticulate converts the containers; the arrays in them are boxed for the transport
  if (inherits(x, c("python.builtin.list", "python.builtin.tuple", "python.builtin.dict")))
    return(arrays_to_r(bridge()$box_arrays(x)))
  arrays_to_r(reticulate::py_to_r(x))
}

#' Is Keras available?
#'
#' As keras 2.x's `is_keras_available()`: `TRUE` when the rkbridge engine (with Keras)
#' can be loaded and, with `version`, when its Keras is at least that version.
#' @param version `NULL`, or the minimum Keras version, e.g. `"2.0.9"`.
#' @return `TRUE` or `FALSE`.
#' @examples
#' is_keras_available()
#' is_keras_available("2.0.9")
#' @export
is_keras_available <- function(version = NULL) {
  if (!rkbridge_available()) return(FALSE)
  if (!is.null(version)) version <- as.character(version)
  isTRUE(tryCatch(rk_call("is_keras_available", list(version = version)),
                  rkbridge_engine_error = function(e) FALSE))
}

#' The TensorFlow version
#'
#' As the tensorflow R package's `tf_version()`: the engine's TensorFlow version, major and
#' minor, for comparisons such as `tf_version() >= "2.4"`.
#' @return A [package_version()].
#' @examples
#' if (rkbridge_available()) tf_version() >= "2.0"
#' @export
tf_version <- function() {
  full <- tf$version$VERSION
  package_version(sub("^([0-9]+\\.[0-9]+).*", "\\1", full))
}

#' Enable eager execution (TensorFlow 1.x scripts)
#'
#' As the tensorflow R package's `tfe_enable_eager_execution()` for scripts written for
#' TensorFlow 1.x: TensorFlow 2 always executes eagerly, so this checks the arguments and
#' does nothing else.
#' @param config Unused (a TensorFlow 1.x session configuration).
#' @param device_policy One of "explicit", "warn", "silent" (TensorFlow 2 places tensors
#'   itself).
#' @return `TRUE` (eager execution is on), invisibly.
#' @examples
#' tfe_enable_eager_execution(device_policy = "silent")
#' @export
tfe_enable_eager_execution <- function(config = NULL,
                                       device_policy = c("explicit", "warn", "silent")) {
  match.arg(device_policy)
  invisible(TRUE)
}

#' The Keras backend module
#'
#' As keras 2.x's `backend()`: the Python module `keras.backend` (Keras 3's), e.g.
#' `backend()$epsilon()` or `backend()$backend()`. The `k_*()` functions give the keras 2.x
#' backend functions with R's conventions.
#' @param convert Whether the module converts its results to R (reticulate's flag).
#' @return The Python module.
#' @examples
#' if (rkbridge_available()) {
#'   K <- backend()
#'   print(K$epsilon())
#'   K$backend()
#' }
#' @export
backend <- function(convert = TRUE) rk_call("backend", keep = TRUE, convert = convert)

#' The Keras implementation, and choosing the implementation and backend
#'
#' keras 2.x could run on several implementations of Keras ("keras", "tensorflow") and
#' backends ("tensorflow", "cntk", "theano", "plaidml"). rkbridge runs Keras 3 on
#' TensorFlow only: `implementation()` returns the Python module `keras` (as keras 2.x,
#' which returned the implementation's module), `use_implementation()` accepts `"keras"` and
#' `"tensorflow"` and `use_backend()` accepts `"tensorflow"` (and `"keras"`), both doing
#' nothing else; any other name is an error of class `rkbridge_value_error`, so a script
#' never silently runs on something other than what it asked for.
#' @param implementation `"keras"` or `"tensorflow"`.
#' @param backend `"tensorflow"`.
#' @param gpu keras3's choice of GPU packages when it installs the backend: accepted for its
#'   scripts (`use_backend("tensorflow", FALSE)`); rkbridge's engine is installed with
#'   [install_keras()], so it changes nothing.
#' @return `implementation()`: the `keras` Python module. The others: `NULL`, invisibly.
#' @examples
#' if (rkbridge_available()) {
#'   use_implementation("tensorflow")
#'   use_backend("tensorflow")
#'   print(implementation()$`__version__`)
#'   try(use_backend("theano"))
#' }
#' @export
implementation <- function() rk_call("implementation", keep = TRUE, convert = TRUE)

#' @rdname implementation
#' @export
use_implementation <- function(implementation = "keras") {
  invisible(rk_call("use_implementation", rk_capture()))
}

#' @rdname implementation
#' @export
use_backend <- function(backend = "tensorflow", gpu = NA) {
  invisible(rk_call("use_backend", rk_capture()))
}

#' An R array as a NumPy array for Keras (keras 2.x)
#'
#' keras 2.x's `keras_array()`: R doubles become a NumPy array of Keras's float type
#' ([config_floatx()], float32 unless changed), other vectors keep their type (integers
#' int32, logicals bool), in row-major layout with R's index meaning. Data frames and lists
#' are converted element by element; `NULL` and Python objects are returned as they are.
#' @param x An R vector, matrix, array, data frame or list of them.
#' @param dtype NumPy data type; `NULL` for the rule above.
#' @return A NumPy array (a list of them for a list or data frame).
#' @examples
#' if (rkbridge_available()) {
#'   a <- keras_array(matrix(1:6 / 2, 2))
#'   a$dtype
#'   py_to_r(a)
#' }
#' @export
keras_array <- function(x, dtype = NULL) {
  if (is.null(x) || inherits(x, "python.builtin.object")) return(x)
  if (is.list(x)) return(lapply(x, keras_array, dtype = dtype))
  if (is.null(dtype) && is.double(x)) dtype <- config_floatx()
  np_array(x, dtype = dtype)
}
