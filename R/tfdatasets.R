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

#' Iterate over a dataset the tfdatasets 1.x way
#'
#' The iteration of eager TensorFlow 2 under tfdatasets's older names:
#' `make_iterator_one_shot()` is [as_iterator()], `iterator_get_next()` gives the next
#' element as tensors and signals an error of class `rkbridge_out_of_range` (Keras's
#' `OutOfRangeError`) when none is left, and `until_out_of_range()` evaluates `expr` in the
#' caller's environment again and again until such an error ends it.
#' @param dataset A TensorFlow dataset.
#' @param iterator An iterator from `make_iterator_one_shot()`.
#' @param name Unused (a graph-mode name in tfdatasets).
#' @param expr An expression that reads from an iterator.
#' @return `make_iterator_one_shot()`: an iterator; `iterator_get_next()`: an element;
#'   `until_out_of_range()`: `NULL`, invisibly.
#' @examples
#' if (rkbridge_available()) {
#'   it <- make_iterator_one_shot(tensor_slices_dataset(1:3))
#'   total <- 0
#'   until_out_of_range({
#'     total <- total + as.numeric(iterator_get_next(it))
#'   })
#'   total  # 6
#' }
#' @export
make_iterator_one_shot <- function(dataset) as_iterator(dataset)

#' @rdname make_iterator_one_shot
#' @export
iterator_get_next <- function(iterator, name = NULL) {
  res <- rk_call("iter_next", list(it = iterator))
  if (is.null(res))
    stop(rk_condition("End of sequence: the iterator has no element left (OutOfRangeError).",
                      "rkbridge_out_of_range"))
  res
}

