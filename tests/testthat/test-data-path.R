# One data path: every batch of an R generator or a TensorFlow dataset meets the rules arrays
# meet (NA/NaN/Inf, shapes against the model, row counts), with errors naming the batch; the
# *_on_batch() verbs check what fit() checks.

set.seed(2)
px <- matrix(runif(120), ncol = 3)  # 40 x 3: four batches of 10
py <- px %*% c(1, -2, 0.5)

# A generator giving rows 1-10, 11-20, ... of each of `parts`, round and round.
generator_of <- function(...) {
  parts <- list(...)
  k <- 0
  function() {
    k <<- k %% 4 + 1
    rows <- seq(10 * k - 9, 10 * k)
    lapply(parts, function(p) p[rows, , drop = FALSE])
  }
}

one_unit <- function() {
  m <- keras_model_sequential(input_shape = 3) %>% layer_dense(1)
  compile(m, optimizer = "sgd", loss = "mse")
}

refused <- function(expr, class, message) {
  err <- expect_error(expr, class = class)
  expect_equal(substr(conditionMessage(err), 1, nchar(message)), message)
  invisible(err)
}

with_value <- function(x, row, col, value = NaN) {
  x[row, col] <- value
  x
}

test_that("NA/NaN in a generator's batch stops fit() before it spoils the weights", {
  skip_if_no_engine()
  m <- one_unit()
  refused(fit(m, generator_of(with_value(px, 25, 2), py), steps_per_epoch = 4, epochs = 1,
              verbose = 0),
          "rkbridge_value_error",
          "Batch 3 of `x` (a generator): `x` has 1 NA/NaN value (first at [5, 2]). Remove")
  expect_true(all(is.finite(unlist(get_weights(m)))))
  # allow_na = TRUE trains on it anyway, as for arrays
  fit(m, generator_of(with_value(px, 25, 2), py), steps_per_epoch = 4, epochs = 1,
      verbose = 0, allow_na = TRUE)
  expect_false(all(is.finite(get_weights(m)[[1]])))
})

test_that("Inf in y of a generator's batch is refused by evaluate(); NA in x by predict()", {
  skip_if_no_engine()
  m <- one_unit()
  refused(evaluate(m, generator_of(px, with_value(py, 14, 1, Inf)), steps = 4),
          "rkbridge_value_error",
          "Batch 2 of `x` (a generator): `y` has 1 infinite value (Inf/-Inf) (first at [4, 1])")
  refused(predict(m, generator_of(with_value(px, 40, 3, NA)), steps = 4),
          "rkbridge_value_error",
          "Batch 4 of `x` (a generator): `x` has 1 NA/NaN value (first at [10, 3])")
})

test_that("NaN in a TensorFlow dataset's batch is refused naming the batch", {
  skip_if_no_engine()
  m <- one_unit()
  ds <- tensor_slices_dataset(list(with_value(px, 25, 2), py)) %>% dataset_batch(10)
  msg <- "Batch 3 of `x` (a TensorFlow dataset): `x` has 1 NA/NaN value (first at [5, 2])"
  refused(fit(m, ds, epochs = 1, verbose = 0), "rkbridge_value_error", msg)
  expect_true(all(is.finite(unlist(get_weights(m)))))
  refused(evaluate(m, ds), "rkbridge_value_error", msg)
  refused(predict(m, tensor_slices_dataset(with_value(px, 25, 2)) %>% dataset_batch(10)),
          "rkbridge_value_error", msg)
})

test_that("targets of the wrong width in a generator are refused as for arrays", {
  skip_if_no_engine()
  y2 <- cbind(py, py)
  arrays <- expect_error(fit(one_unit(), px[1:10, ], y2[1:10, ], verbose = 0),
                         class = "rkbridge_shape_error")
  batches <- refused(fit(one_unit(), generator_of(px, y2), steps_per_epoch = 4, epochs = 1,
                         verbose = 0),
                     "rkbridge_shape_error", "Batch 1 of `x` (a generator): ")
  expect_equal(conditionMessage(batches),
               paste0("Batch 1 of `x` (a generator): ", conditionMessage(arrays)))
  refused(evaluate(one_unit(), generator_of(px, cbind(py, py, py)), steps = 4),
          "rkbridge_shape_error",
          "Batch 1 of `x` (a generator): `y` has dim() c(10, 3) but the model's output has dim() c(NA, 1)")
  ds <- tensor_slices_dataset(list(px, cbind(py, py, py))) %>% dataset_batch(10)
  refused(evaluate(one_unit(), ds), "rkbridge_shape_error",
          "The batches of `x` (a TensorFlow dataset): `y` has dim() c(NA, 3) but the model's output")
})

test_that("train_on_batch() and test_on_batch() check the sample weights as fit() does", {
  skip_if_no_engine()
  w <- c(1, NA, rep(1, 8))
  for (verb in list(train_on_batch, test_on_batch)) {
    refused(verb(one_unit(), px[1:10, ], py[1:10, ], sample_weight = w),
            "rkbridge_value_error", "`sample_weight` has 1 NA/NaN value (first at [2])")
    refused(verb(one_unit(), px[1:10, ], py[1:10, ], sample_weight = rep(1, 9)),
            "rkbridge_shape_error", "`x` has 10 rows (samples) but `sample_weight` has 9")
  }
})

test_that("predict() refuses NA in arrays as in batches; allow_na = TRUE predicts NA rows", {
  skip_if_no_engine()
  m <- one_unit()
  refused(predict(m, with_value(px, 3, 2, NA)), "rkbridge_value_error",
          "`x` has 1 NA/NaN value (first at [3, 2])")
  p <- predict(m, with_value(px, 3, 2, NA), allow_na = TRUE)
  expect_equal(dim(p), c(40L, 1L))
  expect_equal(which(is.na(p[, 1])), 3L)
})
