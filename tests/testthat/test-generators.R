# R generator functions as x / validation_data of fit(), evaluate() and predict(), and the
# keras 2.x *_generator() names: the same results as the same batches given as arrays.

set.seed(1)
gx <- matrix(runif(120), ncol = 3)  # 40 x 3
gy <- gx %*% c(1, -2, 0.5)

# A generator over gx in consecutive batches of 10 (as fit() slices with shuffle = FALSE).
batches_of <- function(x, y = NULL, size = 10) {
  i <- 0
  function() {
    rows <- (i * size + 1):(i * size + size)
    i <<- (i + 1) %% (nrow(x) / size)
    if (is.null(y)) x[rows, , drop = FALSE] else list(x[rows, , drop = FALSE], y[rows, , drop = FALSE])
  }
}

# Models with the same starting weights.
w0 <- NULL
seeded_model <- function() {
  m <- keras_model_sequential(input_shape = c(3)) %>% layer_dense(4) %>% layer_dense(1)
  if (is.null(w0)) w0 <<- get_weights(m) else set_weights(m, w0)
  compile(m, optimizer = "sgd", loss = "mse", metrics = "mae")
  m
}

test_that("fit() on an R generator gives the weights of fit() on the same arrays", {
  skip_if_no_engine()
  m1 <- seeded_model()
  h <- fit(m1, batches_of(gx, gy), steps_per_epoch = 4, epochs = 2, verbose = 0)
  m2 <- seeded_model()
  fit(m2, gx, gy, batch_size = 10, epochs = 2, shuffle = FALSE, verbose = 0)
  expect_equal(get_weights(m1), get_weights(m2), tolerance = 1e-6)
  expect_length(h$metrics$loss, 2)
})

test_that("evaluate() and predict() on generators equal the array results", {
  skip_if_no_engine()
  m <- seeded_model()
  e1 <- evaluate(m, batches_of(gx, gy), steps = 4)
  e2 <- evaluate(m, gx, gy, verbose = 0)
  expect_equal(names(e1), c("loss", "mae"))
  expect_equal(e1, e2, tolerance = 1e-6)
  p1 <- predict(m, batches_of(gx), steps = 4)
  expect_equal(dim(p1), c(40L, 1L))
  expect_equal(p1, predict(m, gx), tolerance = 1e-6)
  # a generator of list(x, y) batches serves predict() too (y is dropped)
  expect_equal(predict(m, batches_of(gx, gy), steps = 4), p1, tolerance = 1e-6)
})

test_that("the keras 2.x *_generator() functions and a validation generator", {
  skip_if_no_engine()
  m1 <- seeded_model()
  expect_warning(
    h <- fit_generator(m1, batches_of(gx, gy), steps_per_epoch = 4, epochs = 2, verbose = 0,
                       validation_data = batches_of(gx[1:20, ], gy[1:20, , drop = FALSE]),
                       validation_steps = 2),
    "`fit_generator()` is deprecated", fixed = TRUE)
  m2 <- seeded_model()
  fit(m2, gx, gy, batch_size = 10, epochs = 2, shuffle = FALSE, verbose = 0)
  expect_equal(get_weights(m1), get_weights(m2), tolerance = 1e-6)
  expect_equal(names(h$metrics), c("loss", "mae", "val_loss", "val_mae"))
  expect_equal(h$metrics$val_loss[2],
               evaluate(m1, gx[1:20, ], gy[1:20, , drop = FALSE], verbose = 0)$loss,
               tolerance = 1e-5)
  expect_equal(suppressWarnings(evaluate_generator(m1, batches_of(gx, gy), steps = 4)),
               evaluate(m1, gx, gy, verbose = 0), tolerance = 1e-6)
  expect_warning(p <- predict_generator(m1, batches_of(gx), steps = 4),
                 "`predict_generator()` is deprecated", fixed = TRUE)
  expect_equal(p, predict(m1, gx), tolerance = 1e-6)
})

test_that("an error inside a generator is an R error naming it", {
  skip_if_no_engine()
  m <- seeded_model()
  broken_gen <- function() stop("no more data")
  err <- expect_error(fit(m, broken_gen, steps_per_epoch = 2, epochs = 1, verbose = 0),
                      class = "rkbridge_callback_error")
  expect_match(conditionMessage(err), "`broken_gen`", fixed = TRUE)
  expect_match(conditionMessage(err), "no more data", fixed = TRUE)
  expect_error(fit(m, broken_gen, epochs = 1, verbose = 0), "steps_per_epoch",
               class = "rkbridge_value_error")
})

test_that("generator_next() draws one batch", {
  skip_if_no_engine()
  g <- batches_of(gx, gy)
  b <- generator_next(g)
  expect_equal(b[[1]], gx[1:10, ])
})
