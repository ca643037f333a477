# The tfdatasets core (R/tfdatasets.R, rkbridge/datautils/tfdatasets.py): R data in, R arrays out, with
# R's index meaning; datasets as data of fit()/evaluate()/predict().

test_that("tensor_slices_dataset() slices rows; dataset_collect() gives R arrays", {
  skip_if_no_engine()
  m <- matrix(1:6, nrow = 3)  # rows (1, 4), (2, 5), (3, 6)
  got <- dataset_collect(tensor_slices_dataset(m))
  expect_equal(got, list(array(c(1L, 4L)), array(c(2L, 5L)), array(c(3L, 6L))))
  a <- array(1:24, c(2, 3, 4))
  first <- dataset_collect(tensor_slices_dataset(a), 1)[[1]]
  expect_equal(first, a[1, , ])
  df <- data.frame(x = c(1.5, 2.5), s = c("a", "b"))
  rows <- dataset_collect(tensor_slices_dataset(df))
  expect_equal(rows[[2]], list(x = 2.5, s = "b"))
})

test_that("batch, repeat, take, skip, shuffle and the iterator", {
  skip_if_no_engine()
  ds <- tensor_slices_dataset(matrix(1:10, ncol = 2))
  b <- dataset_collect(dataset_batch(dataset_repeat(ds, 2), 4))
  expect_equal(length(b), 3L)
  expect_equal(b[[1]], matrix(c(1:4, 6:9), ncol = 2))
  expect_equal(dim(b[[3]]), c(2L, 2L))
  expect_equal(length(dataset_collect(dataset_batch(dataset_repeat(ds, 2), 4,
                                                    drop_remainder = TRUE))), 2L)
  expect_equal(unlist(dataset_collect(dataset_skip(dataset_take(range_dataset(to = 10), 5), 3))),
               c(3, 4))
  s <- unlist(dataset_collect(dataset_shuffle(range_dataset(to = 20), 20, seed = 1)))
  expect_setequal(s, 0:19)
  it <- as_array_iterator(tensor_slices_dataset(c("x y", "z")))
  expect_identical(iter_next(it), "x y")
  expect_identical(iter_next(it), "z")
  expect_null(iter_next(it))
  expect_identical(iter_next(it, completed = "end"), "end")
  expect_equal(dataset_cardinality(dataset_repeat(range_dataset(to = 2))), Inf)
  expect_equal(dataset_cardinality(range_dataset(1, 7, 2)), 3)
})

test_that("make_iterator_one_shot(), iterator_get_next(), until_out_of_range() in eager mode", {
  skip_if_no_engine()
  it <- make_iterator_one_shot(dataset_batch(tensor_slices_dataset(matrix(1:10, ncol = 2)), 2))
  first <- iterator_get_next(it)
  expect_equal(as.array(first), matrix(c(1, 2, 6, 7), 2))
  seen <- list()
  until_out_of_range({
    seen[[length(seen) + 1]] <- dim(as.array(iterator_get_next(it)))
  })
  # the caller's variables change; the loop ends at the end of the data, not before
  expect_identical(seen, list(c(2L, 2L), c(1L, 2L)))
  expect_error(iterator_get_next(it), "no element left", class = "rkbridge_out_of_range")
  # other errors are not swallowed
  expect_error(until_out_of_range(stop("boom")), "boom")
})

test_that("dataset_map() traces R functions and formulas; layers work as they are", {
  skip_if_no_engine()
  ds <- tensor_slices_dataset(list(matrix(c(1, 2, 3, 4, 5, 6), ncol = 2), c(10, 20, 30)))
  got <- dataset_collect(dataset_map(ds, function(x, y) list(x * 2, y + 1)))
  expect_equal(got[[2]], list(array(c(4, 10)), 21))
  sq <- dataset_collect(dataset_map(range_dataset(to = 4), ~ .x * .x))
  expect_equal(unlist(sq), c(0, 1, 4, 9))
  expect_equal(unlist(dataset_collect(dataset_filter(range_dataset(to = 6), ~ .x > 3))), c(4, 5))
  halve <- layer_rescaling(scale = 0.5)
  h <- dataset_collect(dataset_map(dataset_batch(tensor_slices_dataset(matrix(c(2, 4), 1)), 1),
                                   halve))
  expect_equal(h[[1]], matrix(c(1, 2), 1), ignore_attr = TRUE)
})

