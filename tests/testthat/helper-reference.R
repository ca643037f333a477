# Keras's own results as references. R data reaches NumPy as plain Python lists (reticulate
# converts an R vector to a list of numbers) reshaped in column-major order, and results come
# back the same way, so a reference never passes through the rkbridge transport the tests
# compare against it (nor through reticulate's NumPy conversion, which Debian's reticulate
# lacks for NumPy 2).

# An R array or vector as a C-contiguous NumPy array with the same index meaning.
np_ref <- function(x, dtype = NULL) {
  np <- reticulate::import("numpy", convert = FALSE)
  d <- if (is.null(dim(x))) length(x) else dim(x)
  flat <- np$array(reticulate::r_to_py(as.list(as.vector(x))), dtype = dtype)
  np$ascontiguousarray(np$reshape(flat, reticulate::tuple(as.list(as.integer(d))), order = "F"))
}

# A Python object's method whose results stay Python objects (an engine handle may convert
# what its methods return), for r_ref().
keras_method <- function(object, name) {
  method <- reticulate::import_builtins(convert = FALSE)$getattr(object, name)
  function(...) reticulate::py_call(method, ...)
}

# A Python result (an array, a scalar, or lists, tuples and dicts of them) as R values: arrays
# of two or more dimensions as R arrays, one dimension as a vector.
r_ref <- function(value) {
  py <- reticulate::import_builtins(convert = FALSE)
  np <- reticulate::import("numpy", convert = FALSE)
  is <- function(type) isTRUE(reticulate::py_to_r(py$isinstance(value, type)))
  if (is(py$dict)) {
    keys <- reticulate::py_to_r(py$list(value$keys()))
    return(stats::setNames(lapply(keys, function(k) r_ref(reticulate::py_get_item(value, k))),
                           unlist(keys)))
  }
  if (is(reticulate::tuple(py$list, py$tuple))) {
    n <- reticulate::py_to_r(py$len(value))
    return(lapply(seq_len(n) - 1L, function(i) r_ref(reticulate::py_get_item(value, i))))
  }
  a <- np$asarray(value)
  shape <- as.integer(unlist(reticulate::py_to_r(py$list(a$shape))))
  vals <- unlist(reticulate::py_to_r(a$flatten(order = "F")$tolist()))
  if (is.null(vals)) vals <- numeric(0)
  if (length(shape) >= 2) array(vals, dim = shape) else vals
}
