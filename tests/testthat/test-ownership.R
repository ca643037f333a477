# Ownership at the boundary (CONVENTIONS.md section 1): an engine array that views R memory
# keeps the R vector alive, so a garbage collection at any point never changes a result.
# Each case is compared with a reference computed from copies, with collections forced
# between the steps (and gctorture() where the step is small enough).

churn <- function() {
  # allocate and drop enough that freed vectors get reused, then collect
  for (i in 1:3) { junk <- lapply(1:50, function(i) runif(1000) * -999); rm(junk); gc() }
}

test_that("an initializer's value outlives the R vector it came from", {
  skip_if_no_engine()
  init <- initializer_constant(value = c(1, 2, 3, 4))
  churn()
  m <- keras_model_sequential(input_shape = c(1)) %>%
    layer_dense(4, kernel_initializer = init, use_bias = FALSE)
  churn()
  expect_equal(as.vector(get_weights(m)[[1]]), c(1, 2, 3, 4))
})

test_that("layer_normalization(mean =, variance =) keeps its statistics", {
  skip_if_no_engine()
  layer <- layer_normalization(mean = c(1, 2, 3), variance = c(4, 9, 16))
  churn()
  m <- keras_model_sequential(input_shape = c(3)) %>% layer
  churn()
  x <- matrix(c(1, 3, 5, 8, 2, 7), 2, 3)
  expected <- sweep(sweep(x, 2, c(1, 2, 3)), 2, sqrt(c(4, 9, 16)), "/")
  expect_equal(predict(m, x, verbose = 0), expected, tolerance = 1e-5)
})

test_that("layer_lambda(arguments =) keeps the arrays it was given", {
  skip_if_no_engine()
  m <- keras_model_sequential(input_shape = c(3)) %>%
    layer_lambda(function(x, w) x * w, arguments = list(w = c(1, 2, 3)))
  churn()
  x <- matrix(1:6, 2, 3)
  expect_equal(predict(m, x, verbose = 0), sweep(x, 2, c(1, 2, 3), "*"), tolerance = 1e-6)
})

test_that("predict() on a data.frame of I() columns equals predict() on its matrix", {
  skip_if_no_engine()
  set.seed(3)
  p <- 60; n <- 1500
  m <- keras_model_sequential(input_shape = c(p)) %>% layer_dense(2)
  x <- matrix(rnorm(n * p), n, p)
  df <- as.data.frame(lapply(seq_len(p), function(j) I(x[, j])))
  expected <- predict(m, x, verbose = 0)
  for (i in 1:4) {
    churn()
    expect_equal(predict(m, df, verbose = 0), expected, tolerance = 1e-6)
  }
})

test_that("to_categorical() of a factor survives gctorture()", {
  skip_if_no_engine()
  f <- factor(c("b", "a", "c", "a"))
  to_categorical(f)  # the engine is loaded outside the torture
  gctorture(TRUE)
  out <- to_categorical(f)
  gctorture(FALSE)
  expect_equal(out, diag(3)[c(2, 1, 3, 1), ])
})

test_that("a vector lent to the engine is not changed in place by R afterwards", {
  skip_if_no_engine()
  v <- c(1, 2, 3, 4)
  init <- initializer_constant(value = v)
  v[1] <- 100  # R must copy: the engine still views the old vector
  m <- keras_model_sequential(input_shape = c(1)) %>%
    layer_dense(4, kernel_initializer = init, use_bias = FALSE)
  expect_equal(as.vector(get_weights(m)[[1]]), c(1, 2, 3, 4))
  expect_equal(v, c(100, 2, 3, 4))
})

test_that("compile(loss_weights = c(1, 0.2)) weights the outputs' losses", {
  skip_if_no_engine()
  inp <- layer_input(shape = c(3))
  a <- inp %>% layer_dense(1, name = "a")
  b <- inp %>% layer_dense(1, name = "b")
  m <- keras_model(inp, list(a, b))
  m %>% compile(optimizer = "sgd", loss = "mse", loss_weights = c(1, 0.2))
  churn()
  x <- matrix(runif(30), 10, 3); ya <- matrix(runif(10), 10); yb <- matrix(runif(10), 10)
  e <- evaluate(m, x, list(ya, yb), verbose = 0)
  expect_equal(e$loss, e$a_loss + 0.2 * e$b_loss, tolerance = 1e-4)
})

test_that("loans end: a large input is freed once the engine no longer views it", {
  skip_if_no_engine()
  m <- keras_model_sequential(input_shape = c(100)) %>% layer_dense(1)
  b <- rkbridge:::bridge()
  # R's handles on the engine's views go at R's next collection; Keras's predict() leaves
  # reference cycles that Python's collector breaks later: collect both, then any engine
  # call ends the loans that are left
  settle <- function() for (i in 1:3) {
    gc()
    reticulate::import("gc")$collect()
    invisible(predict(m, matrix(0, 1, 100), verbose = 0))
  }
  settle()
  alive <- b$loans_alive()
  x <- matrix(runif(2e5 * 100), 2e5)  # 160 MB
  p <- predict(m, x, verbose = 0)
  rm(x)
  settle()
  expect_equal(b$loans_pending(), 0)
  expect_equal(b$loans_alive(), alive)  # the engine views nothing more than before
})

test_that("R -> engine is a view of R's own memory on every reticulate (no copy)", {
  skip_if_no_engine()
  x <- matrix(runif(6), 2, 3)
  v <- rkbridge:::rk_to_engine(x)
  expect_s3_class(v, "numpy.ndarray")  # not converted back to R by reticulate >= 1.38
  as_double <- reticulate::import_builtins(convert = TRUE)$float  # addresses pass 2^31
  address <- as_double(reticulate::py_get_attr(v, "ctypes")$data)
  expect_equal(address, .Call(rkbridge:::rk_address, x))
  expect_identical(reticulate::py_to_r(reticulate::py_get_attr(v, "shape")), list(2L, 3L))
})

test_that("engine results reach R only through the transport, on every reticulate", {
  skip_if_no_engine()
  b <- rkbridge:::bridge()
  bytes <- serialize_model(keras_model_sequential(input_shape = 2) %>% layer_dense(1))
  expect_type(bytes, "raw")
  x <- array(as.numeric(1:24), c(2, 3, 4))
  expect_identical(rkbridge:::rk_echo(x), x)
  expect_identical(rkbridge:::rk_echo(list(a = x, b = 1:3)), list(a = x, b = array(1:3)))
})

test_that("1-d engine arrays are 1-d R arrays, small or large; scalars and bytes stay plain", {
  skip_if_no_engine()
  small <- as.array(op_array(c(1, 2, 3)))  # sent inline
  expect_identical(small, array(c(1, 2, 3)))
  large <- as.array(op_ones(5000))  # sent boxed
  expect_identical(dim(large), 5000L)
  expect_identical(as.array(op_sum(c(1, 2))), 3)  # rank 0: a plain number, as reticulate
  expect_identical(as.array(op_array(1:2, dtype = "int32")), array(1:2))
  expect_null(dim(serialize_model(keras_model_sequential(input_shape = 2) %>% layer_dense(1))))
})