test_that("a dataset trains, evaluates and predicts like the same arrays", {
  skip_if_no_engine()
  x <- matrix(seq(0, 1, length.out = 20), ncol = 2)
  y <- rowSums(x)
  make <- function() {
    set_random_seed(3)
    keras_model_sequential(input_shape = 2) %>% layer_dense(1) %>%
      compile(loss = "mse", optimizer = optimizer_sgd(0.1))
  }
  m1 <- make(); m2 <- make()
  ds <- dataset_batch(tensor_slices_dataset(list(x, y)), 5)
  fit(m1, ds, epochs = 2, verbose = 0)
  fit(m2, x, y, batch_size = 5, epochs = 2, shuffle = FALSE, verbose = 0)
  expect_equal(get_weights(m1), get_weights(m2), tolerance = 1e-5)
  expect_equal(evaluate(m1, ds, verbose = 0), evaluate(m2, x, y, verbose = 0), tolerance = 1e-5)
  expect_equal(predict(m1, dataset_map(ds, function(x, y) x)), predict(m2, x),
               tolerance = 1e-5)
  expect_error(fit(m1, ds, batch_size = 5, verbose = 0),
               "`batch_size` must not be given when `x` is a TensorFlow dataset")
})

test_that("an endless dataset without its steps is an error up front, not a hang", {
  skip_if_no_engine()
  x <- matrix(seq(0, 1, length.out = 20), ncol = 2)
  m <- keras_model_sequential(input_shape = 2) %>% layer_dense(1) %>%
    compile(loss = "mse", optimizer = "sgd")
  endless <- dataset_repeat(dataset_batch(tensor_slices_dataset(list(x, rowSums(x))), 5))
  expect_equal(dataset_cardinality(endless), Inf)
  expect_error(fit(m, endless, epochs = 1, verbose = 0), "give `steps_per_epoch`")
  expect_error(evaluate(m, endless, verbose = 0), "give `steps`")
  expect_error(fit(m, x, rowSums(x), epochs = 1, verbose = 0, validation_data = endless),
               "give `validation_steps`")
  h <- fit(m, endless, epochs = 1, steps_per_epoch = 2, verbose = 0)
  expect_length(h$metrics$loss, 1)
})

test_that("interleave, flat map, rebatch, shard, reduce, scan and friends, with R's counting", {
  skip_if_no_engine()
  ds <- dataset_interleave(range_dataset(1, 3), function(x)
    dataset_repeat(tensors_dataset(x), 3), cycle_length = 2, block_length = 2)
  expect_equal(unlist(dataset_collect(ds)), c(1, 1, 2, 2, 1, 2))
  expect_equal(unlist(dataset_collect(dataset_flat_map(range_dataset(1, 3),
                                                       ~ dataset_repeat(tensors_dataset(.x), 2)))),
               c(1, 1, 2, 2))
  rb <- dataset_collect(dataset_rebatch(dataset_batch(range_dataset(to = 8), 4), c(2, 1)))
  expect_equal(lapply(rb, as.vector), list(c(0, 1), 2, c(3, 4), 5, c(6, 7)))
  expect_equal(unlist(dataset_collect(dataset_shard(range_dataset(to = 8), 3, 1))), c(0, 3, 6))
  expect_error(dataset_shard(range_dataset(to = 8), 3, 0), "between 1 and 3 \\(1-based\\)")
  expect_equal(dataset_reduce(range_dataset(to = 5), 0, function(s, x) s + x), 10)
  expect_equal(unlist(dataset_collect(dataset_scan(range_dataset(to = 4), 0,
                                                   function(s, x) list(s + x, s + x)))),
               c(0, 1, 3, 6))
  en <- dataset_collect(dataset_enumerate(tensor_slices_dataset(c("a", "b"))))
  expect_equal(en[[2]], list(2, "b"))
  expect_equal(unlist(dataset_collect(dataset_take_while(range_dataset(to = 9), ~ .x < 3))),
               c(0, 1, 2))
  seqs <- dataset_map(range_dataset(1, 4), function(n) tf$range(n))
  pb <- dataset_collect(dataset_padded_batch(seqs, 3, padding_values = -1))[[1]]
  expect_equal(pb, matrix(c(0, 0, 0, -1, 1, 1, -1, -1, 2), 3), ignore_attr = TRUE)
  opts <- dataset_options(dataset_options(range_dataset(to = 3),
                                          experimental_distribute.auto_shard_policy = "data"))
  # an IntEnum: reticulate 1.46 converts it to its number, 1.28 keeps the Python object
  policy <- opts$experimental_distribute$auto_shard_policy
  expect_equal(as.integer(if (is.numeric(policy)) policy else policy$value), 2L)  # DATA
  expect_error(dataset_options(range_dataset(to = 3), experimental_distribute.auto_shard_policy = "rows"),
               "must be one of 'off', 'auto', 'file', 'data', 'hint'")
})

