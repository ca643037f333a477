# A core of the tfdatasets R package over tf.data: each function forwards to the engine
# function of the same name (rkbridge/datautils/tfdatasets.py), which holds the rules.

#' Datasets from R data
#'
#' `tensor_slices_dataset()` makes a TensorFlow dataset (`tf.data.Dataset`) whose elements
#' are the slices of `tensors` along the first axis: the rows of a matrix, `x[i, , ]` of an
#' array, the rows of a data frame (as named lists of columns). A list of arrays gives
#' elements that are lists of their slices (the arrays must have the same number of rows).
#' `tensors_dataset()` makes a dataset of one element, `tensors` as a whole.
#' `range_dataset()` counts from `from` up to (excluding) `to` by `by`. `zip_datasets()`
#' pairs the elements of datasets.
#'
#' These follow the tfdatasets R package: datasets can be `x` of [fit()], [evaluate()] and
#' [predict()] (their elements are then batches, see [dataset_batch()]), and be read back
#' with [as_array_iterator()] and [dataset_collect()].
#' @param tensors An R array, a (named) list of arrays, or a data frame.
#' @param from,to,by The first value, the end (excluded), the step.
#' @param ... Datasets (or one list of them).
#' @return A TensorFlow dataset.
#' @examples
#' if (rkbridge_available()) {
#'   ds <- tensor_slices_dataset(matrix(1:6, nrow = 3))  # 3 elements: the rows
#'   dataset_collect(ds)
#'   dataset_collect(range_dataset(to = 3))
#' }
#' @export
tensor_slices_dataset <- function(tensors) {
  rk_call("tensor_slices_dataset", rk_capture())
}

#' @rdname tensor_slices_dataset
#' @export
tensors_dataset <- function(tensors) {
  rk_call("tensors_dataset", rk_capture())
}

#' @rdname tensor_slices_dataset
#' @export
range_dataset <- function(from = 0, to = 0, by = 1) {
  rk_call("range_dataset", list(from_ = from, to = to, by = by))
}

#' @rdname tensor_slices_dataset
#' @export
zip_datasets <- function(...) {
  rk_call("zip_datasets", as_positional(unname(list(...))))
}

as_positional <- function(x) {
  if (length(x)) names(x) <- rep("", length(x))
  x
}

#' Transform a dataset
#'
#' Functions of the tfdatasets R package over `tf.data`, each returning a new dataset:
#' `dataset_batch()` stacks `batch_size` consecutive elements along a new first axis (the
#' batches fit() takes), `dataset_unbatch()` undoes it, `dataset_repeat()` repeats the
#' elements `count` times (`NULL`: without end), `dataset_shuffle()` shuffles them through a
#' buffer of `buffer_size` elements, `dataset_take()` and `dataset_skip()` keep the first
#' `count` or all but them, `dataset_prefetch()` prepares elements ahead,
#' `dataset_cache()` keeps them after the first pass (in memory, or in `filename`),
#' `dataset_concatenate()` appends the elements of `other`.
#' @param dataset A TensorFlow dataset.
#' @param batch_size Elements per batch.
#' @param drop_remainder Whether to drop a last batch smaller than `batch_size`.
#' @param num_parallel_calls Elements (batches) computed in parallel; `NULL`: sequentially,
#'   `"auto"`: tuned by TensorFlow.
#' @param deterministic Whether the order must be kept when computing in parallel.
#' @param count A number of elements (of repetitions for `dataset_repeat()`).
#' @param buffer_size Elements in the buffer; for `dataset_prefetch()`, `NULL` lets
#'   TensorFlow tune it.
#' @param seed A seed for the shuffle.
#' @param reshuffle_each_iteration Whether each pass over the data shuffles anew.
#' @param filename A file to cache the elements in; `NULL`: memory.
#' @param other Another dataset with elements of the same structure.
#' @return A TensorFlow dataset.
#' @examples
#' if (rkbridge_available()) {
#'   ds <- dataset_batch(dataset_repeat(tensor_slices_dataset(matrix(1:10, ncol = 2)), 2), 4)
#'   dim(dataset_collect(ds, 1)[[1]])  # 4 2
#' }
#' @export
dataset_batch <- function(dataset, batch_size, drop_remainder = FALSE,
                          num_parallel_calls = NULL, deterministic = NULL) {
  rk_call("dataset_batch", rk_capture())
}

#' @rdname dataset_batch
#' @export
dataset_unbatch <- function(dataset) {
  rk_call("dataset_unbatch", rk_capture())
}

#' @rdname dataset_batch
#' @export
dataset_repeat <- function(dataset, count = NULL) {
  rk_call("dataset_repeat", rk_capture())
}

#' @rdname dataset_batch
#' @export
dataset_shuffle <- function(dataset, buffer_size, seed = NULL,
                            reshuffle_each_iteration = NULL) {
  rk_call("dataset_shuffle", rk_capture())
}

#' @rdname dataset_batch
#' @export
dataset_take <- function(dataset, count) {
  rk_call("dataset_take", rk_capture())
}