#' @rdname make_iterator_one_shot
#' @export
until_out_of_range <- function(expr) {
  expr <- substitute(expr)
  env <- parent.frame()
  tryCatch(repeat eval(expr, env), rkbridge_out_of_range = function(e) NULL)
  invisible()
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

#' Datasets that stream from files
#'
#' Datasets read from disk as they are iterated, so files larger than memory can train a
#' model: `text_line_dataset()` gives the lines of text files, `csv_dataset()` the rows of
#' CSV files (one element per row: a named list of the columns, and the `label_name` column
#' apart), `make_csv_dataset()` is TensorFlow's batched, shuffled and repeated CSV reader,
#' `tfrecord_dataset()` gives the records of TFRecord files (parsed into named lists with
#' `features`), and `write_tfrecords()` writes the rows of a data frame or of a named list of
#' arrays as TFRecord files (one file per name in `filenames`, the rows split between them in
#' order). `file_list_dataset()` lists the files matching a pattern, sorted; map it to a
#' reader with [dataset_interleave()] to read many files a few at a time.
#'
#' Under [strategy_multi_worker()], each worker reads its own files of such a dataset
#' (TensorFlow's auto-sharding by file; see [dataset_options()] for the policy): give at
#' least as many files as workers, of similar sizes. `file_list_dataset()` does not shuffle
#' unless asked (every worker must list the files in the same order; a shuffle then needs a
#' `seed`).
#' @param filenames File names (a vector), or a [file_list_dataset()].
#' @param file_pattern A glob (or a vector of them), e.g. `"data/part-*.csv"`.
#' @param compression_type `NULL`, `"GZIP"` or `"ZLIB"`.
#' @param buffer_size Bytes of read buffer (`NULL`: TensorFlow's default).
#' @param num_parallel_reads Files read in parallel (`NULL`: one at a time, in order).
#' @param features For `tfrecord_dataset()`: what `write_tfrecords()` returned, or a named list
#'   of `list(dtype = "float32", shape = c(...))`; `NULL` gives the serialized records.
#' @param x A data frame, or a named list of arrays with the same number of rows.
#' @param label_name The name of the column to give apart, as the target.
#' @param column_names Column names (`NULL`: the files' header).
#' @param column_defaults One default per column, giving its type (`NULL`: inferred from the
#'   first `num_rows_for_inference` rows: whole numbers integer, other numbers float, else
#'   character).
#' @param select_columns Names (or 1-based positions) of the columns to keep.
#' @param field_delim The field delimiter.
#' @param na_value The string read as a missing value.
#' @param header Whether the files start with a header line.
#' @param num_rows_for_inference Rows read to infer the column types.
#' @param batch_size,num_epochs,shuffle,shuffle_buffer_size,shuffle_seed,prefetch_buffer_size,use_quote_delim,sloppy
#'   As in TensorFlow's `make_csv_dataset()` (`num_epochs = NULL`: repeated without end).
#' @param seed A seed for a shuffled file list.
#' @return A TensorFlow dataset; `write_tfrecords()`: the features written (invisibly).
#' @examples
#' if (rkbridge_available()) {
#'   dir <- tempfile(); dir.create(dir)
#'   for (i in 1:2) write.csv(data.frame(x = i * 1:3, y = c(0, 1, 0)),
#'                            file.path(dir, sprintf("part-%d.csv", i)), row.names = FALSE)
#'   ds <- csv_dataset(file.path(dir, "*.csv"), label_name = "y")
#'   dataset_collect(ds, 2)
#'   feats <- write_tfrecords(list(x = matrix(1:6, 3), y = c(1.5, 2.5, 3.5)),
#'                            file.path(dir, c("a.tfrecord", "b.tfrecord")))
#'   dataset_collect(tfrecord_dataset(file_list_dataset(file.path(dir, "*.tfrecord")),
#'                                    features = feats), 1)
#'   lines <- dataset_interleave(file_list_dataset(file.path(dir, "*.csv")),
#'                               function(f) dataset_skip(text_line_dataset(f), 1))
#'   dataset_collect(lines, 3)
#' }
#' @export
text_line_dataset <- function(filenames, compression_type = NULL, buffer_size = NULL,
                              num_parallel_reads = NULL) {
  rk_call("text_line_dataset", rk_capture())
}

#' @rdname text_line_dataset
#' @export
csv_dataset <- function(file_pattern, label_name = NULL, column_names = NULL,
                        column_defaults = NULL, select_columns = NULL, field_delim = ",",
                        na_value = "", header = TRUE, num_rows_for_inference = 100) {
  rk_call("csv_dataset", rk_capture())
}

#' @rdname text_line_dataset
#' @export
make_csv_dataset <- function(file_pattern, batch_size, column_names = NULL,
                             column_defaults = NULL, label_name = NULL, select_columns = NULL,
                             field_delim = ",", use_quote_delim = TRUE, na_value = "",
                             header = TRUE, num_epochs = NULL, shuffle = TRUE,
                             shuffle_buffer_size = 10000, shuffle_seed = NULL,
                             prefetch_buffer_size = NULL, num_parallel_reads = NULL,
                             sloppy = FALSE, num_rows_for_inference = 100) {
  rk_call("make_csv_dataset", rk_capture())
}

#' @rdname text_line_dataset
#' @export
tfrecord_dataset <- function(filenames, compression_type = NULL, buffer_size = NULL,
                             num_parallel_reads = NULL, features = NULL) {
  rk_call("tfrecord_dataset", rk_capture())
}

#' @rdname text_line_dataset
#' @export
write_tfrecords <- function(x, filenames, compression_type = NULL) {
  invisible(rk_call("write_tfrecords", rk_capture()))
}

#' @rdname text_line_dataset
#' @export
file_list_dataset <- function(file_pattern, shuffle = FALSE, seed = NULL) {
  rk_call("file_list_dataset", rk_capture())
}

#' More dataset transformations: interleave, flat map, rebatch, shard, reduce, options
#'
#' `dataset_interleave()` maps each element to a dataset with `map_func` and interleaves
#' their elements (`cycle_length` datasets open at once, `block_length` elements from each in
#' turn): the way to read many files a few at a time. `dataset_flat_map()` chains the
#' datasets `map_func` gives. `dataset_rebatch()` makes batches of other sizes (a vector
#' of sizes is taken in turn) without unbatching. `dataset_shard()` keeps every
#' `num_shards`-th element from element `index` (1-based). `dataset_reduce()` folds the
#' dataset into one value: `reduce_func(state, element)` gives the next state, from
#' `initial_state` (a number takes the element's type when the element is one number); the
#' result comes back as R arrays. The functions are traced once, as for [dataset_map()].
#'
#' `dataset_options()` sets `tf.data` options by name, nested names separated by a dot, or
#' returns the dataset's options when none is given. The one multi-worker training needs is
#' `experimental_distribute.auto_shard_policy`: `"auto"` (the default: each worker reads its
#' own files when the dataset reads files, else its share of the elements), `"file"`,
#' `"data"` (every worker reads everything and keeps its share), `"hint"` or `"off"` (every
#' worker reads and trains on every element).
#' @inheritParams dataset_batch
#' @param map_func An R function (or formula) of an element returning a dataset.
#' @param cycle_length Datasets open at once (`NULL`: tuned).
#' @param block_length Elements taken from each in turn.
#' @param batch_size A batch size, or a vector of sizes taken in turn.
#' @param num_shards,index The number of shards and which one to keep (1-based).
#' @param initial_state The first state (a number, an array, or a list of them).
#' @param reduce_func An R function (or formula) of `(state, element)` returning the next
#'   state, of the same structure.
#' @param ... Options as `name = value` (or one named list of them).
#' @return A TensorFlow dataset; `dataset_reduce()`: the final state as R arrays;
#'   `dataset_options()` without options: the options.
#' @examples
#' if (rkbridge_available()) {
#'   ds <- dataset_interleave(range_dataset(1, 3), function(x)
#'     dataset_repeat(tensors_dataset(x), 2), cycle_length = 2)
#'   unlist(dataset_collect(ds))  # 1 2 1 2
#'   dataset_collect(dataset_rebatch(dataset_batch(range_dataset(to = 6), 3), 2))
#'   unlist(dataset_collect(dataset_shard(range_dataset(to = 7), 3, 1)))  # 0 3 6
#'   dataset_reduce(range_dataset(to = 5), 0, function(s, x) s + x)  # 10
#'   ds <- dataset_options(range_dataset(to = 4),
#'                         experimental_distribute.auto_shard_policy = "data")
#' }
#' @export
dataset_interleave <- function(dataset, map_func, cycle_length = NULL, block_length = 1,
                               num_parallel_calls = NULL, deterministic = NULL) {
  args <- rk_capture()
  args$map_func <- as_element_function(map_func)
  rk_call("dataset_interleave", args)
}

#' @rdname dataset_interleave
#' @export
dataset_flat_map <- function(dataset, map_func) {
  rk_call("dataset_flat_map", list(dataset = dataset,
                                   map_func = as_element_function(map_func)))
}

#' @rdname dataset_interleave
#' @export
dataset_rebatch <- function(dataset, batch_size, drop_remainder = FALSE) {
  rk_call("dataset_rebatch", rk_capture())
}

#' @rdname dataset_interleave
#' @export
dataset_shard <- function(dataset, num_shards, index) {
  rk_call("dataset_shard", rk_capture())
}

#' @rdname dataset_interleave
#' @export
dataset_reduce <- function(dataset, initial_state, reduce_func) {
  rk_call("dataset_reduce", list(dataset = dataset, initial_state = initial_state,
                                 reduce_func = as_element_function(reduce_func)))
}

#' @rdname dataset_interleave
#' @export
dataset_options <- function(dataset, ...) {
  opts <- list(...)
  if (length(opts) == 1L && is.null(names(opts)) && is.list(opts[[1L]])) opts <- opts[[1L]]
  if (length(opts) && (is.null(names(opts)) || any(!nzchar(names(opts)))))
    stop(rk_condition("dataset_options() takes options as `name = value`.",
                      "rkbridge_value_error"))
  rk_call("dataset_options", c(list(dataset = dataset), opts))
}

#' More ways to shape a dataset: padded batches, positions, running folds, sampling
#'
#' `dataset_padded_batch()` batches elements of different shapes (sequences of different
#' lengths), padding each to the longest of its batch, or to `padded_shapes` (`NA`: the
#' longest), with `padding_values` (0 by default). `dataset_enumerate()` pairs each element
#' with its position, `list(i, element)`, counting from `start` (1, as R counts;
#' tfdatasets counts from 0). `dataset_scan()` is a running [dataset_reduce()]:
#' `scan_func(state, element)` returns `list(new_state, output)` and the outputs form the
#' dataset. `dataset_take_while()` keeps the elements up to the first for which `predicate`
#' is `FALSE`. `dataset_unique()` keeps each distinct element once (integer or string
#' elements). `sample_from_datasets()` draws elements at random from a list of datasets,
#' each with its probability in `weights` (`NULL`: equal).
#' @inheritParams dataset_batch
#' @param padded_shapes The shape each component is padded to (`NULL`: the longest).
#' @param padding_values The value padding each component.
#' @param start The position of the first element.
#' @param initial_state,scan_func The first state, and an R function (or formula) of
#'   `(state, element)` returning `list(new_state, output)`.
#' @param predicate An R function (or formula) of an element returning `TRUE` or `FALSE`.
#' @param datasets A list of datasets with elements of the same structure.
#' @param weights Their probabilities.
#' @param seed A seed for the draws.
#' @param stop_on_empty_dataset Whether to stop when one of `datasets` runs out.
#' @return A TensorFlow dataset.
#' @examples
#' if (rkbridge_available()) {
#'   seqs <- dataset_map(range_dataset(1, 4), function(n) tf$range(n))
#'   dataset_collect(dataset_padded_batch(seqs, 3))  # rows 0 0 0 / 0 1 0 / 0 1 2
#'   dataset_collect(dataset_enumerate(tensor_slices_dataset(c("a", "b"))))
#'   unlist(dataset_collect(dataset_scan(range_dataset(to = 4), 0,
#'                                       function(s, x) list(s + x, s + x))))  # 0 1 3 6
#'   unlist(dataset_collect(dataset_take_while(range_dataset(to = 9), ~ .x < 3)))
#'   unlist(dataset_collect(dataset_unique(tensor_slices_dataset(c(1L, 1L, 2L)))))
#'   ds <- sample_from_datasets(list(range_dataset(to = 3), range_dataset(10, 12)), seed = 1)
#' }
#' @export
dataset_padded_batch <- function(dataset, batch_size, padded_shapes = NULL,
                                 padding_values = NULL, drop_remainder = FALSE) {
  rk_call("dataset_padded_batch", rk_capture())
}

#' @rdname dataset_padded_batch
#' @export
dataset_enumerate <- function(dataset, start = 1) {
  rk_call("dataset_enumerate", rk_capture())
}

#' @rdname dataset_padded_batch
#' @export
dataset_scan <- function(dataset, initial_state, scan_func) {
  rk_call("dataset_scan", list(dataset = dataset, initial_state = initial_state,
                               scan_func = as_element_function(scan_func)))
}

#' @rdname dataset_padded_batch
#' @export
dataset_take_while <- function(dataset, predicate) {
  rk_call("dataset_take_while", list(dataset = dataset,
                                     predicate = as_element_function(predicate)))
}

#' @rdname dataset_padded_batch
#' @export
dataset_unique <- function(dataset) {
  rk_call("dataset_unique", rk_capture())
}

#' @rdname dataset_padded_batch
#' @export
sample_from_datasets <- function(datasets, weights = NULL, seed = NULL,
                                 stop_on_empty_dataset = TRUE) {
  rk_call("sample_from_datasets", list(datasets = unname(as.list(datasets)), weights = weights,
                                       seed = seed,
                                       stop_on_empty_dataset = stop_on_empty_dataset))
}