test_that("CSV and TFRecord files stream as R values; a model trains from them", {
  skip_if_no_engine()
  dir <- tempfile(); dir.create(dir)
  df <- data.frame(a = c(0.5, 1.5, 2.5, 3.5), b = c(1, 2, 3, 4) / 4, y = c(1, 2, 3, 4) / 2)
  write.csv(df[1:2, ], file.path(dir, "part-1.csv"), row.names = FALSE)
  write.csv(df[3:4, ], file.path(dir, "part-2.csv"), row.names = FALSE)
  rows <- dataset_collect(csv_dataset(file.path(dir, "*.csv"), label_name = "y"))
  expect_length(rows, 4L)
  expect_equal(rows[[3]], list(list(a = 2.5, b = 0.75), 1.5), tolerance = 1e-6)
  expect_equal(unlist(dataset_collect(file_list_dataset(file.path(dir, "*.csv")))),
               file.path(dir, c("part-1.csv", "part-2.csv")))
  lines <- dataset_interleave(file_list_dataset(file.path(dir, "*.csv")),
                              function(f) dataset_skip(text_line_dataset(f), 1))
  expect_equal(unlist(dataset_collect(lines, 1)), "0.5,0.25,0.5")
  x <- array(1:24, c(6, 2, 2))
  feats <- write_tfrecords(list(x = x, k = 1:6), file.path(dir, c("a.tfrecord", "b.tfrecord")))
  expect_equal(feats$x$shape, c(2L, 2L))
  back <- dataset_collect(tfrecord_dataset(file.path(dir, "b.tfrecord"), features = feats))
  expect_equal(vapply(back, function(r) as.numeric(r$k), 1), 4:6)  # rows 4-6 in file 2
  expect_equal(back[[1]]$x, x[4, , ], ignore_attr = TRUE)           # R's index meaning
  ds <- csv_dataset(file.path(dir, "*.csv"), label_name = "y") %>%
    dataset_batch(2) %>%
    dataset_map(function(cols, y) list(op_stack(unname(cols), axis = 2), y))
  model <- keras_model_sequential(input_shape = 2) %>% layer_dense(1) %>%
    compile(loss = "mse", optimizer = optimizer_sgd(0.1))
  set_weights(model, list(matrix(0, 2, 1), 0))
  # Keras warns that a dataset of unknown length "ran out of data" at its first epoch's end
  suppressWarnings(fit(model, ds, epochs = 1, verbose = 0))
  ref <- keras_model_sequential(input_shape = 2) %>% layer_dense(1) %>%
    compile(loss = "mse", optimizer = optimizer_sgd(0.1))
  set_weights(ref, list(matrix(0, 2, 1), 0))
  fit(ref, as.matrix(df[, 1:2]), df$y, batch_size = 2, shuffle = FALSE, epochs = 1, verbose = 0)
  expect_equal(get_weights(model), get_weights(ref), tolerance = 1e-5)
})