#' @rdname dataset_batch
#' @export
dataset_skip <- function(dataset, count) {
  rk_call("dataset_skip", rk_capture())
}

#' @rdname dataset_batch
#' @export
dataset_prefetch <- function(dataset, buffer_size = NULL) {
  rk_call("dataset_prefetch", rk_capture())
}

#' @rdname dataset_batch
#' @export
dataset_cache <- function(dataset, filename = NULL) {
  rk_call("dataset_cache", rk_capture())
}

#' @rdname dataset_batch
#' @export
dataset_concatenate <- function(dataset, other) {
  rk_call("dataset_concatenate", rk_capture())
}

#' Apply a function to each element of a dataset
#'
#' `dataset_map()` applies `map_func` to each element; `dataset_filter()` keeps the
#' elements for which `predicate` gives `TRUE`. An element that is an unnamed list is passed
#' as separate arguments, a named list as one argument.
#'
#' As in the tfdatasets R package, the function is traced once, when the map is made: an R
#' function (or a formula such as `~ .x * 2`, whose arguments are `.x`, `.y`, ... or `.`)
#' is called then with symbolic tensors, and what it computes with tensor operations
#' (arithmetic, `op_*()` functions, layers, `tf$...`) is what TensorFlow runs per element.
#' It is not called per element, so R code that needs the values (an `if` on a value, base
#' R functions of arrays) cannot be used. Keras layers and Python callables work as they are.
#' @param dataset A TensorFlow dataset.
#' @param map_func,predicate An R function, a formula, a Keras layer or a Python callable.
#' @inheritParams dataset_batch
#' @return A TensorFlow dataset.
#' @examples
#' if (rkbridge_available()) {
#'   ds <- tensor_slices_dataset(list(matrix(1:6, ncol = 2), c(10, 20, 30)))
#'   ds <- dataset_map(ds, function(x, y) list(x * 2, y + 1))
#'   dataset_collect(ds, 1)
#'   dataset_collect(dataset_filter(range_dataset(to = 6), ~ .x > 3))
#' }
#' @export
dataset_map <- function(dataset, map_func, num_parallel_calls = NULL, deterministic = NULL) {
  args <- rk_capture()
  args$map_func <- as_element_function(map_func)
  rk_call("dataset_map", args)
}

#' @rdname dataset_map
#' @export
dataset_filter <- function(dataset, predicate) {
  rk_call("dataset_filter", list(dataset = dataset,
                                 predicate = as_element_function(predicate)))
}

# A formula (purrr style: `.x`, `.y`, `..1`, `.`) as an R function.
as_element_function <- function(f) {
  if (!inherits(f, "formula")) return(f)
  body <- f[[length(f)]]
  env <- environment(f)
  fn <- function(...) {
    args <- list(...)
    vars <- list(.x = args[[1L]], . = args[[1L]])
    if (length(args) > 1L) vars$.y <- args[[2L]]
    for (i in seq_along(args)) vars[[paste0("..", i)]] <- args[[i]]
    eval(body, vars, env)
  }
  fn
}

#' Read a dataset's elements as R arrays
#'
#' `as_array_iterator()` makes an iterator over a dataset whose `iter_next()` gives the
#' next element as R arrays (an unnamed list for a tuple, a named list for a dict,
#' character for strings); `as_iterator()` makes one that gives tensors. `iter_next()`
#' returns `completed` (`NULL`) when no element is left; it also takes other Python
#' iterators. `dataset_collect()` gives the elements (the first `n`) as a list.
#' `dataset_cardinality()` is the number of elements (`Inf`: without end, `NaN`: unknown).
#' @param dataset A TensorFlow dataset.
#' @param it An iterator.
#' @param completed What `iter_next()` returns at the end.
#' @param n How many elements (`NULL`: all; the dataset must end).
#' @return `as_array_iterator()`, `as_iterator()`: an iterator; `iter_next()`: an element;
#'   `dataset_collect()`: a list of elements; `dataset_cardinality()`: a number.
#' @examples
#' if (rkbridge_available()) {
#'   it <- as_array_iterator(tensor_slices_dataset(matrix(1:4, 2)))
#'   iter_next(it)  # 1 3
#'   iter_next(it)  # 2 4
#'   iter_next(it)  # NULL
#'   dataset_cardinality(dataset_repeat(range_dataset(to = 2)))  # Inf
#' }
#' @export
as_array_iterator <- function(dataset) {
  rk_call("as_array_iterator", rk_capture())
}

#' @rdname as_array_iterator
#' @export
as_iterator <- function(dataset) {
  rk_call("as_iterator", rk_capture())
}

#' @rdname as_array_iterator
#' @export
iter_next <- function(it, completed = NULL) {
  res <- rk_call("iter_next", list(it = it))
  if (is.null(res)) completed else res
}

#' @rdname as_array_iterator
#' @export
dataset_collect <- function(dataset, n = NULL) {
  rk_call("dataset_collect", rk_capture())
}

#' @rdname as_array_iterator
#' @export
dataset_cardinality <- function(dataset) {
  rk_call("dataset_cardinality", rk_capture())
}
