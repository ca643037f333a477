# The tfdatasets core (R/tfdatasets.R, rkbridge/datautils/tfdatasets.py): R data in, R arrays out, with
# R's index meaning; datasets as data of fit()/evaluate()/predict().

test_that("tensor_slices_dataset() slices rows; dataset_collect() gives R arrays", {
  skip_if_no_engine()
  m <- matrix(1:6, nrow = 3)  # rows (1, 4), (2, 5), (3, 6)
  got <- dataset_collect(tensor_slices_dataset(m))
  expect_equal(got, list(c(1L, 4L), c(2L, 5L), c(3L, 6L)))
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

test_that("dataset_map() traces R functions and formulas; layers work as they are", {
  skip_if_no_engine()
  ds <- tensor_slices_dataset(list(matrix(c(1, 2, 3, 4, 5, 6), ncol = 2), c(10, 20, 30)))
  got <- dataset_collect(dataset_map(ds, function(x, y) list(x * 2, y + 1)))
  expect_equal(got[[2]], list(c(4, 10), 21))
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
